# Paragraph typesetting (src/layout/para.c): unit tests with the real fonts, and
# every summary paragraph of the 2024 archive (skipped when absent).
add_executable(test_para ${PB_TESTS}/para/test_para.c)
target_link_libraries(test_para PRIVATE pbcore)
target_compile_definitions(test_para PRIVATE PB_ROOT="${PB_ROOT}")
add_test(NAME para_unit COMMAND test_para unit)
add_test(NAME para_corpus
         COMMAND test_para corpus "${PB_CORPUS}/Archived/2024论文精读归档.md")
set_tests_properties(para_corpus PROPERTIES SKIP_RETURN_CODE 77)
