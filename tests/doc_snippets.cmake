# Every ```cpp block in docs/*.md and README.md whose info string says `runnable` (```cpp runnable) is a whole
# program: it is extracted at configure time into the build tree, compiled against tapegrad and
# run as a test named doc_<chapter>_<n> (label "docs"). So the code a reader copies from the
# docs always builds and runs. When the block is followed by a line "prints" and a ```text
# block, the program's output must be exactly that text (run_snippet.cmake): the numbers a page
# shows are the numbers the code prints. Blocks marked plain ```cpp are excerpts, not built.
# (The text is cut with string(FIND) rather than read as a list of lines, because CMake lists
# would split C++ at every semicolon.)
file(GLOB DOC_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md ${PROJECT_SOURCE_DIR}/README.md)
set(SNIPPET_DIR ${CMAKE_BINARY_DIR}/doc_snippets)
file(MAKE_DIRECTORY ${SNIPPET_DIR})
set(OPEN_FENCE "```cpp runnable\n")
string(LENGTH "${OPEN_FENCE}" OPEN_LENGTH)
foreach(page ${DOC_PAGES})
  get_filename_component(chapter ${page} NAME_WE)
  string(REPLACE "-" "_" chapter ${chapter})
  file(READ ${page} rest)
  set(count 0)
  while(TRUE)
    string(FIND "${rest}" "${OPEN_FENCE}" start)
    if(start EQUAL -1)
      break()
    endif()
    math(EXPR start "${start} + ${OPEN_LENGTH}")
    string(SUBSTRING "${rest}" ${start} -1 rest)
    string(FIND "${rest}" "\n```" stop)
    if(stop EQUAL -1)
      message(FATAL_ERROR "${page}: a ```cpp runnable block is never closed")
    endif()
    string(SUBSTRING "${rest}" 0 ${stop} code)
    math(EXPR stop "${stop} + 4")
    string(SUBSTRING "${rest}" ${stop} -1 rest)
    math(EXPR count "${count} + 1")
    # The printed output, if the page shows it right after the block.
    set(expected "")
    string(FIND "${rest}" "\n\nprints\n\n```text\n" shown)
    if(shown EQUAL 0)
      string(SUBSTRING "${rest}" 18 -1 after)
      string(FIND "${after}" "\n```" shown_end)
      string(SUBSTRING "${after}" 0 ${shown_end} expected)
    endif()
    set(name doc_${chapter}_${count})
    file(WRITE ${SNIPPET_DIR}/${name}.cpp.new "${code}\n")
    file(COPY_FILE ${SNIPPET_DIR}/${name}.cpp.new ${SNIPPET_DIR}/${name}.cpp ONLY_IF_DIFFERENT)
    add_executable(${name} ${SNIPPET_DIR}/${name}.cpp)
    target_link_libraries(${name} PRIVATE tapegrad)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SNIPPET_DIR})
    if(expected STREQUAL "")
      add_test(NAME ${name} COMMAND ${name})
    else()
      file(WRITE ${SNIPPET_DIR}/${name}.expected "${expected}\n")
      add_test(NAME ${name}
               COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${name}>
                       -DEXPECTED=${SNIPPET_DIR}/${name}.expected
                       -P ${CMAKE_CURRENT_SOURCE_DIR}/run_snippet.cmake)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS docs)
  endwhile()
endforeach()

# And every page's quoted excerpts must still match the files they quote (docs_quotes.cpp).
add_executable(docs_quotes ${CMAKE_CURRENT_SOURCE_DIR}/docs_quotes.cpp)
# Program outputs are compared only in a build for a CPU with FMA (tests/CMakeLists.txt): a
# build without FMA instructions rounds each of the fast floor's multiply-adds twice
# (core/fast/multiply_add.hpp) and differs in the last digits (docs/performance.md, "Same bits
# on every machine").
if(TAPEGRAD_HAS_FMA)
  set(docs_mode --check)
else()
  set(docs_mode --check-quotes)
endif()
add_test(NAME docs_quotes COMMAND docs_quotes ${docs_mode} ${PROJECT_SOURCE_DIR}
                                  ${CMAKE_RUNTIME_OUTPUT_DIRECTORY} ${DOC_PAGES})
set_tests_properties(docs_quotes PROPERTIES LABELS docs)

# And no page holds a control byte or a LaTeX command that lost its backslash (docs_text.cpp).
add_executable(docs_text ${CMAKE_CURRENT_SOURCE_DIR}/docs_text.cpp)
add_test(NAME docs_text COMMAND docs_text ${DOC_PAGES})
set_tests_properties(docs_text PROPERTIES LABELS docs PASS_REGULAR_EXPRESSION "pages clean")
