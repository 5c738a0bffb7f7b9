# Reader tests (src/read_*.c). Fixtures live in tests/parse/lib (a small
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
