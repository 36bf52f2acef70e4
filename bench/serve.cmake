# bench/serve.sh: wrk against fouine-serve's /api/search at 1 and 16
# connections on the index of the shared corpus.  Run by hand:
#   cmake --build build --target bench-serve   (a release build)
set(FOUINE_BENCH_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared")
if(TARGET fouine-serve)
  add_custom_target(bench-serve
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/serve.sh ${PROJECT_BINARY_DIR}
            ${FOUINE_BENCH_SHARED_DIR}
    DEPENDS fouine-serve fouine-index
    USES_TERMINAL
    COMMENT "HTTP benchmark of fouine-serve (wrk)")
endif()
