# LaTeX export (src/export/tex.c): a hand-built library with LaTeX's special
# characters, checked textually and, when xelatex is installed, compiled and
# its PDF outline compared with the card titles (skipped otherwise).
add_executable(tex_test ${PB_TESTS}/tex/tex_test.c)
target_link_libraries(tex_test PRIVATE pbcore)

add_test(NAME tex-export
  COMMAND sh ${PB_TESTS}/tex/run.sh $<TARGET_FILE:tex_test> ${CMAKE_BINARY_DIR}/tex-test ${PB_ROOT})
set_tests_properties(tex-export PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)

# The 2024 archive through the command line: paperbook build --format tex,
# xelatex, and the outline against the titles of paperbook dump.
add_test(NAME tex-corpus-2024
  COMMAND sh ${PB_TESTS}/tex/corpus_tex.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/tex-corpus
          "${PB_CORPUS}/Archived/2024论文精读归档.md")
set_tests_properties(tex-corpus-2024 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)

# One verdict per figure (issue 21): truncated PNGs (RGB and RGBA), a PNG
# without IEND, a WebP named .png and a truncated one, a JPEG without its
# end: the LaTeX export warns about the same figures with the same words as
# the PDF build and includes the figures the PDF shows; a second export
# finds everything in the image cache.
add_test(NAME tex-figure-verdicts
  COMMAND sh ${PB_TESTS}/tex/verdicts.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/tex-verdicts ${PB_ROOT})
