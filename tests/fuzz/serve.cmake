# fuzz_serve: libFuzzer target of fouine-serve's request handling (option
# FOUINE_FUZZERS, see README.md), included by tools/serve/serve.cmake once the
# server's libraries exist.  With clang, the server's code is compiled into
# the target so that libFuzzer sees its coverage; with another compiler it
# is the replay driver fuzz_main.c.  fuzz_serve_replay is always the driver:
#     fuzz_serve_replay tests/fuzz/serve-corpus [more files or directories]
# Either builds a small index of corpus/ on its first input, or uses the
# one named by FOUINE_FUZZ_INDEX.
set(FOUINE_FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)

add_executable(fuzz_serve_replay ${FOUINE_FUZZ_DIR}/fuzz_serve.c
               ${FOUINE_FUZZ_DIR}/fuzz_main.c)
target_link_libraries(fuzz_serve_replay PRIVATE fouine_serve fouine_internal
                      fouine_warnings)

if(CMAKE_C_COMPILER_ID MATCHES "Clang")
  add_executable(fuzz_serve ${FOUINE_FUZZ_DIR}/fuzz_serve.c
                 ${FOUINE_SERVE_SOURCES})
  target_compile_options(fuzz_serve PRIVATE
    -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_serve PRIVATE -fsanitize=fuzzer,address,undefined)
  target_include_directories(fuzz_serve PRIVATE ${PROJECT_SOURCE_DIR}/tools/serve)
  target_link_libraries(fuzz_serve PRIVATE fouine_serve_assets fouine_internal
                        fouine_results_json
                        PkgConfig::MHD PkgConfig::JANSSON PkgConfig::CURL
                        PkgConfig::UTF8PROC Threads::Threads fouine_warnings)
else()
  add_executable(fuzz_serve ${FOUINE_FUZZ_DIR}/fuzz_serve.c
                 ${FOUINE_FUZZ_DIR}/fuzz_main.c)
  target_link_libraries(fuzz_serve PRIVATE fouine_serve fouine_internal
                        fouine_warnings)
endif()

foreach(t fuzz_serve fuzz_serve_replay)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${t} PRIVATE
    FOUINE_FUZZ_CORPUS="${PROJECT_SOURCE_DIR}/corpus")
  set_target_properties(${t} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests/fuzz)
endforeach()
