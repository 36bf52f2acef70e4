# bench_query: latency percentiles of fouine's search, snippets included,
# against stock FTS5 on the shared news corpus (see bench/RESULTS.md).
# Its index builder lives in bench/relevance.cmake (fouine_bench_query_corpus).
add_executable(bench_query ${CMAKE_CURRENT_SOURCE_DIR}/query.c)
target_link_libraries(bench_query PRIVATE fouine_bench_query_corpus
  fouine_static fouine_results_json PkgConfig::UTF8PROC fouine_warnings)
