# cmake -DPROGRAM=<plot_activations> -DOUT=<scratch dir> -DIMAGES=<docs/images> -P check_images.cmake
# Regenerates the docs' figures into a scratch folder and fails if any file differs from the one
# committed in docs/images: the figures in the docs are what the command makes today.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${PROGRAM} --out ${OUT} --no-terminal RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} failed (${status})")
endif()
file(GLOB made RELATIVE ${OUT} ${OUT}/*)
foreach(name ${made})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${name} ${IMAGES}/${name}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "docs/images/${name} is out of date. Regenerate the figures with:\n"
                        "  build/bin/plot_activations --out docs/images --no-terminal")
  endif()
endforeach()
