# bench_related: how often fouine_related()'s articles share the article's
# category on the shared news corpus, against random articles, and the time
# of a call (see bench/RESULTS.md, "Related articles").  Its index builder
# lives in bench/relevance.cmake (fouine_bench_query_corpus).
add_executable(bench_related ${CMAKE_CURRENT_SOURCE_DIR}/related.c)
target_link_libraries(bench_related PRIVATE fouine_bench_query_corpus
  fouine_static fouine_warnings)
