# cmake -DPAGE=docs/x.md -DROOT=<source dir> -P tests/check_quotes.cmake
#
# A docs page quotes real code like this:
#     <!-- quote: core/tape.cpp -->
#     ```cpp
#     ...lines copied from core/tape.cpp...
#     ```
# This script fails, naming the page and the file, when a quoted block no longer appears word for
# word in the file it names, so the tutorial cannot drift from the code it reads along.
cmake_minimum_required(VERSION 3.25)
file(READ ${PAGE} rest)
set(MARK "<!-- quote: ")
string(LENGTH "${MARK}" MARK_LENGTH)
set(quotes 0)
while(TRUE)
  string(FIND "${rest}" "${MARK}" at)
  if(at EQUAL -1)
    break()
  endif()
  math(EXPR at "${at} + ${MARK_LENGTH}")
  string(SUBSTRING "${rest}" ${at} -1 rest)
  string(FIND "${rest}" " -->" end)
  string(SUBSTRING "${rest}" 0 ${end} source)
  string(FIND "${rest}" "```cpp\n" open)
  if(open EQUAL -1)
    message(FATAL_ERROR "${PAGE}: quote of ${source} has no ```cpp block after it")
  endif()
  math(EXPR open "${open} + 7")
  string(SUBSTRING "${rest}" ${open} -1 rest)
  string(FIND "${rest}" "\n```" close)
  string(SUBSTRING "${rest}" 0 ${close} code)
  if(NOT EXISTS ${ROOT}/${source})
    message(FATAL_ERROR "${PAGE}: quotes ${source}, which does not exist")
  endif()
  file(READ ${ROOT}/${source} text)
  string(FIND "${text}" "${code}" found)
  if(found EQUAL -1)
    string(REGEX MATCH "^[^\n]*" first_line "${code}")
    message(FATAL_ERROR "${PAGE}: the block quoted from ${source} starting\n  ${first_line}\n"
                        "is no longer in that file word for word: update the docs")
  endif()
  math(EXPR quotes "${quotes} + 1")
endwhile()
message(STATUS "${PAGE}: ${quotes} quoted blocks match their files")
