# cmake -DSOURCE=<repo root> -P check_no_course_seams.cmake
# Issue 28: the course enters the engine only as text, never at run time. No file of core/,
# activations/ or layers/ asks whether a learner's code is there: no line of them speaks of the
# course, a learner or the exercises, except the `// course exNN begin` / `end` markers and
# comments that point a reader to docs/course.md or docs/exercises.md. Each other line is
# printed with its file.
cmake_minimum_required(VERSION 3.25)
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${SOURCE}
     ${SOURCE}/core/* ${SOURCE}/activations/* ${SOURCE}/layers/*)
if(NOT files)
  message(FATAL_ERROR "no file found under ${SOURCE}/core")
endif()
set(found 0)
set(markers 0)
foreach(file IN LISTS files)
  if(file MATCHES "course")
    message("${file}: a course file in the engine")
    math(EXPR found "${found} + 1")
  endif()
  file(STRINGS ${SOURCE}/${file} hits REGEX "[Cc]ourse|[Ll]earner|exercises")
  foreach(hit IN LISTS hits)
    if(hit MATCHES "^ *// course ex[0-9][0-9] (begin: .+|end)$")
      math(EXPR markers "${markers} + 1")
    elseif(hit MATCHES "^ *//.*(docs/course\\.md|docs/exercises\\.md)")
      # a comment pointing a reader to the course's pages
    else()
      message("${file}: ${hit}")
      math(EXPR found "${found} + 1")
    endif()
  endforeach()
endforeach()
if(found GREATER 0)
  message(FATAL_ERROR "${found} course seam(s) in the engine: the course's pieces enter as text "
                      "(tests/exercises/course_copy.cpp), not through the engine")
endif()
if(markers EQUAL 0)
  message(FATAL_ERROR "no course markers found: is SOURCE the repository?")
endif()
message(STATUS "no course seams in the engine; ${markers} region markers")
