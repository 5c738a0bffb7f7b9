add_test(NAME roundtrip-import-corpus
  COMMAND ${PB_TESTS}/roundtrip/roundtrip.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/roundtrip ${PB_CORPUS})
set_tests_properties(roundtrip-import-corpus PROPERTIES SKIP_RETURN_CODE 77)
