# A library from a stranger is safe to build (issue 17): the link policy's
# unit table, and a scan of every PDF the suite built for links the policy
# forbids (it runs after every other test: DEPENDS on all of them); since
# issue 20 also every .tex, .bib, .json, .txt and .eml it built.
add_executable(links_test ${PB_TESTS}/safety/links_test.c)
target_link_libraries(links_test PRIVATE pbcore)
add_test(NAME links-policy COMMAND links_test)
set_tests_properties(links-policy PROPERTIES TIMEOUT 60 LABELS safety)

# issue 20, hole 3: bibliography: and minutes: (and a refs.bib or minutes
# file committed as a link) stay inside the library; a bibliography that is
# not BibTeX nor CSL-JSON is an error
add_test(NAME safety-biblio-confine
  COMMAND ${PB_TESTS}/safety/biblio_confine.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-biblio-confine)
set_tests_properties(safety-biblio-confine PROPERTIES TIMEOUT 120 LABELS safety)

# inputs:, minutes: and bibliography: naming a file in the clone's .git
# (as written, in any case, or through a committed link) are errors at
# paperbook.yml:LINE, --allow-outside or not
add_test(NAME safety-git-inputs
  COMMAND ${PB_TESTS}/safety/git_inputs.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-git-inputs)
set_tests_properties(safety-git-inputs PROPERTIES TIMEOUT 120 LABELS safety)

# the digest's free text leaves no scheme or UNC path for a mail client to link
add_test(NAME safety-digest-free-text
  COMMAND python3 ${PB_TESTS}/safety/digest_free_text.py ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-digest-free-text)
set_tests_properties(safety-digest-free-text PROPERTIES TIMEOUT 120 LABELS safety)

# a library's own bin/chromium is never run, whatever relative entries PATH has
add_test(NAME safety-path-browser
  COMMAND ${PB_TESTS}/safety/path_browser.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-path-browser)
set_tests_properties(safety-path-browser PROPERTIES TIMEOUT 120 LABELS safety)

# a library's file names, figure paths and output: with escape sequences
# and newlines: the diagnostics show their control characters as \xHH;
# a digest's text (.txt, the mail's text part) keeps none
add_test(NAME safety-diag-controls
  COMMAND ${PB_TESTS}/safety/diag_controls.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-diag-controls)
set_tests_properties(safety-diag-controls PROPERTIES TIMEOUT 120 LABELS safety)

# a .pptx slide title with an entity reference (&x;) is read in bounded
# time (the title walk went round through the DTD for ever)
add_test(NAME safety-deck-entity-loop
  COMMAND ${PB_TESTS}/safety/deck_entity_loop.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-deck-entity-loop)
set_tests_properties(safety-deck-entity-loop PROPERTIES TIMEOUT 120 LABELS safety)

# .git/config: no login of the remote's URL (a token) in any link to a
# library file, and a .git/config committed as a link out is not read
add_test(NAME safety-git-remote
  COMMAND ${PB_TESTS}/safety/git_remote.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-git-remote)
set_tests_properties(safety-git-remote PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77 LABELS safety)

# --fetch refuses loopback, private, link-local, unique-local and
# unspecified addresses (checked after resolution, redirects included)
add_executable(private_addr_test ${PB_TESTS}/safety/private_addr_test.c)
target_link_libraries(private_addr_test PRIVATE pbcore)
add_test(NAME safety-fetch-private-addresses COMMAND private_addr_test)
set_tests_properties(safety-fetch-private-addresses PROPERTIES TIMEOUT 60 LABELS safety)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  # build/, build/cache, a part of the cache, build/tex/figures and a
  # digest's .txt committed as symbolic links out of the library
  add_test(NAME safety-write-confine
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/write_confine.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-write-confine)
  set_tests_properties(safety-write-confine PROPERTIES TIMEOUT 300 LABELS safety)
  # issue 20: a FIFO (and, as root, a device) at the name of every output:
  # PDF, .bib, booklet.tex, .txt, .eml, --dump-layout
  add_test(NAME safety-special-outputs
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/special_outputs.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-special-outputs)
  set_tests_properties(safety-special-outputs PROPERTIES TIMEOUT 600 LABELS safety)
  # issue 20: hostile card links through LaTeX, BibTeX, CSL-JSON, the plan
  # dump, a digest's .txt and .eml: scanned, and base_url in the LaTeX export
  add_test(NAME safety-link-outputs
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/link_outputs.py ${PB_BIN}
            ${PB_TESTS}/safety/scan_links.py ${CMAKE_BINARY_DIR}/safety-link-outputs)
  set_tests_properties(safety-link-outputs PROPERTIES TIMEOUT 300 LABELS safety)
  # issue 20, hole 9: exit 1 on an export's error, unique BibTeX keys, short
  # LaTeX lines, minutes without a year, dangerous links in the minutes
  add_test(NAME safety-exports-small
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/exports_small.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-exports-small)
  set_tests_properties(safety-exports-small PROPERTIES TIMEOUT 300 LABELS safety)
  # fonts: in paperbook.yml naming files outside the library
  add_test(NAME safety-font-confine
    COMMAND ${PB_TESTS}/safety/font_confine.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-font-confine)
  set_tests_properties(safety-font-confine PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77
    LABELS safety)
  # issue 20, holes 1 and 2: an HTML deck's thumbnail shows the page alone
  # (no file: iframe, image, style; no meta refresh), and a deck linked out
  # of the library is not read
  add_test(NAME safety-deck-file-access
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/deck_file_access.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-deck-file-access)
  set_tests_properties(safety-deck-file-access PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77
    LABELS safety)
  add_test(NAME safety-deck-link-out
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/deck_link_out.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-deck-link-out)
  set_tests_properties(safety-deck-link-out PROPERTIES TIMEOUT 120 LABELS safety)
  # issue 20, hole 7: BibTeX @string expansion and lookups, CSL-JSON items,
  # the enrich settings a library may make: each under a time limit and
  # (outside ASan) an address-space limit
  if(CMAKE_BUILD_TYPE STREQUAL "Asan")
    set(bounded_mode asan)
  else()
    set(bounded_mode plain)
  endif()
  add_test(NAME safety-bounded-readers
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/bounded_readers.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-bounded-readers ${bounded_mode})
  set_tests_properties(safety-bounded-readers PROPERTIES TIMEOUT 600 LABELS safety)
  # a library's enrich: arxiv_api / crossref_api are ignored (they chose
  # the server --enrich asks, intranet hosts too); PAPERBOOK_*_API are used
  add_test(NAME safety-enrich-servers
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/enrich_servers.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-enrich-servers)
  set_tests_properties(safety-enrich-servers PROPERTIES TIMEOUT 180 LABELS safety)
  # a card's figure at 127.0.0.1, localhost or [::1] is not downloaded
  # unless the user's PAPERBOOK_FETCH_ALLOW_PRIVATE=1 says so
  add_test(NAME safety-fetch-private
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/fetch_private.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-fetch-private)
  set_tests_properties(safety-fetch-private PROPERTIES TIMEOUT 180 LABELS safety)
  # paperbook dump escapes C0, DEL and C1 controls (U+0080..U+009F)
  add_test(NAME safety-dump-controls
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/dump_controls.py ${PB_BIN}
            ${CMAKE_BINARY_DIR}/safety-dump-controls)
  set_tests_properties(safety-dump-controls PROPERTIES TIMEOUT 60 LABELS safety)
  add_test(NAME links-scan-built-pdfs
    COMMAND ${Python3_EXECUTABLE} ${PB_TESTS}/safety/scan_links.py ${CMAKE_BINARY_DIR})
  set_tests_properties(links-scan-built-pdfs PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77
    LABELS safety)
  function(pb_links_scan_last)
    get_property(all DIRECTORY ${PB_TESTS} PROPERTY TESTS)
    list(REMOVE_ITEM all links-scan-built-pdfs)
    set_tests_properties(links-scan-built-pdfs PROPERTIES DEPENDS "${all}")
  endfunction()
  cmake_language(DEFER DIRECTORY ${PB_TESTS} CALL pb_links_scan_last)
endif()

# thousands of remote figures in one card: little memory and PDF per figure,
# QR codes as 1-bit image masks that still read at 150 dpi in two renderers
add_test(NAME safety-remote-figures
  COMMAND python3 ${PB_TESTS}/safety/remote_figures.py ${PB_BIN} ${CMAKE_BINARY_DIR}/safety-remote-figures)
set_tests_properties(safety-remote-figures PROPERTIES TIMEOUT 300 LABELS safety)
