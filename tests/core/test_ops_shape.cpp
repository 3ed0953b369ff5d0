// Shape ops: reshape, expand, transpose/permute, slice, split/chunk, concat, index_select, gather.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

TEST_CASE("shape ops forward values") {
  const Tensor x = arange(0, 6).reshape({2, 3});  // [[0,1,2],[3,4,5]]
  CHECK(reshape(x, {3, -1}).shape() == Shape{3, 2});
  check_values(transpose(x, 0, 1), {0, 3, 1, 4, 2, 5});
  check_values(expand(tensor({1, 2, 3}), {2, 3}), {1, 2, 3, 1, 2, 3});
  const Tensor y = arange(0, 24).reshape({2, 3, 4});
  const Tensor p = permute(y, {2, 0, 1});
  CHECK(p.shape() == Shape{4, 2, 3});
  CHECK(p.at({3, 1, 2}) == y.at({1, 2, 3}));
  check_values(slice(x, 1, 1, 3), {1, 2, 4, 5});
  check_values(slice(x, -1, -2, 3), {1, 2, 4, 5});
  check_values(slice(x, 0, 1, 2), {3, 4, 5});
  const std::vector<Tensor> parts = split(x, {1, 2}, 1);
  check_values(parts[0], {0, 3});
  check_values(parts[1], {1, 2, 4, 5});
  const std::vector<Tensor> chunks = chunk(arange(0, 5), 2, 0);  // sizes 3 and 2, as torch.chunk
  REQUIRE(chunks.size() == 2);
  check_values(chunks[0], {0, 1, 2});
  check_values(chunks[1], {3, 4});
  check_values(concat({x, x}, 0), {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5});
  check_values(concat({x, slice(x, 1, 0, 1)}, 1), {0, 1, 2, 0, 3, 4, 5, 3});
  check_values(index_select(x, 0, {1, 1, 0}), {3, 4, 5, 3, 4, 5, 0, 1, 2});
  check_values(index_select(x, 1, {2, 0}), {2, 0, 5, 3});
  check_values(gather(x, 1, {2, 0, 1, 1}, {2, 2}), {2, 0, 4, 4});
  check_values(gather(x, 0, {1, 0, 1}, {1, 3}), {3, 1, 5});
}

TEST_CASE("gradcheck: shape ops") {
  const Tensor x = random_var({2, 3, 4}, 31);
  const Tensor w = random_var({2, 3, 4}, 32);  // multiplies the output so every slot differs
  check_gradients([](Inputs v) { return reshape(v[0], {4, -1}) * 2.0; }, {x});
  check_gradients([](Inputs v) { return expand(slice(v[0], 0, 0, 1), {3, 3, 4}); }, {x});
  check_gradients([](Inputs v) { return transpose(v[0], 0, 2); }, {x});
  check_gradients([](Inputs v) { return permute(v[0], {1, 2, 0}); }, {x});
  check_gradients([](Inputs v) { return slice(v[0], 2, 1, 3); }, {x});
  check_gradients([](Inputs v) { return split(v[0], {1, 3}, -1)[1]; }, {x});
  check_gradients([](Inputs v) { return chunk(v[0], 2, 2)[0] * chunk(v[0], 2, 2)[1]; }, {x});
  check_gradients([](Inputs v) { return concat({v[0], v[1], v[0]}, 1); }, {x, w});
  check_gradients([](Inputs v) { return index_select(v[0], 1, {2, 0, 2, 2}); }, {x});
  check_gradients([](Inputs v) { return index_select(v[0], 0, {1, 1}); }, {x});
  const std::vector<std::int64_t> idx = {0, 2, 2, 1, 0, 0, 1, 2};
  check_gradients([idx](Inputs v) { return gather(v[0], 1, idx, {2, 1, 4}); }, {x});
}

TEST_CASE("reshape shares storage and checks the element count") {
  const Tensor x = zeros({2, 3});
  CHECK(reshape(x, {6}).data<float>() == x.data<float>());
  CHECK(error_of([&] {
          reshape(x, {4, 2});
        }) == "reshape: cannot view shape (2,3) (6 elements) as (4,2)");
  CHECK_ERROR([&] { reshape(x, {-1, -1}); }, "only one size may be -1");
  CHECK_ERROR_STARTS([&] { reshape(x, {4, -1}); }, "reshape: cannot view shape (2,3)");
}

TEST_CASE("shape ops reject bad arguments with the op and shapes") {
  const Tensor x = zeros({2, 3});
  CHECK(error_of([&] { slice(x, 1, 2, 5); }) ==
        "slice: range [2, 5) is not inside axis 1 of shape (2,3)");
  CHECK(error_of([&] {
          split(x, {1, 1}, 1);
        }) == "split: piece sizes add up to 2 but axis 1 of shape (2,3) has 3");
  CHECK(error_of([&] { chunk(x, 0, 1); }) == "chunk: needs chunks > 0, got 0");
  CHECK_ERROR_STARTS(
      [&] {
        concat({x, zeros({3, 3})}, 1);
      },
      "concat: tensor 1 has shape (3,3) but tensor 0 has shape (2,3): only axis 1 may "
      "differ");
  CHECK(error_of([&] { concat({}, 0); }) == "concat: needs at least one tensor");
  CHECK(error_of([&] {
          index_select(x, 0, {0, 2});
        }) ==
        "index_select: index 2 at position 1 is out of range for axis 0 of shape (2,3) (valid: "
        "0..1)");
  CHECK_ERROR_STARTS(
      [&] {
        gather(x, 1, {0, 1}, {1, 2});
      },
      "gather: index shape (1,2) must equal x's shape (2,3) except along axis 1");
  CHECK(error_of([&] { permute(x, {0, 0}); }) == "permute: axis 0 appears twice");
  CHECK_ERROR_STARTS([&] { transpose(x, 0, 2); }, "transpose: axis 2 is out of range");
  CHECK(error_of([&] { expand(zeros({2}), {3}); }) ==
        "expand: shapes (2,) and (3,) cannot broadcast: axis -1 is 2 vs 3");
}
