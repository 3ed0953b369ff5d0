// Shape: a vector of sizes kept inside the object up to Shape::kInline axes, in a std::vector
// beyond. Every operation must behave the same on both sides of that boundary.
#include "helpers.hpp"

using namespace tg;

namespace {
std::vector<std::int64_t> as_vector(const Shape& s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("Shape behaves like a vector of sizes, inline and spilled") {
  Shape s;
  CHECK(s.empty());
  std::vector<std::int64_t> expected;
  for (std::int64_t k = 1; k <= 9; ++k) {  // through the inline limit (6) and beyond
    s.push_back(k);
    expected.push_back(k);
    CHECK(as_vector(s) == expected);
    CHECK(s.back() == k);
    CHECK(s == Shape(expected));
  }
  s.insert(s.begin() + 1, 40);  // spilled insert
  expected.insert(expected.begin() + 1, 40);
  CHECK(as_vector(s) == expected);
  while (s.size() > 2) {  // back across the boundary
    s.pop_back();
    expected.pop_back();
    CHECK(as_vector(s) == expected);
  }
  s.erase(s.begin());
  CHECK(as_vector(s) == std::vector<std::int64_t>{40});
  s.resize(8, 7);
  CHECK(as_vector(s) == std::vector<std::int64_t>{40, 7, 7, 7, 7, 7, 7, 7});
  s.resize(3);
  CHECK(s == Shape{40, 7, 7});
  const Shape copy = s;
  s[1] = 8;
  CHECK(copy == Shape{40, 7, 7});  // a copy, not a view
  CHECK(Shape(3, 1) == Shape{1, 1, 1});
  CHECK(Shape{1, 2} != Shape{1, 2, 3});
  CHECK(Shape{1, 2} < Shape{1, 3});
  const Shape long_shape(8, 2);
  const Shape moved_long = long_shape;
  CHECK(numel(moved_long) == 256);
  CHECK(to_string(Shape{5}) == "(5,)");
  CHECK(Shape(expected.begin(), expected.begin()) == Shape{});
}
