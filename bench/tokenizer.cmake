# bench_tokenizer: the french FTS5 tokenizer against unicode61, side by side
# (see bench/RESULTS.md, "Tokenizer throughput").
add_executable(bench_tokenizer ${CMAKE_CURRENT_LIST_DIR}/tokenizer.c)
target_link_libraries(bench_tokenizer PRIVATE fouine_static fouine_warnings)
