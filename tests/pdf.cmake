# PDF back end: a hand-built pb_doc (mixed Chinese/English text, links,
# outline, placeholders) written with pb_pdf_write and inspected with qpdf,
# poppler and mutool by tests/pdf/check.py.
add_executable(pdf_test ${PB_TESTS}/pdf/pdf_test.c)
target_link_libraries(pdf_test PRIVATE pbcore)

find_program(PB_PYTHON3 python3)
add_test(NAME pdf-backend
  COMMAND ${PB_PYTHON3} ${PB_TESTS}/pdf/check.py $<TARGET_FILE:pdf_test> ${PB_ROOT}/fonts
          ${CMAKE_BINARY_DIR}/pdf-test ${PB_CORPUS})
set_tests_properties(pdf-backend PROPERTIES SKIP_RETURN_CODE 77)

# The text layer on a real build: every plane, ligatures and marks through
# pdftotext, CID subset fonts, kerning read back from the page content.
add_test(NAME pdf-text-layer
  COMMAND ${PB_PYTHON3} ${PB_TESTS}/pdf/text_layer.py $<TARGET_FILE:paperbook>
          ${CMAKE_BINARY_DIR}/pdf-text-layer)
set_tests_properties(pdf-text-layer PROPERTIES SKIP_RETURN_CODE 77)

# A CID-keyed CFF whose CIDs differ from its glyph ids (made with
# fontTools) draws the same page as Noto Serif CJK SC.
add_test(NAME pdf-cid-charset
  COMMAND /usr/bin/python3 ${PB_TESTS}/pdf/cid_charset.py $<TARGET_FILE:paperbook>
          ${CMAKE_BINARY_DIR}/pdf-cid-charset)
set_tests_properties(pdf-cid-charset PROPERTIES SKIP_RETURN_CODE 77)

# Every page of every output kind (booklet with both appendices, --print,
# digest, handout, two-up, and every PDF paperbook wrote for the other
# tests) opens in MuPDF and poppler without an error or warning (issue 23).
# It runs after every other test, like links-scan-built-pdfs.
add_test(NAME pdf-readers-parse
  COMMAND ${PB_PYTHON3} ${PB_TESTS}/pdf/readers_parse.py $<TARGET_FILE:paperbook> ${PB_CORPUS}
          ${CMAKE_BINARY_DIR}/pdf-readers-parse ${CMAKE_BINARY_DIR})
set_tests_properties(pdf-readers-parse PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77 LABELS pdf)
function(pb_readers_parse_last)
  get_property(all DIRECTORY ${PB_TESTS} PROPERTY TESTS)
  list(REMOVE_ITEM all pdf-readers-parse links-scan-built-pdfs)
  set_tests_properties(pdf-readers-parse PROPERTIES DEPENDS "${all}")
endfunction()
cmake_language(DEFER DIRECTORY ${PB_TESTS} CALL pb_readers_parse_last)

# The display list and the drawn text agree (issue 21): per page, the text
# items of --dump-layout hold the characters poppler and MuPDF extract, and
# each run starts where the layout put it; on the sample and the corpus
# archive (with the presenters appendix).
add_test(NAME pdf-display-list-text
  COMMAND ${PB_PYTHON3} ${PB_TESTS}/pdf/display_list_text.py $<TARGET_FILE:paperbook>
          ${CMAKE_BINARY_DIR}/pdf-display-list-text ${PB_ROOT}
          ${PB_CORPUS}/Archived/2024论文精读归档.md)
set_tests_properties(pdf-display-list-text PROPERTIES SKIP_RETURN_CODE 77)
