# The stage graph (cmake/stages.cmake) as the build enforces it: every
# #include of a project header in src/ is an edge the graph declares, a probe
# that includes across the graph does not compile (its stage cannot see the
# header's folder, or the header is a poisoned copy of a library another
# stage owns), and probes of legal edges do.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  add_test(NAME stage-includes-follow-graph
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/stages/check_includes.py ${PB_ROOT})
  # The outputs (layout, mail, export) read the plan, never the library.
  add_test(NAME stage-outputs-read-only-the-plan
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/stages/check_plan_only.py ${PB_ROOT})
endif()

# A probe is a file of tests/stages/ built with one stage's settings,
# outside the default build, afresh by each test (RUN_SERIAL: the tests build
# in the same tree).
function(pb_stage_must_fail test stage file text)
  string(REGEX REPLACE "[.]c$" "" probe "stage_probe_${stage}_${file}")
  add_library(${probe} OBJECT EXCLUDE_FROM_ALL ${PB_TESTS}/stages/${file})
  pb_stage_settings(${probe} ${stage})
  add_test(NAME stage-${test}
    COMMAND ${PB_TESTS}/stages/expect_error.sh ${CMAKE_BINARY_DIR} ${probe} "${text}")
  set_tests_properties(stage-${test} PROPERTIES RUN_SERIAL TRUE)
endfunction()
function(pb_stage_must_build test stage file)
  string(REGEX REPLACE "[.]c$" "" probe "stage_probe_${stage}_${file}")
  add_library(${probe} OBJECT EXCLUDE_FROM_ALL ${PB_TESTS}/stages/${file})
  pb_stage_settings(${probe} ${stage})
  add_test(NAME stage-${test}
    COMMAND ${PB_TESTS}/stages/expect_builds.sh ${CMAKE_BINARY_DIR} ${probe})
  set_tests_properties(stage-${test} PROPERTIES RUN_SERIAL TRUE)
endfunction()

# Includes across the graph: the header's folder is not on the stage's path,
# or the header is a poisoned copy of a library another stage owns.
pb_stage_must_fail(layout-cannot-include-hpdf layout includes_hpdf.c
  "hpdf.h belongs to the pdf stage")
pb_stage_must_fail(read-cannot-include-layout read includes_layout.c "layout.h: No such file")
pb_stage_must_fail(mail-cannot-include-layout mail includes_layout.c "layout.h: No such file")
pb_stage_must_fail(plan-cannot-include-cli plan includes_cli.c "cli.h: No such file")
pb_stage_must_fail(model-cannot-include-fonts model includes_fonts.c "fonts.h: No such file")
pb_stage_must_fail(records-cannot-include-plan records includes_plan.c "plan.h: No such file")
pb_stage_must_fail(export-cannot-include-cards-write export includes_cards_write.c
  "cards_write.h: No such file")
pb_stage_must_fail(export-cannot-include-gmime export includes_gmime.c
  "gmime/gmime.h belongs to the mail stage")

# Legal edges build.
pb_stage_must_build(pdf-can-include-hpdf pdf includes_hpdf.c)
pb_stage_must_build(pdf-can-include-layout pdf includes_layout.c)
pb_stage_must_build(mail-can-include-plan mail includes_plan.c)
pb_stage_must_build(cli-can-include-cards-write cli includes_cards_write.c)
pb_stage_must_build(mail-can-include-gmime mail includes_gmime.c)

# The PDF stage draws glyphs and shapes nothing: its objects refer to no
# shaping, face-choosing or measuring function of the layout or HarfBuzz.
add_test(NAME stage-pdf-shapes-nothing
  COMMAND ${PB_TESTS}/stages/objects_call_none.sh "call no shaping function"
          "^(pb_fonts_shape|pb_fonts_face_for|pb_text_width|pb_para_layout|hb_shape|hb_shape_full|hb_buffer_create)$"
          $<TARGET_OBJECTS:pb_pdf>
  COMMAND_EXPAND_LISTS)
set_tests_properties(stage-pdf-shapes-nothing PROPERTIES SKIP_RETURN_CODE 77)

# The LaTeX export and the mail judge no figure: their objects refer to no
# probing, decoding, encoding or thumbnailing function (they ask the image
# cache for files made from what the plan judged).
add_test(NAME stage-outputs-judge-no-figure
  COMMAND ${PB_TESTS}/stages/objects_call_none.sh "export and mail judge no figure"
          "^(pb_image_(probe|probe_mem|sniff|decode_rgb8|thumbnail|latex_file|encode|encode_mem)|png_[a-z_]+|WebP[A-Za-z]+|DGif[A-Za-z]+|jpeg_[a-z_]+)$"
          $<TARGET_OBJECTS:pb_export>
          $<TARGET_OBJECTS:pb_mail>
  COMMAND_EXPAND_LISTS)
set_tests_properties(stage-outputs-judge-no-figure PROPERTIES SKIP_RETURN_CODE 77)
