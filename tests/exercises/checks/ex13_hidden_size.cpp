#include "exercise_checks.hpp"

TEST_SUITE("ex13") {
  TEST_CASE("ex13: the Llama hidden-size rule") {
    // (d, multiple_of) = (512, 256), (4096, 256) as Llama 7B, (64, 16), (3, 1).
    const std::vector<double> got = {
        double(ex::gated_hidden_size(512, 256)), double(ex::gated_hidden_size(4096, 256)),
        double(ex::gated_hidden_size(64, 16)), double(ex::gated_hidden_size(3, 1))};
    check_close("hidden sizes", got, {1536, 11008, 176, 8}, 0);
  }
}
