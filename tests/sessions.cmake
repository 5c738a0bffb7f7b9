# Sessions: the minutes reader, the session appendix and the handout from
# the rota. Fixtures in tests/sessions/lib; the real minutes are read in
# place when ../shared is there, else that test is skipped.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  foreach(t fixture corpus appendix handout heads dates)
    add_test(NAME sessions_${t}
      COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/sessions/check.py ${PB_BIN} ${PB_TESTS}/sessions
              ${t} ${PB_CORPUS}
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(sessions_${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS sessions)
  endforeach()
endif()
# The rota contradicting a held session: a warning naming both lines.
add_test(NAME sessions_rota
  COMMAND sh ${PB_TESTS}/sessions/rota.sh ${PB_BIN} ${PB_TESTS}/sessions/rota
          ${CMAKE_BINARY_DIR}/sessions-rota)
