# fouine-serve: the HTTP server (libmicrohttpd thread pool + jansson), with
# the search page of query/web/ embedded at build time.
if(NOT MHD_FOUND)
  message(STATUS "libmicrohttpd not found: fouine-serve is not built")
  return()
endif()

set(FOUINE_WEB_FILES
  ${CMAKE_CURRENT_SOURCE_DIR}/web/index.html
  ${CMAKE_CURRENT_SOURCE_DIR}/web/app.js
  ${CMAKE_CURRENT_SOURCE_DIR}/web/style.css)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c
  COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c
          -DWEB_DIR=${CMAKE_CURRENT_SOURCE_DIR}/web
          -P ${CMAKE_CURRENT_SOURCE_DIR}/web/embed.cmake
  DEPENDS ${FOUINE_WEB_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/web/embed.cmake
  COMMENT "Embedding the search page"
  VERBATIM)

# All of it but main() is a static library, which the in-process tests
# (tests/check_serve_fuzz.c) and the fuzz target link too.
# The embedded page is a library of its own, for the fuzz target
# (tests/fuzz/), which compiles the rest itself.
add_library(fouine_serve_assets STATIC
            ${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c)
target_include_directories(fouine_serve_assets PRIVATE
                           ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fouine_serve_assets PRIVATE fouine)
set(FOUINE_SERVE_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/serve_http.c
  ${CMAKE_CURRENT_SOURCE_DIR}/serve_api.c
  ${CMAKE_CURRENT_SOURCE_DIR}/serve_suggest.c
  ${CMAKE_CURRENT_SOURCE_DIR}/serve_watch.c
  ${CMAKE_CURRENT_SOURCE_DIR}/serve_pool.c
  CACHE INTERNAL "fouine-serve's sources but serve_main.c")
add_library(fouine_serve STATIC ${FOUINE_SERVE_SOURCES})
target_include_directories(fouine_serve PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fouine_serve PUBLIC fouine_query fouine_serve_assets
                      PkgConfig::MHD PkgConfig::JANSSON Threads::Threads
                      PRIVATE PkgConfig::UTF8PROC fouine_warnings)

add_executable(fouine-serve serve_main.c)
target_link_libraries(fouine-serve PRIVATE fouine_serve fouine_warnings)
set_target_properties(fouine-serve PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
install(TARGETS fouine-serve)

# The libFuzzer target of the HTTP handlers (FOUINE_FUZZERS, see README).
if(FOUINE_FUZZERS)
  include(${PROJECT_SOURCE_DIR}/tests/fuzz/serve.cmake)
endif()
