#include "exercise_checks.hpp"

TEST_SUITE("ex13") {
  TEST_CASE("ex13: the Llama hidden-size rule") {
    CHECK(ex::gated_hidden_size(512, 256) == 1536);
    CHECK(ex::gated_hidden_size(4096, 256) == 11008);
    CHECK(ex::gated_hidden_size(64, 16) == 176);
    CHECK(ex::gated_hidden_size(3, 1) == 8);
  }
}
