# tests/check_line_budgets.cmake — the house's reading budgets (docs/architecture.md, "What a
# reader opens"): how many lines a learner reads to follow an idea through the whole files a
# chapter sends them to. Run as: cmake -DSOURCE_DIR=<repo> -P check_line_budgets.cmake
# Fails naming the budget, its files and their line counts when one is exceeded.
cmake_minimum_required(VERSION 3.20)

set(failed FALSE)

function(count_lines file out)
  file(READ "${SOURCE_DIR}/${file}" text)
  string(REGEX MATCHALL "\n" newlines "${text}")
  list(LENGTH newlines n)
  set(${out} ${n} PARENT_SCOPE)
endfunction()

# budget(NAME MAX_LINES MAX_FILES file...)
function(budget name max_lines max_files)
  set(total 0)
  set(detail "")
  list(LENGTH ARGN files)
  foreach(f IN LISTS ARGN)
    count_lines(${f} n)
    math(EXPR total "${total} + ${n}")
    string(APPEND detail " ${f}=${n}")
  endforeach()
  if(total GREATER max_lines OR files GREATER max_files)
    message(SEND_ERROR "${name}: ${total} lines in ${files} files, budget ${max_lines} in "
                       "${max_files}:${detail}")
    set(failed TRUE PARENT_SCOPE)
  else()
    message(STATUS "${name}: ${total} lines in ${files} files (budget ${max_lines} in ${max_files})")
  endif()
endfunction()

budget("the tape" 160 1 core/tape.cpp)
budget("tape and tensor" 600 4 core/tape.hpp core/tape.cpp core/tensor.hpp core/tensor.cpp)
budget("tensor + tape + backward + mul + matmul" 1000 7
       core/tensor.hpp core/tensor.cpp core/tape.hpp core/tape.cpp core/ops.hpp
       core/ops_arithmetic.cpp core/ops_matmul.cpp)
budget("train_transformer's program file" 450 1 examples/train_transformer.cpp)

# main() of train_transformer: from "int main(" to the first line that is just "}".
file(STRINGS "${SOURCE_DIR}/examples/train_transformer.cpp" lines)
set(in_main FALSE)
set(main_lines 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^int main\\(")
    set(in_main TRUE)
  endif()
  if(in_main)
    math(EXPR main_lines "${main_lines} + 1")
    if(line STREQUAL "}")
      break()
    endif()
  endif()
endforeach()
if(main_lines EQUAL 0 OR main_lines GREATER 120)
  message(SEND_ERROR "train_transformer's main: ${main_lines} lines, budget 120 (0: not found)")
else()
  message(STATUS "train_transformer's main: ${main_lines} lines (budget 120)")
endif()
