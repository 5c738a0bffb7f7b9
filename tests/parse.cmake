# Reader tests (src/read/read_*.c). Fixtures live in tests/parse/lib (a small
# library with the quirks of the real one); the real reading-group corpus is
# read in place when ../shared is there, else those tests are skipped.
# pb_dumpdrv prints the model as JSON, like `paperbook dump` will.
add_executable(pb_dumpdrv ${PB_TESTS}/parse/dumpdrv.c)
target_link_libraries(pb_dumpdrv PRIVATE pbcore)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  foreach(t checkins report cards robust resolve corpus_archive corpus_report)
    add_test(NAME parse_${t}
      COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/parse/check.py $<TARGET_FILE:pb_dumpdrv>
              ${PB_TESTS}/parse ${t} ${PB_CORPUS}
      WORKING_DIRECTORY ${PB_ROOT})
    set_tests_properties(parse_${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endif()

# libFuzzer target: cmake -DPB_FUZZ=ON -DCMAKE_C_COMPILER=clang, then
# ./tests/pb_fuzz_read tests/parse/lib -max_len=65536
if(PB_FUZZ)
  add_executable(pb_fuzz_read ${PB_TESTS}/parse/fuzz_read.c)
  target_compile_options(pb_fuzz_read PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(pb_fuzz_read PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(pb_fuzz_read PRIVATE pbcore)
endif()
