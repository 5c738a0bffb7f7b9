# Fuzz targets (libFuzzer) and their replay tests. See docs/fuzzing.md.
#
# Every target is also linked with tests/fuzz/replay.c into a plain program
# that runs the seed corpus and the crashing inputs kept under
# tests/fuzz/regress/<target>/ once, so that ordinary ctest runs (and the
# ASan build) check them without libFuzzer.
set(PB_FUZZ_TARGETS read slide_name image config pptx render deck minutes imgcache library cff)
set(PB_FUZZ_SRC_read ${PB_TESTS}/parse/fuzz_read.c)
foreach(t slide_name image config pptx render deck minutes imgcache library cff)
  set(PB_FUZZ_SRC_${t} ${PB_TESTS}/fuzz/fuzz_${t}.c)
endforeach()

foreach(t ${PB_FUZZ_TARGETS})
  add_executable(pb_replay_${t} ${PB_TESTS}/fuzz/replay.c ${PB_FUZZ_SRC_${t}})
  target_link_libraries(pb_replay_${t} PRIVATE pbcore)
  set(dirs ${PB_TESTS}/fuzz/seeds/${t})
  if(EXISTS ${PB_TESTS}/fuzz/regress/${t})
    list(APPEND dirs ${PB_TESTS}/fuzz/regress/${t})
  endif()
  add_test(NAME fuzz-replay-${t} COMMAND pb_replay_${t} ${dirs})
  set_tests_properties(fuzz-replay-${t} PROPERTIES TIMEOUT 300 LABELS fuzz-replay)
endforeach()

# libFuzzer binaries: configure with
#   CC=clang cmake -S . -B build-fuzz -DPB_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
#     -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link,address,undefined
# pb_fuzz_read is defined by tests/parse.cmake.
if(PB_FUZZ)
  foreach(t slide_name image config pptx render deck minutes imgcache library cff)
    add_executable(pb_fuzz_${t} ${PB_FUZZ_SRC_${t}})
    target_compile_options(pb_fuzz_${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(pb_fuzz_${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(pb_fuzz_${t} PRIVATE pbcore)
  endforeach()
endif()
