# The heap's start-up settings (src/base/heap.c), read back from
# /proc/self/smaps.
add_executable(heap_test ${PB_TESTS}/heap/heap_test.c)
target_link_libraries(heap_test PRIVATE pbcore)
add_test(NAME heap-huge-pages COMMAND heap_test)
set_tests_properties(heap-huge-pages PROPERTIES SKIP_RETURN_CODE 77)
