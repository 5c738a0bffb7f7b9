# The shared jobs of the base stage (issue 21 item 3): one module each for
# dates, percent-decoding and HTML character references, tested as units,
# and a scan of src/ that fails when a second copy of one of them appears.
add_executable(test_sharedjobs ${PB_TESTS}/sharedjobs/test_sharedjobs.c)
target_link_libraries(test_sharedjobs PRIVATE pbcore)
set(SHAREDJOBS_TMP ${CMAKE_CURRENT_BINARY_DIR}/sharedjobs-tmp)
add_test(NAME unit-sharedjobs
  COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1\" && exec \"$0\" \"$1\""
          $<TARGET_FILE:test_sharedjobs> ${SHAREDJOBS_TMP})
add_test(NAME sharedjobs-one-copy COMMAND ${PB_TESTS}/sharedjobs/one_copy.sh ${PB_ROOT}/src)
