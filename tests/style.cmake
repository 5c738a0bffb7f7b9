# One formatting style everywhere (.clang-format): the check CI runs.
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
if(CLANG_FORMAT)
  file(GLOB PB_FORMATTED ${PB_ROOT}/src/*/*.c ${PB_ROOT}/src/*/*.h ${PB_ROOT}/tests/*/*.c ${PB_ROOT}/bench/*.c)
  add_test(NAME style-clang-format COMMAND ${CLANG_FORMAT} --dry-run -Werror ${PB_FORMATTED})
endif()
