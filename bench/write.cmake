# bench/write.cmake: `cmake --build BUILD --target bench_write` runs
# bench/write.sh on this build (Release expected): 1,000 articles of
# ../shared/corpus/orangesum-2016-2019.jsonl written into fouine-serve in
# one request and in 1,000, side by side with fouine-index.
if(TARGET fouine-serve)
  add_custom_target(bench_write
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/write.sh -b ${PROJECT_BINARY_DIR}
    DEPENDS fouine-serve fouine-index
    USES_TERMINAL
    COMMENT "write benchmark of fouine-serve (see bench/RESULTS.md)")
endif()
