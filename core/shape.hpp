// core/shape.hpp — shapes, row-major strides, axis normalisation and NumPy broadcasting.
//
// Layer: core (depends on nothing).
//
// A Shape lists the size of each axis, outermost first: a (2,3) tensor has 2 rows of 3. Storage
// is contiguous and row-major, so element [i,j] of a (2,3) tensor sits at i*3 + j: the stride of
// axis k is the product of the sizes after it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <type_traits>
#include <vector>

namespace tg {

// A Shape reads like std::vector<std::int64_t> (size(), [], push_back, insert, a range-for, ==)
// and converts from one. The difference: up to kInline axes are kept inside the object, so
// making a tensor (which copies its shape) allocates nothing for its shape; a toy transformer
// never has more than 4 axes. Longer shapes move to a std::vector.
class Shape {
 public:
  using value_type = std::int64_t;
  using size_type = std::size_t;
  using iterator = std::int64_t*;
  using const_iterator = const std::int64_t*;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;
  static constexpr std::size_t kInline = 6;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> sizes) { assign(sizes.begin(), sizes.size()); }
  explicit Shape(std::size_t n, std::int64_t value = 0) {
    for (std::size_t i = 0; i < n; ++i) push_back(value);
  }
  template <class It, class = std::enable_if_t<!std::is_integral_v<It>>>
  Shape(It first, It last) {
    for (; first != last; ++first) push_back(*first);
  }
  Shape(const std::vector<std::int64_t>& sizes) {  // NOLINT: implicit, as the vector it was
    assign(sizes.data(), sizes.size());
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::int64_t* data() { return size_ <= kInline ? inline_ : spilled_.data(); }
  const std::int64_t* data() const { return size_ <= kInline ? inline_ : spilled_.data(); }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  reverse_iterator rbegin() { return reverse_iterator(end()); }
  reverse_iterator rend() { return reverse_iterator(begin()); }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }
  std::int64_t& operator[](std::size_t i) { return data()[i]; }
  std::int64_t operator[](std::size_t i) const { return data()[i]; }
  std::int64_t& front() { return data()[0]; }
  std::int64_t front() const { return data()[0]; }
  std::int64_t& back() { return data()[size_ - 1]; }
  std::int64_t back() const { return data()[size_ - 1]; }

  void push_back(std::int64_t value) {
    if (size_ < kInline) {
      inline_[size_++] = value;
      return;
    }
    if (size_ == kInline) spilled_.assign(inline_, inline_ + kInline);  // the first spill
    spilled_.push_back(value);
    ++size_;
  }
  void pop_back() { erase(end() - 1); }
  void clear() { assign(nullptr, 0); }
  void resize(std::size_t n, std::int64_t value = 0) {
    while (size_ > n) pop_back();
    while (size_ < n) push_back(value);
  }
  iterator insert(const_iterator at, std::int64_t value) { return insert(at, &value, &value + 1); }
  template <class It>
  iterator insert(const_iterator at, It first, It last) {
    const auto index = at - begin();
    std::vector<std::int64_t> sizes(begin(), end());
    sizes.insert(sizes.begin() + index, first, last);
    assign(sizes.data(), sizes.size());
    return begin() + index;
  }
  iterator erase(const_iterator at) { return erase(at, at + 1); }
  iterator erase(const_iterator first, const_iterator last) {
    const auto index = first - begin();
    std::vector<std::int64_t> sizes(begin(), end());
    sizes.erase(sizes.begin() + index, sizes.begin() + (last - begin()));
    assign(sizes.data(), sizes.size());
    return begin() + index;
  }

  friend bool operator==(const Shape& a, const Shape& b) {
    if (a.size_ != b.size_) return false;
    for (std::size_t i = 0; i < a.size_; ++i)  // (std::equal would call memcmp: slower here)
      if (a[i] != b[i]) return false;
    return true;
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }
  friend bool operator<(const Shape& a, const Shape& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  // Sets the sizes to sizes[0, n); `sizes` may point into this shape itself.
  void assign(const std::int64_t* sizes, std::size_t n) {
    if (n <= kInline) {
      std::int64_t copy[kInline];
      std::copy(sizes, sizes + n, copy);
      std::copy(copy, copy + n, inline_);
      spilled_.clear();
    } else {
      spilled_ = std::vector<std::int64_t>(sizes, sizes + n);
    }
    size_ = n;
  }

  std::int64_t inline_[kInline] = {};
  std::vector<std::int64_t> spilled_;  // all of them, once there are more than kInline
  std::size_t size_ = 0;
};

// The number of elements: the product of the sizes (1 for a 0-d scalar, shape ()).
std::int64_t numel(const Shape& shape);

// Row-major strides, in elements: strides((2,3,4)) = (12,4,1).
Shape contiguous_strides(const Shape& shape);

// "(2,3)", "(5,)" for one axis as in Python, "()" for a scalar.
std::string to_string(const Shape& shape);

// Maps a possibly negative axis (-1 = last) into [0, ndim); throws naming `op` when out of range.
int normalize_axis(const char* op, std::int64_t axis, std::int64_t ndim);

// NumPy broadcasting: align shapes at their last axis; sizes must match or be 1, and a missing
// leading axis counts as 1. broadcast_shapes((2,1,4), (3,1)) = (2,3,4). Throws naming `op`.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

// Strides that read a tensor of shape `from` as if it had the (broadcast) shape `to`: stride 0
// on every axis where `from` has size 1 or no axis at all, so the same element is read again.
Shape broadcast_strides(const Shape& from, const Shape& to);

}  // namespace tg
