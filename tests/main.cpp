// The test runner's main(): doctest supplies it. Run one case with
//   build/bin/tapegrad_tests -tc="matmul*"
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
