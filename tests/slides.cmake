# Slide-deck index (src/read/slides.c): deck names, .pptx reading (a small deck
# built at test time, a corrupt one), and the real corpus's Slide/ read in
# place with thumbnails going to the build tree.
add_executable(slides_test ${PB_TESTS}/slides/slides_test.c)
target_link_libraries(slides_test PRIVATE pbcore)

add_test(NAME slides-names COMMAND slides_test names)
add_test(NAME slides-pptx
  COMMAND sh ${PB_TESTS}/slides/pptx.sh $<TARGET_FILE:slides_test> ${CMAKE_BINARY_DIR}/slides-pptx)
add_test(NAME slides-corpus
  COMMAND slides_test corpus ${PB_CORPUS} ${CMAKE_BINARY_DIR}/slides-corpus/thumbs)
add_test(NAME slides-xml COMMAND slides_test xml)
# The sample library's PDF decks: page count, title, a rendered thumbnail.
add_test(NAME slides-decks
  COMMAND slides_test decks ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/slides-decks/thumbs)
set_tests_properties(slides-pptx slides-corpus PROPERTIES SKIP_RETURN_CODE 77)
# Built from inside the library (".", a relative cache): the HTML deck's
# screenshot is taken (a real Chromium).
add_test(NAME slides-html-relative-cache
  COMMAND ${PB_TESTS}/slides/relative_cache.sh ${PB_BIN} ${PB_ROOT} ${CMAKE_BINARY_DIR}/slides-relcache)
set_tests_properties(slides-html-relative-cache PROPERTIES SKIP_RETURN_CODE 77)
# Deck contents only for the outputs that draw them (issue 25).
add_test(NAME slides-lazy
  COMMAND ${PB_TESTS}/slides/lazy_decks.sh ${PB_BIN} ${PB_ROOT} ${CMAKE_BINARY_DIR}/slides-lazy)
set_tests_properties(slides-lazy PROPERTIES TIMEOUT 120 LABELS slides)
