# Bibliographic records (src/records/: biblio.c, bibtex.c, csljson.c,
# enrich.c; their writers in src/export/: bibtex_write.c, csljson_write.c).
# The unit test needs nothing; the archive test reads the real corpus
# from ../shared (skipped without it) with a BibTeX file it writes;
# the enrich test runs arXiv- and Crossref-shaped servers on 127.0.0.1
# that it starts and stops itself.
add_executable(biblio_unit ${PB_TESTS}/biblio/biblio_unit.c)
target_link_libraries(biblio_unit PRIVATE pbcore)
add_test(NAME biblio-unit COMMAND biblio_unit ${CMAKE_BINARY_DIR})

add_test(NAME biblio-archive
  COMMAND python3 ${PB_TESTS}/biblio/archive_test.py ${PB_BIN} ${PB_CORPUS}
          ${CMAKE_BINARY_DIR}/biblio-archive)
set_tests_properties(biblio-archive PROPERTIES TIMEOUT 240 SKIP_RETURN_CODE 77)

add_test(NAME enrich-http
  COMMAND python3 ${PB_TESTS}/biblio/enrich_test.py ${PB_BIN} ${CMAKE_BINARY_DIR}/enrich-test)
set_tests_properties(enrich-http PROPERTIES TIMEOUT 240 SKIP_RETURN_CODE 77)

# Fuzz target for BibTeX / CSL-JSON readers (tests/fuzz/fuzz_bib.c): the
# seeds replay in every ctest run like the other targets (tests/fuzz.cmake);
# with -DPB_FUZZ=ON a libFuzzer binary pb_fuzz_bib is built too.
add_executable(pb_replay_bib ${PB_TESTS}/fuzz/replay.c ${PB_TESTS}/fuzz/fuzz_bib.c)
target_link_libraries(pb_replay_bib PRIVATE pbcore)
add_test(NAME fuzz-replay-bib COMMAND pb_replay_bib ${PB_TESTS}/fuzz/seeds/bib)
set_tests_properties(fuzz-replay-bib PROPERTIES TIMEOUT 300 LABELS fuzz-replay)
if(PB_FUZZ)
  add_executable(pb_fuzz_bib ${PB_TESTS}/fuzz/fuzz_bib.c)
  target_compile_options(pb_fuzz_bib PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(pb_fuzz_bib PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(pb_fuzz_bib PRIVATE pbcore)
endif()

# Citation records on the real corpus (issue 24): keys unchanged when cards
# are inserted anywhere, one entry per paper, the group's .bib kept whole
# through bibtex and python3-bibtexparser. Skipped without the corpus.
add_test(NAME biblio-cite-keys
  COMMAND python3 ${PB_TESTS}/biblio/cite_test.py ${PB_BIN} ${PB_CORPUS}
          ${CMAKE_BINARY_DIR}/biblio-cite)
set_tests_properties(biblio-cite-keys PROPERTIES TIMEOUT 240 SKIP_RETURN_CODE 77)
