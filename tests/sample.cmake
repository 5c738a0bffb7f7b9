# The project's own sample library (papers/, Images/, Slide/): well-formed
# cards whose figures and decks exist and are in formats paperbook embeds.
find_program(PB_PYTHON3 python3)
if(PB_PYTHON3)
  add_test(NAME sample-cards-wellformed
    COMMAND ${PB_PYTHON3} ${PB_TESTS}/sample/check_cards.py ${PB_ROOT})
else()
  message(STATUS "python3 not found: test sample-cards-wellformed not added")
endif()
