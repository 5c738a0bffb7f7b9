# Remote figures (src/read/fetch.c): paperbook build --fetch against an HTTP
# server on 127.0.0.1 that the test starts and stops itself; no other
# network. Library and cache are built under the build tree.
add_test(NAME fetch-http
  COMMAND python3 ${PB_TESTS}/fetch/fetch_test.py ${PB_BIN} ${CMAKE_BINARY_DIR}/fetch-test)
set_tests_properties(fetch-http PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)

# Without a server: GitHub blob URLs → ?raw=true, and no network, no cache
# directory and no warnings when --fetch is not given.
add_executable(fetch_unit ${PB_TESTS}/fetch/fetch_unit.c)
target_link_libraries(fetch_unit PRIVATE pbcore)
add_test(NAME fetch-unit COMMAND fetch_unit ${CMAKE_BINARY_DIR}/fetch-unit)
