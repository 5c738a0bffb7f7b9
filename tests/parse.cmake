# Reader tests (src/read_*.c): fixtures in tests/parse/, the real corpus when
# ../shared is there. dumpdrv prints the model as JSON like `paperbook dump`.
add_executable(pb_dumpdrv ${PB_TESTS}/parse/dumpdrv.c)
target_link_libraries(pb_dumpdrv PRIVATE pbcore)
