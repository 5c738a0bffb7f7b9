# End-to-end: build real booklets and inspect them with real PDF tools.
set(E2E_OUT ${CMAKE_BINARY_DIR}/e2e)
add_test(NAME e2e-sample
  COMMAND ${PB_TESTS}/e2e/build_and_check.sh ${PB_BIN} ${E2E_OUT} sample -- ${PB_ROOT}
  WORKING_DIRECTORY ${PB_ROOT})

add_test(NAME e2e-sample-reproducible
  COMMAND ${PB_TESTS}/e2e/reproducible.sh ${PB_BIN} ${E2E_OUT} ${PB_ROOT})

add_test(NAME e2e-corpus-report
  COMMAND ${PB_TESTS}/e2e/corpus.sh ${PB_BIN} ${E2E_OUT} report ${PB_CORPUS}/REPORT.md)
add_test(NAME e2e-corpus-archive
  COMMAND ${PB_TESTS}/e2e/corpus.sh ${PB_BIN} ${E2E_OUT} archive
          "${PB_CORPUS}/Archived/2024论文精读归档.md" --appendix presenters)
set_tests_properties(e2e-corpus-report e2e-corpus-archive PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME e2e-corpus-appendices
  COMMAND ${PB_TESTS}/e2e/corpus_appendix.sh ${PB_BIN} ${E2E_OUT} ${PB_CORPUS})
set_tests_properties(e2e-corpus-appendices PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME e2e-corpus-layout-report
  COMMAND ${PB_TESTS}/e2e/layout_report.sh ${PB_BIN} ${E2E_OUT} "${PB_CORPUS}/Archived/2024论文精读归档.md")
set_tests_properties(e2e-corpus-layout-report PROPERTIES SKIP_RETURN_CODE 77)
# The sample's slide index: PDF decks with page counts and rendered
# pictures (pdfimages -list), aligned entries, GoToR and repository links.
add_test(NAME e2e-slide-index
  COMMAND python3 ${PB_TESTS}/e2e/slide_index.py ${PB_BIN} ${PB_ROOT} ${E2E_OUT}/slide-index)
# A figure that fails only when encoded: dump, report and PDF agree, the
# pages are laid out once, and check reads the plan's verdict.
add_test(NAME e2e-late-figure-failure
  COMMAND ${PB_TESTS}/e2e/late_figure.sh ${PB_BIN} ${PB_ROOT} ${E2E_OUT}/late-figure)
# The figure workers (PAPERBOOK_JOBS): the same PDF and messages for 1, the
# default and 8, on the sample and a library of several figures.
add_test(NAME e2e-figure-jobs-identical
  COMMAND ${PB_TESTS}/e2e/jobs_identical.sh ${PB_BIN} ${PB_ROOT} ${E2E_OUT}/figure-jobs)
# Shaping results kept in the store: used warm, damaged records ignored,
# the PDF byte-identical cold and warm.
add_test(NAME e2e-shape-cache
  COMMAND ${PB_TESTS}/e2e/shape_cache.sh ${PB_BIN} ${E2E_OUT}/shape-cache ${PB_ROOT})
# Figure hashes kept by file identity: settled files only, used warm, a
# rewritten figure read again, damaged records ignored.
add_test(NAME e2e-figure-ids
  COMMAND ${PB_TESTS}/e2e/figure_ids.sh ${PB_BIN} ${E2E_OUT}/figure-ids ${PB_ROOT})
# fontconfig's answers kept with witnesses: used warm, asked again when a
# witness moved, damaged records ignored.
add_test(NAME e2e-fontconfig-kept
  COMMAND ${PB_TESTS}/e2e/fontconfig_kept.sh ${PB_BIN} ${E2E_OUT}/fontconfig-kept ${PB_ROOT})
# Broken paragraphs kept in the store: used warm, warnings kept, damaged
# records ignored, the PDF byte-identical cold and warm.
add_test(NAME e2e-para-store
  COMMAND ${PB_TESTS}/e2e/para_store.sh ${PB_BIN} ${E2E_OUT}/para-store ${PB_ROOT})
