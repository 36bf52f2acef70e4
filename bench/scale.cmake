# bench_scale: query cost as the archive grows, fouine against stock FTS5 on
# the shared news corpus copied K times (see bench/scale.c and the "Scale"
# section of bench/RESULTS.md).  It runs fouine-index as a child process.
add_executable(bench_scale ${CMAKE_CURRENT_SOURCE_DIR}/scale.c
  ${CMAKE_CURRENT_SOURCE_DIR}/scale_fouine.c)
target_compile_definitions(bench_scale PRIVATE
  FOUINE_BENCH_INDEXER="$<TARGET_FILE:fouine-index>")
target_link_libraries(bench_scale PRIVATE fouine_bench_query_corpus
  fouine_static PkgConfig::JANSSON m fouine_warnings)
add_dependencies(bench_scale fouine-index)

# With the tests: a small run (300 articles copied twice, a few queries of
# each kind and the exactness check), skipped without the shared data.
if(FOUINE_TESTS)
  add_test(NAME bench_scale
    COMMAND sh -c "test -r \"$1/corpus/orangesum-2016-2019.jsonl\" || { echo \"no shared data in $1: skipped\"; exit 77; }; exec \"$2\" --shared \"$1\" --data \"$3\" --rebuild --articles 300 --short 30 --questions 20 --common 5 --exact 5 2"
            sh ${FOUINE_SHARED_DIR} $<TARGET_FILE:bench_scale>
            ${CMAKE_CURRENT_BINARY_DIR}/scale-smoke)
  set_tests_properties(bench_scale PROPERTIES SKIP_RETURN_CODE 77)
endif()
