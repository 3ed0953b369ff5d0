# cmake -DSOURCE=<repo root> -P check_conflict_markers.cmake
# No file of the project holds a merge's conflict markers (a line starting "<<<<<<< ",
# ">>>>>>> " or "=======" alone between them): each one found is printed with its file and line.
cmake_minimum_required(VERSION 3.25)
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${SOURCE}
     ${SOURCE}/*.md ${SOURCE}/*.cpp ${SOURCE}/*.hpp ${SOURCE}/*.cmake ${SOURCE}/*.sh
     ${SOURCE}/*.txt ${SOURCE}/*.py ${SOURCE}/.ci/*)
list(FILTER files EXCLUDE REGEX "^build")
if(NOT files)
  message(FATAL_ERROR "no file found under ${SOURCE}")
endif()
set(found 0)
foreach(file IN LISTS files)
  file(STRINGS ${SOURCE}/${file} hits REGEX "^(<<<<<<< |>>>>>>> )")
  foreach(hit IN LISTS hits)
    message("${file}: ${hit}")
    math(EXPR found "${found} + 1")
  endforeach()
endforeach()
if(found GREATER 0)
  message(FATAL_ERROR "${found} conflict marker(s): finish the merge")
endif()
list(LENGTH files n)
message(STATUS "no conflict markers in ${n} files")
