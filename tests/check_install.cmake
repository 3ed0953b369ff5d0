# cmake -DBUILD=<tapegrad's build dir> -DSOURCE=<the repository> -DWORK=<scratch dir>
#       -DGENERATOR=<generator> -DCXX=<compiler> -P check_install.cmake
# The README's "Your own project", done as a learner would: `cmake --install` into a fresh
# prefix, the README's CMakeLists.txt and main.cpp (read from README.md, so the page and the test
# cannot drift) configured with -DCMAKE_PREFIX_PATH, built and run, and the output compared with
# what the README says it prints. Then the same project with add_subdirectory(tapegrad) instead
# of find_package is configured, and must not bring tapegrad's examples and tests along.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/project ${WORK}/sub)

# The README's blocks: ```cmake project, ```cpp project, and the ```text after "prints".
file(READ ${SOURCE}/README.md readme)
function(readme_block fence out)
  string(FIND "${readme}" "${fence}\n" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "README.md has no ${fence} block")
  endif()
  string(LENGTH "${fence}\n" skip)
  math(EXPR start "${start} + ${skip}")
  string(SUBSTRING "${readme}" ${start} -1 rest)
  string(FIND "${rest}" "\n```" stop)
  string(SUBSTRING "${rest}" 0 ${stop} text)
  set(${out} "${text}\n" PARENT_SCOPE)
  string(SUBSTRING "${rest}" ${stop} -1 after)
  set(${out}_after "${after}" PARENT_SCOPE)
endfunction()
readme_block("```cmake project" cmakelists)
readme_block("```cpp project" main)
string(FIND "${main_after}" "\n```\n\nprints\n\n```text\n" shown)
if(NOT shown EQUAL 0)
  message(FATAL_ERROR "README.md: the ```cpp project block must be followed by 'prints' and a ```text block")
endif()
string(SUBSTRING "${main_after}" 22 -1 expected)
string(FIND "${expected}" "\n```" stop)
string(SUBSTRING "${expected}" 0 ${stop} expected)
file(WRITE ${WORK}/project/CMakeLists.txt "${cmakelists}")
file(WRITE ${WORK}/project/main.cpp "${main}")

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} failed (${status}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
foreach(file include/tapegrad/core/tapegrad.hpp include/tapegrad/core/fast/switch.hpp
             include/tapegrad/layers/transformer.hpp include/tapegrad/activations/glu.hpp)
  if(NOT EXISTS ${WORK}/prefix/${file})
    message(FATAL_ERROR "cmake --install did not install ${file}")
  endif()
endforeach()
file(GLOB_RECURSE config ${WORK}/prefix/*/tapegradConfig.cmake ${WORK}/prefix/*/tapegradConfigVersion.cmake)
list(LENGTH config found)
if(NOT found EQUAL 2)
  message(FATAL_ERROR "cmake --install did not install tapegradConfig.cmake and its version file")
endif()

run("configuring the README's project" ${CMAKE_COMMAND} -S ${WORK}/project -B ${WORK}/project/build
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run("building the README's project" ${CMAKE_COMMAND} --build ${WORK}/project/build)
file(GLOB program ${WORK}/project/build/my_project)
run("running the README's project" ${program})
if(NOT output STREQUAL "${expected}\n")
  message(FATAL_ERROR "the README's project printed\n${output}\nbut the README shows\n${expected}")
endif()

# add_subdirectory: tapegrad in a subfolder (here a link to this repository).
string(REPLACE "find_package(tapegrad REQUIRED)" "add_subdirectory(tapegrad)" sub "${cmakelists}")
if(sub STREQUAL cmakelists)
  message(FATAL_ERROR "README.md: the project must say find_package(tapegrad REQUIRED)")
endif()
file(WRITE ${WORK}/sub/CMakeLists.txt "${sub}")
file(WRITE ${WORK}/sub/main.cpp "${main}")
file(CREATE_LINK ${SOURCE} ${WORK}/sub/tapegrad SYMBOLIC)
run("configuring with add_subdirectory(tapegrad)" ${CMAKE_COMMAND} -S ${WORK}/sub -B ${WORK}/sub/build
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX})
foreach(folder examples tests)
  if(EXISTS ${WORK}/sub/build/tapegrad/${folder})
    message(FATAL_ERROR "add_subdirectory(tapegrad) configured tapegrad's ${folder} too")
  endif()
endforeach()
message(STATUS "installed, found, built and ran:\n${output}")
