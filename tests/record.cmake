# The group's record (issue 22): zero-config discovery in a repository
# shaped like the group's (tests/record/repo; the corpus too when ../shared
# is there), heads never silently lost or merged (tests/record/heads.md),
# wrong-year dates, venue names, and a lossless import round trip.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  foreach(t zero_config zero_config_corpus heads conflict_pdf import_fixture import_corpus new_slug minutes_period venues_config)
    add_test(NAME record_${t}
      COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/record/record_test.py ${PB_BIN}
              ${PB_TESTS}/record ${PB_CORPUS} ${t})
    set_tests_properties(record_${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
  endforeach()
endif()
