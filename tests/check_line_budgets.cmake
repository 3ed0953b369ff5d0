# tests/check_line_budgets.cmake — the house's reading budgets (docs/architecture.md, "What a
# reader opens"): how many lines a learner reads to follow an idea through the whole files a
# chapter sends them to. Run as: cmake -DSOURCE_DIR=<repo> -P check_line_budgets.cmake
# Fails naming the budget, its files and their line counts when one is exceeded. The sets of
# files are written out here, as docs/architecture.md lists them (with the files each leaves out
# and why): a file split off a set must be added to it here or named there.
cmake_minimum_required(VERSION 3.25)

set(over 0)

# Lines as `wc -l` counts them: newline characters (file(STRINGS) would skip the blank ones).
function(count_lines file out)
  file(READ "${SOURCE_DIR}/${file}" text)
  string(REGEX MATCHALL "\n" newlines "${text}")
  list(LENGTH newlines n)
  set(${out} ${n} PARENT_SCOPE)
endfunction()

# budget(NAME MAX_LINES file...)
function(budget name max_lines)
  set(total 0)
  set(detail "")
  list(LENGTH ARGN files)
  foreach(f IN LISTS ARGN)
    count_lines(${f} n)
    math(EXPR total "${total} + ${n}")
    string(APPEND detail " ${f}=${n}")
  endforeach()
  if(total GREATER max_lines)
    message("${name}: ${total} lines in ${files} files, over the budget of ${max_lines}:${detail}")
    math(EXPR count "${over} + 1")
    set(over ${count} PARENT_SCOPE)
  else()
    message(STATUS "${name}: ${total} lines in ${files} files (budget ${max_lines})")
  endif()
endfunction()

budget("the tape" 160 core/tape.cpp)
budget("tape and tensor" 600 core/tape.hpp core/tape.cpp core/tensor.hpp core/tensor.cpp)
budget("tensor + tape + backward + mul + matmul" 1000
       core/tensor.hpp core/tensor.cpp core/tape.hpp core/tape.cpp core/ops.hpp
       core/ops_arithmetic.cpp core/ops_matmul.cpp)
budget("train_transformer's program file" 450 examples/train_transformer.cpp)

# main() of train_transformer: from "int main(" to the first line that is just "}", blank lines
# counted.
file(READ "${SOURCE_DIR}/examples/train_transformer.cpp" text)
string(FIND "${text}" "\nint main(" start)
if(start EQUAL -1)
  message(FATAL_ERROR "examples/train_transformer.cpp: no 'int main('")
endif()
string(SUBSTRING "${text}" ${start} -1 from_main)
string(FIND "${from_main}" "\n}\n" end)
string(SUBSTRING "${from_main}" 0 ${end} main_text)
string(REGEX MATCHALL "\n" newlines "${main_text}")
list(LENGTH newlines main_lines)  # the lines from "int main(" to the one before the brace
math(EXPR main_lines "${main_lines} + 1")  # and the brace's own
if(main_lines GREATER 120)
  message("train_transformer's main: ${main_lines} lines, over the budget of 120")
  math(EXPR over "${over} + 1")
else()
  message(STATUS "train_transformer's main: ${main_lines} lines (budget 120)")
endif()

if(over GREATER 0)
  message(FATAL_ERROR "${over} reading budget(s) exceeded (docs/architecture.md)")
endif()
