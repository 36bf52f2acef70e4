# bench_relevance: recall@10 and MRR@10 of fouine and stock FTS5 on the
# relevance development set (needs the shared data; see bench/RESULTS.md).
add_library(fouine_bench_query_corpus STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/query_corpus.c
  ${CMAKE_CURRENT_SOURCE_DIR}/workload.c)
target_compile_definitions(fouine_bench_query_corpus PRIVATE
  FOUINE_BENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  FOUINE_BENCH_BINARY_DIR="${PROJECT_BINARY_DIR}")
target_include_directories(fouine_bench_query_corpus PUBLIC
  ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(fouine_bench_query_corpus PUBLIC fouine_static fouine_results_json
  PkgConfig::JANSSON PRIVATE PkgConfig::UTF8PROC fouine_warnings)

add_executable(bench_relevance ${CMAKE_CURRENT_SOURCE_DIR}/relevance.c)
target_link_libraries(bench_relevance PRIVATE fouine_bench_query_corpus
  fouine_static PkgConfig::UTF8PROC fouine_warnings)
