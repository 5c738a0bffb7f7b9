# The three jobs besides the archive: digest, handout (QR codes decoded
# with zbarimg), and their edge cases, on the real 2024 archive.
set(JOBS_ARCHIVE "${PB_CORPUS}/Archived/2024论文精读归档.md")
foreach(job digest handout digest-empty)
  add_test(NAME jobs-${job}
    COMMAND ${PB_TESTS}/jobs/jobs.sh ${PB_BIN} ${CMAKE_BINARY_DIR}/jobs-${job} ${JOBS_ARCHIVE} ${job})
  set_tests_properties(jobs-${job} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
