# cmake -DCOMMAND="program|flag|value..." -DOUT=<scratch dir> -DIMAGES=<docs/images>
#       -DREGENERATE="<the command that remakes them>" [-DFILES="a.svg|b.csv"]
#       [-DPAGE=<page.md> -DPRINTED=<prefix>] -P check_figures.cmake
# Runs COMMAND with --out OUT (the list's items separated by "|") and fails if any file it made
# (or of those, the FILES named) differs from the one committed in docs/images: the figures in the docs are what the command
# makes today (check_images.cmake does the same for plot_activations).
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${OUT})
string(REPLACE "|" ";" command "${COMMAND}")
execute_process(COMMAND ${command} --out ${OUT} RESULT_VARIABLE status OUTPUT_VARIABLE printed)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${COMMAND} failed (${status})")
endif()
# -DPAGE=<page.md> -DPRINTED=<prefix>: the page shows the line the run printed that starts with
# the prefix, word for word (a figure in the text, from the same run as the pictures).
if(PAGE)
  string(REGEX MATCH "(^|\n)${PRINTED}[^\n]*" line "${printed}")
  string(STRIP "${line}" line)
  file(READ ${PAGE} page)
  string(FIND "${page}" "${line}" at)
  if(NOT line OR at EQUAL -1)
    message(FATAL_ERROR "${PAGE} does not show the line the run printed:\n  ${line}\n"
                        "Regenerate with:\n  ${REGENERATE}\nand copy that line into the page.")
  endif()
endif()
file(GLOB made RELATIVE ${OUT} ${OUT}/*)
if(FILES)
  string(REPLACE "|" ";" made "${FILES}")
endif()
if(NOT made)
  message(FATAL_ERROR "${COMMAND} --out ${OUT} made no files")
endif()
foreach(name ${made})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${name} ${IMAGES}/${name}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "docs/images/${name} is out of date. Regenerate it with:\n  ${REGENERATE}")
  endif()
endforeach()
message(STATUS "up to date: ${made}")
