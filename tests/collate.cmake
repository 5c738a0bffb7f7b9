# People listed in pinyin order (ICU's zh collator, src/base/collate.c): the
# comparison itself, and the presenter chapters of the sample library.
add_executable(collate_test ${PB_TESTS}/collate/collate_test.c)
target_link_libraries(collate_test PRIVATE pbcore)
add_test(NAME collate-pinyin-order COMMAND collate_test)
add_test(NAME collate-presenter-chapters
  COMMAND sh -c "${PB_BIN} dump --plan --group-by presenter ${PB_ROOT} | sed -n 's/.*\"kind\": \"chapter\", \"title\": \"\\([^\"]*\\)\".*/\\1/p' | tr '\\n' ' '")
set_tests_properties(collate-presenter-chapters PROPERTIES
  PASS_REGULAR_EXPRESSION "陈思远 李华 刘洋 孙浩然 王晓明 张伟 赵敏 周婷 ")
