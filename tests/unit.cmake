# Unit tests of the model, the fonts, UTF-8 and the config reader.
add_executable(test_unit ${PB_TESTS}/unit/test_unit.c)
target_link_libraries(test_unit PRIVATE pbcore)
add_test(NAME unit-model-fonts-utf8-config
  COMMAND test_unit ${PB_ROOT}/fonts ${CMAKE_CURRENT_BINARY_DIR})
