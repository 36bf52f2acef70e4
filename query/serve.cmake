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

add_executable(fouine-serve serve_main.c serve_http.c serve_api.c
               serve_suggest.c serve_watch.c
               ${CMAKE_CURRENT_BINARY_DIR}/serve_assets.c)
target_include_directories(fouine-serve PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fouine-serve PRIVATE fouine_query PkgConfig::MHD
                      PkgConfig::JANSSON PkgConfig::UTF8PROC Threads::Threads
                      fouine_warnings)
set_target_properties(fouine-serve PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
install(TARGETS fouine-serve)
