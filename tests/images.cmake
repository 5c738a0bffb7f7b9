# Figures: round trips through the PDF (tests/images/check.sh compares the
# pixels pdfimages extracts with the sources), corrupt input, the corpus.
add_executable(imgpdf ${PB_TESTS}/images/imgpdf.c)
target_link_libraries(imgpdf PRIVATE pbcore)

add_test(NAME images-roundtrip
  COMMAND bash ${PB_TESTS}/images/check.sh $<TARGET_FILE:imgpdf> ${CMAKE_BINARY_DIR}/images-test)
add_test(NAME images-corpus
  COMMAND bash ${PB_TESTS}/images/corpus.sh $<TARGET_FILE:imgpdf> ${PB_CORPUS}/Images
          ${CMAKE_BINARY_DIR}/images-corpus)
# The same round trips with every decoded PNG through the row-streaming
# encoder (by default only those over 24 MB of pixels take it).
add_test(NAME images-roundtrip-streamed
  COMMAND bash ${PB_TESTS}/images/check.sh $<TARGET_FILE:imgpdf> ${CMAKE_BINARY_DIR}/images-test-streamed)
set_tests_properties(images-roundtrip-streamed PROPERTIES ENVIRONMENT PB_PNG_STREAM_BYTES=0)
set_tests_properties(images-roundtrip images-roundtrip-streamed images-corpus PROPERTIES
  SKIP_RETURN_CODE 77)

add_executable(imgcache_test ${PB_TESTS}/images/cachetest.c)
target_link_libraries(imgcache_test PRIVATE pbcore)
add_test(NAME images-cache COMMAND imgcache_test ${CMAKE_BINARY_DIR} ${PB_ROOT})
