add_test(NAME cli-user-interface COMMAND ${PB_TESTS}/cli/cli_test.sh ${PB_BIN} ${CMAKE_BINARY_DIR} ${PB_ROOT})
add_test(NAME cli-install-and-deb COMMAND ${PB_TESTS}/cli/install_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(cli-install-and-deb PROPERTIES SKIP_RETURN_CODE 77)
