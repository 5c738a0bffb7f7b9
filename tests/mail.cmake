# The mailed digest (src/mail/): --mail/--send against a real
# SMTP server (python3-aiosmtpd) that the test starts on 127.0.0.1, a free
# port, and stops; the 2024 archive's windows, size, and its HTML rendered by
# headless Chromium. Debian's python3 (aiosmtpd is a Debian package, not on
# other interpreters' paths).
find_program(PB_SYSTEM_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT PB_SYSTEM_PYTHON3)
  find_program(PB_SYSTEM_PYTHON3 python3)
endif()
add_test(NAME mail-smtp
  COMMAND ${PB_SYSTEM_PYTHON3} ${PB_TESTS}/mail/mail_test.py ${PB_BIN} ${PB_ROOT}
          ${CMAKE_BINARY_DIR}/mail-test)
add_test(NAME mail-corpus
  COMMAND ${PB_SYSTEM_PYTHON3} ${PB_TESTS}/mail/mail_corpus_test.py ${PB_BIN}
          ${PB_CORPUS}/Archived/2024论文精读归档.md ${CMAKE_BINARY_DIR}/mail-corpus)
# A library cannot take the password or write outside itself (issue 20):
# its server/password_env/user/ca_file ignored, smtp+insecure:// only to a
# loopback address, a linked mail-sent.log, a FIFO as --mail, a hostile
# from: domain, a server reply with escape sequences.
add_test(NAME mail-safety
  COMMAND ${PB_SYSTEM_PYTHON3} ${PB_TESTS}/mail/mail_safety_test.py ${PB_BIN} ${PB_ROOT}
          ${CMAKE_BINARY_DIR}/mail-safety)
set_tests_properties(mail-smtp mail-corpus mail-safety PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
# The weekly mail (issue 24, items 5-7): summaries, visible figures as cid:
# parts, who did not read, the PDF's paper count, --strict and empty windows,
# handout --next --today; sent to aiosmtpd, rendered in Chromium.
add_test(NAME mail-weekly
  COMMAND ${PB_SYSTEM_PYTHON3} ${PB_TESTS}/mail/mail_weekly_test.py ${PB_BIN}
          ${PB_CORPUS}/Archived/2024论文精读归档.md ${CMAKE_BINARY_DIR}/mail-weekly)
set_tests_properties(mail-weekly PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
# The crontab line of docs/mail.md, as written, in a clone of the group's
# repository with no paperbook.yml (issue 22 item 1): silent, one message
# from the login to the line's --to; an empty week sends nothing.
add_test(NAME mail-cron-line
  COMMAND ${PB_SYSTEM_PYTHON3} ${PB_TESTS}/mail/cron_line_test.py ${PB_BIN}
          ${PB_ROOT}/docs/mail.md ${PB_CORPUS} ${CMAKE_BINARY_DIR}/mail-cron-line)
set_tests_properties(mail-cron-line PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
