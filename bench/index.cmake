# bench/index.cmake: `cmake --build BUILD --target bench_index` runs
# bench/index.sh on this build (Release expected) and the default corpus,
# ../shared/corpus/orangesum-2016-2019 next to the source tree.
add_custom_target(bench_index
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/index.sh -b ${PROJECT_BINARY_DIR}
  DEPENDS fouine-index
  USES_TERMINAL
  COMMENT "fouine-index benchmark (see bench/RESULTS.md)")
