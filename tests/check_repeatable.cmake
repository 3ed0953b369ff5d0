# cmake -DPROGRAM=<compare_ffn> -DOUT=<scratch dir> -P check_repeatable.cmake
# Runs a short compare_ffn twice with the same seeds and fails unless the results table (the
# part before the timing table, which depends on the machine's load) is identical.
cmake_minimum_required(VERSION 3.25)
foreach(run 1 2)
  execute_process(COMMAND ${PROGRAM} --steps 10 --seeds 2 --variants relu,swiglu,moe-active --out ${OUT}/${run}
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} failed (${status})")
  endif()
  file(READ ${OUT}/${run}/results.md text)
  string(FIND "${text}" "Timing" cut)
  string(SUBSTRING "${text}" 0 ${cut} table${run})
endforeach()
if(NOT table1 STREQUAL table2)
  message(FATAL_ERROR "two runs with the same seeds gave different tables:\n${table1}\n${table2}")
endif()
message(STATUS "same table twice:\n${table1}")
