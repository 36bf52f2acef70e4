# fouine-serve: the HTTP server (libmicrohttpd thread pool + jansson), with
# the search page of tools/serve/web/ embedded at build time.
if(NOT MHD_FOUND)
  message(STATUS "libmicrohttpd not found: fouine-serve is not built")
  return()
endif()
if(NOT CURL_FOUND)
  message(STATUS "libcurl not found: fouine-serve is not built")
  return()
endif()

set(FOUINE_SERVE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FOUINE_WEB_FILES
  ${FOUINE_SERVE_DIR}/web/index.html
  ${FOUINE_SERVE_DIR}/web/app.js
  ${FOUINE_SERVE_DIR}/web/style.css)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c
  COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c
          -DWEB_DIR=${FOUINE_SERVE_DIR}/web
          -P ${FOUINE_SERVE_DIR}/web/embed.cmake
  DEPENDS ${FOUINE_WEB_FILES} ${FOUINE_SERVE_DIR}/web/embed.cmake
  COMMENT "Embedding the search page"
  VERBATIM)

# All of it but main() is a static library, which the in-process tests
# (tests/check_serve_fuzz.c) and the fuzz target link too.
# The embedded page is a library of its own, for the fuzz target
# (tests/fuzz/), which compiles the rest itself.
add_library(fouine_serve_assets STATIC
            ${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c)
target_include_directories(fouine_serve_assets PRIVATE
                           ${FOUINE_SERVE_DIR})
target_link_libraries(fouine_serve_assets PRIVATE fouine_static)
set(FOUINE_SERVE_SOURCES
  ${FOUINE_SERVE_DIR}/serve_http.c
  ${FOUINE_SERVE_DIR}/serve_api.c
  ${FOUINE_SERVE_DIR}/serve_watch.c
  ${FOUINE_SERVE_DIR}/serve_pool.c
  ${FOUINE_SERVE_DIR}/serve_write.c
  ${FOUINE_SERVE_DIR}/serve_metrics.c
  ${FOUINE_SERVE_DIR}/serve_follow.c
  CACHE INTERNAL "fouine-serve's sources but serve_main.c")
add_library(fouine_serve STATIC ${FOUINE_SERVE_SOURCES})
target_include_directories(fouine_serve PUBLIC ${FOUINE_SERVE_DIR})
target_link_libraries(fouine_serve PUBLIC fouine_static fouine_results_json
                      fouine_serve_assets
                      PkgConfig::MHD PkgConfig::JANSSON PkgConfig::CURL
                      Threads::Threads
                      PRIVATE PkgConfig::UTF8PROC fouine_warnings)

add_executable(fouine-serve ${FOUINE_SERVE_DIR}/serve_main.c)
target_link_libraries(fouine-serve PRIVATE fouine_serve fouine_cli
                      fouine_warnings)
set_target_properties(fouine-serve PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
install(TARGETS fouine-serve)

# The libFuzzer target of the HTTP handlers (FOUINE_FUZZERS, see README).
if(FOUINE_FUZZERS)
  include(${PROJECT_SOURCE_DIR}/tests/fuzz/serve.cmake)
endif()
