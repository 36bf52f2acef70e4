# bench_html: the HTML reader on pages whose article is known (title,
# date, section, body words), and its throughput beside libxml2 alone (see
# bench/RESULTS.md, "HTML pages"); bench/html.sh adds fouine-index's peak
# RSS on the pages read up to 80 times over.
add_executable(bench_html ${CMAKE_CURRENT_SOURCE_DIR}/html.c)
target_link_libraries(bench_html PRIVATE fouine_internal PkgConfig::LIBXML2
  PkgConfig::JANSSON fouine_warnings)
# check_html_shared reads the figures of bench_html on the sample.
if(TARGET check_html_shared)
  add_dependencies(check_html_shared bench_html)
endif()
# bench/html.sh runs both: cmake --build build --target bench-html
add_custom_target(bench-html
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/html.sh -b ${PROJECT_BINARY_DIR}
  DEPENDS bench_html fouine-index
  USES_TERMINAL
  COMMENT "HTML reader benchmark (see bench/RESULTS.md)")
