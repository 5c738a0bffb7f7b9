# End-to-end runs under valgrind: zero errors, zero leaks. (The ASan/UBSan
# build of the whole suite is a separate build type, run by .ci/setup test.)
# Not in a sanitizer build: valgrind cannot run ASan-instrumented programs.
if(NOT CMAKE_BUILD_TYPE STREQUAL "Asan")
  set(MC ${PB_TESTS}/memcheck/valgrind.sh ${PB_BIN})
  set(MC_OUT ${CMAKE_BINARY_DIR}/memcheck)
  file(MAKE_DIRECTORY ${MC_OUT})
  add_test(NAME valgrind-build-sample COMMAND ${MC} build ${PB_ROOT} --no-cache -o ${MC_OUT}/sample.pdf)
  add_test(NAME valgrind-build-report COMMAND ${MC} build ${PB_CORPUS}/REPORT.md --no-cache -o ${MC_OUT}/report.pdf)
  add_test(NAME valgrind-digest COMMAND ${MC} digest --since 2024-12-01 --until 2024-12-31 --no-cache
    "${PB_CORPUS}/Archived/2024论文精读归档.md" -o ${MC_OUT}/digest.pdf)
  add_test(NAME valgrind-dump-check COMMAND ${MC} check "${PB_CORPUS}/Archived/2024论文精读归档.md")
  set_tests_properties(valgrind-build-sample valgrind-build-report valgrind-digest valgrind-dump-check
    PROPERTIES SKIP_RETURN_CODE 77 LABELS valgrind)
endif()
