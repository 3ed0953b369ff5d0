// tests/exercises/exercise_checks.hpp — what the exercise checks share: the test helpers and the
// exercise declarations.
#pragma once

#include "exercises.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;
using Inputs = const std::vector<Tensor>&;
