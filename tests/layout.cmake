# Layout checks on the box listing (--dump-layout): text block, no blank
# pages, no overlapping runs, outline marks on real pages.
set(LAYOUT_OUT ${CMAKE_BINARY_DIR}/layout)
add_test(NAME layout-sample COMMAND ${PB_TESTS}/layout/layout_test.sh ${PB_BIN} ${LAYOUT_OUT} sample ${PB_ROOT} --appendix presenters --appendix slides)
add_test(NAME layout-sample-letter-print COMMAND ${PB_TESTS}/layout/layout_test.sh ${PB_BIN} ${LAYOUT_OUT} letter ${PB_ROOT} --paper letter --print)
add_test(NAME layout-corpus-archive COMMAND ${PB_TESTS}/layout/layout_test.sh ${PB_BIN} ${LAYOUT_OUT} archive
  "${PB_CORPUS}/Archived/2024论文精读归档.md" --appendix presenters --no-cache)
add_test(NAME layout-corpus-by-presenter COMMAND ${PB_TESTS}/layout/layout_test.sh ${PB_BIN} ${LAYOUT_OUT} presenter
  "${PB_CORPUS}/Archived/2024论文精读归档.md" ${PB_CORPUS}/REPORT.md --group-by presenter --no-cache)
set_tests_properties(layout-corpus-archive layout-corpus-by-presenter PROPERTIES SKIP_RETURN_CODE 77)
# QR codes of remote figures kept in the cache (qr-*.bin) and read back.
add_test(NAME layout-qr-cache COMMAND ${PB_TESTS}/layout/qr_cache.sh ${PB_BIN} ${LAYOUT_OUT}/qr-cache)

# Figures keep a legible size (issue 23): full measure or natural width at
# 150 ppi, never shrunk by the page breaker (pdfimages -list vs the dump).
add_test(NAME layout-figures-legible
  COMMAND python3 ${PB_TESTS}/layout/figures_legible.py ${PB_BIN} ${PB_CORPUS}
          ${LAYOUT_OUT}/figures-legible)
set_tests_properties(layout-figures-legible PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

# Nothing for the machine printed for the reader ([x], file:line) and one
# apparatus language, English by default and `lang: zh` (issue 23).
add_test(NAME layout-one-voice
  COMMAND python3 ${PB_TESTS}/layout/one_voice.py ${PB_BIN} ${PB_CORPUS} ${LAYOUT_OUT}/one-voice)
set_tests_properties(layout-one-voice PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

# Educated quotes in the PDF and the LaTeX export; code, URLs and Chinese
# as written (issue 23, item 5).
add_test(NAME layout-quotes COMMAND ${PB_TESTS}/layout/quotes.sh ${PB_BIN} ${LAYOUT_OUT}/quotes)
