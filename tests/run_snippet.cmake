# cmake -DPROGRAM=<exe> -DEXPECTED=<file> -P tests/run_snippet.cmake
# Runs a program extracted from the docs and fails unless it exits 0 and prints exactly what the
# docs show (the EXPECTED file), so a page's numbers cannot drift from what the code prints.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${PROGRAM} OUTPUT_VARIABLE output RESULT_VARIABLE status)
file(READ ${EXPECTED} expected)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
if(NOT output STREQUAL expected)
  message(FATAL_ERROR "${PROGRAM} printed\n${output}\nbut the docs show\n${expected}\n"
                      "Update the page (or the code) so they agree.")
endif()
