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
