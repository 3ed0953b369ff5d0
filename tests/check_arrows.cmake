# cmake -DSOURCE=<repo root> -P check_arrows.cmake
#
# Every arrow points down (issue 27, docs/architecture.md). The library is built in floors: core/
# (with core/fast/ and core/formats/) at the bottom, activations/ on it, layers/ on it, and the
# programs (examples/) on top. A file may include what is below it, never what is above: core/
# includes nothing from activations/, layers/ or examples/, activations/ nothing from layers/ or
# examples/, layers/ nothing from examples/. An include is matched by any path naming the folder
# ("layers/ffn.hpp", "../layers/ffn.hpp", <layers/ffn.hpp>). What two floors share lives in the lower one
# (the activation kinds and formulas: core/activation_math.hpp). Each #include that points up is
# printed with its file and line, and the test fails.
cmake_minimum_required(VERSION 3.25)

# folder -> the folders above it, which it must not include
set(floors core activations layers)
set(above_core activations layers examples)
set(above_activations layers examples)
set(above_layers examples)

set(wrong 0)
foreach(floor IN LISTS floors)
  string(JOIN "|" above ${above_${floor}})
  string(JOIN "/ or " forbidden ${above_${floor}})
  string(APPEND forbidden "/")
  set(pattern "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*/)?(${above})/")
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${SOURCE}
       ${SOURCE}/${floor}/*.hpp ${SOURCE}/${floor}/*.cpp)
  list(SORT files)
  if(NOT files)
    message(FATAL_ERROR "no .hpp or .cpp file under ${SOURCE}/${floor}/: is SOURCE the repository?")
  endif()
  foreach(file IN LISTS files)
    file(STRINGS ${SOURCE}/${file} hits REGEX "${pattern}")
    if(NOT hits)
      continue()
    endif()
    # file(STRINGS) gives the lines but not their numbers: count the newlines before each one.
    # (Each search starts after the previous hit, so a line written twice gets both numbers.)
    file(READ ${SOURCE}/${file} text)
    set(line 1)
    foreach(hit IN LISTS hits)
      string(FIND "${text}" "${hit}" at)
      string(SUBSTRING "${text}" 0 ${at} before)
      string(REGEX MATCHALL "\n" newlines "${before}")
      list(LENGTH newlines skipped)
      math(EXPR line "${line} + ${skipped}")
      message("${file}:${line}: ${hit}    (${floor}/ must not include ${forbidden})")
      math(EXPR wrong "${wrong} + 1")
      string(LENGTH "${hit}" length)
      math(EXPR at "${at} + ${length}")
      string(SUBSTRING "${text}" ${at} -1 text)
    endforeach()
  endforeach()
endforeach()

if(wrong GREATER 0)
  message(FATAL_ERROR "${wrong} #include line(s) point up a floor: move what they need down "
                      "(into core/ for core/fast/), or the code up")
endif()
message(STATUS "every arrow points down: core/ includes nothing of activations/, layers/ or "
               "examples/, activations/ nothing of layers/ or examples/, layers/ nothing of "
               "examples/")
