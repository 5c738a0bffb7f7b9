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
  add_test(NAME valgrind-dump-check COMMAND ${PB_TESTS}/memcheck/valgrind.sh --expect 1 ${PB_BIN} check "${PB_CORPUS}/Archived/2024论文精读归档.md")
  # The deck readers (forked, poppler on each PDF deck) checked for memory
  # errors, on a fresh copy of the sample so that no thumbnail is cached.
  add_test(NAME valgrind-deck-readers
    COMMAND ${PB_TESTS}/memcheck/decks.sh ${PB_BIN} ${PB_ROOT} ${MC_OUT}/decks)
  set_tests_properties(valgrind-build-sample valgrind-build-report valgrind-digest valgrind-dump-check
    valgrind-deck-readers PROPERTIES SKIP_RETURN_CODE 77 LABELS valgrind)
endif()

# The runner must fail on a crash, a memory error, a leak and an unexpected
# exit status: each of these deliberately broken runs is expected to fail.
if(NOT CMAKE_BUILD_TYPE STREQUAL "Asan")
  add_executable(memcheck_crash ${PB_TESTS}/memcheck/crash.c)
  set_target_properties(memcheck_crash PROPERTIES COMPILE_OPTIONS "-O0")
  foreach(what segv read leak reachable exit)
    add_test(NAME valgrind-runner-fails-${what}
      COMMAND ${PB_TESTS}/memcheck/valgrind.sh $<TARGET_FILE:memcheck_crash> ${what})
    set_tests_properties(valgrind-runner-fails-${what} PROPERTIES WILL_FAIL TRUE LABELS valgrind)
  endforeach()
  add_test(NAME valgrind-runner-fails-child
    COMMAND ${PB_TESTS}/memcheck/valgrind.sh --children $<TARGET_FILE:memcheck_crash> child)
  set_tests_properties(valgrind-runner-fails-child PROPERTIES WILL_FAIL TRUE LABELS valgrind)
  add_test(NAME valgrind-runner-passes-clean
    COMMAND ${PB_TESTS}/memcheck/valgrind.sh $<TARGET_FILE:memcheck_crash> none)
  set_tests_properties(valgrind-runner-passes-clean PROPERTIES SKIP_RETURN_CODE 77 LABELS valgrind)
endif()
