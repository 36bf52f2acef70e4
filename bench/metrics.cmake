# bench_metrics: fouine-serve's request counters (C11 atomics, no lock)
# against the same counts under one mutex, side by side, from several
# threads at once (see bench/RESULTS.md, "Request counters").
if(TARGET fouine_serve)
  add_executable(bench_metrics ${CMAKE_CURRENT_LIST_DIR}/metrics.c)
  target_link_libraries(bench_metrics PRIVATE fouine_serve Threads::Threads
                        fouine_warnings)
endif()
