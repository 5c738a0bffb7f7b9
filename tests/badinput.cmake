# Bad-input corpus: one ctest per case of tests/badinput/cases.txt (each
# makes its tiny library at test time), plus a build killed with SIGKILL
# and a build writing to a full file system. See tests/badinput/run.py.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  set(BI_WORK ${CMAKE_BINARY_DIR}/badinput)
  file(MAKE_DIRECTORY ${BI_WORK})
  file(STRINGS ${PB_TESTS}/badinput/cases.txt BI_LINES ENCODING UTF-8)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PB_TESTS}/badinput/cases.txt)
  foreach(line IN LISTS BI_LINES)
    if(line MATCHES "^([a-z0-9][a-z0-9-]*) \\| ")
      set(name ${CMAKE_MATCH_1})
      add_test(NAME badinput-${name}
        COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/badinput/run.py --bin ${PB_BIN}
                --work ${BI_WORK} --case ${name})
      # the generous timeout is ctest's; the runner's own is 20 s a case
      # (60 s for the decompression bombs), times PB_TIMEOUT_SCALE
      set_tests_properties(badinput-${name} PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77
        LABELS badinput)
    endif()
  endforeach()
  foreach(s kill diskfull)
    add_test(NAME badinput-special-${s}
      COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/badinput/run.py --bin ${PB_BIN}
              --work ${BI_WORK} --special ${s})
    set_tests_properties(badinput-special-${s} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77
      LABELS badinput RUN_SERIAL TRUE)
  endforeach()
endif()

# Error paths under valgrind (label valgrind: the plain build only).
if(Python3_FOUND AND NOT CMAKE_BUILD_TYPE STREQUAL "Asan")
  add_test(NAME valgrind-badinput
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/badinput/run.py --bin ${PB_BIN}
            --work ${BI_WORK}/valgrind --valgrind --case
            png-bad-crc-check,png-truncated,jpeg-cut-data,webp-corrupt,gif-corrupt,svg-figure,pptx-truncated,pptx-bad-thumbnail,front-matter-yaml-error,front-matter-wrong-types,config-wrong-types,config-yaml-error,missing-font-file,output-is-a-directory,invalid-utf8,broken-relative-link,presenter-two-spellings,figure-symlink-out)
  set_tests_properties(valgrind-badinput PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77 LABELS valgrind)
endif()
