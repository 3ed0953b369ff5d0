#include "exercise_checks.hpp"

TEST_SUITE("ex26") {
  TEST_CASE("ex26: softmax_jvp equals the tape's forward mode (tg::jvp)") {
    for (const std::vector<double>& row : sample_rows()) {
      CAPTURE(row.size());
      const std::vector<double> v = sample_gradient(row.size());
      const std::vector<double> tape =
          jvp([](const Tensor& x) { return softmax(x, -1); }, tensor(row, {}, float64),
              tensor(v, {}, float64))
              .to_vector();
      check_close("J v", ex::softmax_jvp(row, v), tape, 1e-12);
    }
  }
  TEST_CASE("ex26: softmax_jvp sums to zero and stays finite for logits far apart") {
    // Logits 1000 apart: y = (1, 0, 0) exactly, so the row moves only where y is not 0 or 1...
    // nowhere: J v = 0. A row moved along v = (1, 1, 1) does not move at all.
    check_close("J v, logits (1000, 0, -1000)", ex::softmax_jvp({1000, 0, -1000}, {1, -2, 3}),
                {0, 0, 0}, 1e-300);
    const std::vector<double> same = ex::softmax_jvp({0.5, -1.0, 2.0}, {1, 1, 1});
    check_close("J (1, 1, 1)", same, {0, 0, 0}, 1e-15);
  }
}
