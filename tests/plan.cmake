# The plan stage (src/plan/plan.c): golden fixtures, a small library in
# tests/plan/basic and the JSON `paperbook dump --plan` must print for it
# with several options: chapters in the configured order, the Uncategorized
# chapter, links resolved (a deck matched by name), figures probed and the
# placeholders of an SVG, a missing and a remote figure; a selection; a
# digest window; the appendices.
set(PLAN_DIR ${PB_TESTS}/plan)
add_test(NAME plan-golden-booklet
  COMMAND ${PLAN_DIR}/golden.sh ${PB_BIN} ${PLAN_DIR}/basic ${PLAN_DIR}/booklet.json)
add_test(NAME plan-golden-presenter
  COMMAND ${PLAN_DIR}/golden.sh ${PB_BIN} ${PLAN_DIR}/basic ${PLAN_DIR}/presenter.json
          --presenter 李四 --appendix presenters --appendix slides)
add_test(NAME plan-golden-digest
  COMMAND ${PLAN_DIR}/golden.sh ${PB_BIN} ${PLAN_DIR}/basic ${PLAN_DIR}/digest.json
          --since 2024-04-01 --group-by month --oldest-first)
add_test(NAME plan-golden-handout
  COMMAND ${PLAN_DIR}/golden.sh ${PB_BIN} ${PLAN_DIR}/basic ${PLAN_DIR}/handout.json
          --date 2024-03-01)
