# Bibliographic records (src/biblio.c, bibtex.c, bibtex_write.c, csljson.c,
# enrich.c). The unit test needs nothing; the archive test reads the real
# corpus from ../shared (skipped without it) with a BibTeX file it writes;
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
