# The stages the build enforces (CMakeLists.txt, PB_STAGE_*): a file of the
# layout stage that includes hpdf.h does not build, nor does a reader that
# includes layout.h; the same hpdf.h probe built as part of the pdf stage
# does (it is in the default build).
add_library(stage_probe_pdf_hpdf OBJECT ${PB_TESTS}/stages/includes_hpdf.c)
pb_stage_settings(stage_probe_pdf_hpdf pdf)
add_library(stage_probe_layout_hpdf OBJECT EXCLUDE_FROM_ALL ${PB_TESTS}/stages/includes_hpdf.c)
pb_stage_settings(stage_probe_layout_hpdf layout)
add_library(stage_probe_read_layout OBJECT EXCLUDE_FROM_ALL ${PB_TESTS}/stages/includes_layout.c)
pb_stage_settings(stage_probe_read_layout read)
add_test(NAME stage-layout-cannot-include-hpdf
  COMMAND ${PB_TESTS}/stages/expect_error.sh ${CMAKE_BINARY_DIR} stage_probe_layout_hpdf
          "hpdf.h belongs to the pdf stage")
add_test(NAME stage-read-cannot-include-layout
  COMMAND ${PB_TESTS}/stages/expect_error.sh ${CMAKE_BINARY_DIR} stage_probe_read_layout
          "layout.h belongs to the layout stage")
set_tests_properties(stage-layout-cannot-include-hpdf stage-read-cannot-include-layout
  PROPERTIES RUN_SERIAL TRUE)
