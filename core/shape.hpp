// core/shape.hpp — shapes, row-major strides, axis normalisation and NumPy broadcasting.
//
// Layer: core (depends on nothing).
//
// A Shape lists the size of each axis, outermost first: a (2,3) tensor has 2 rows of 3. Storage
// is contiguous and row-major, so element [i,j] of a (2,3) tensor sits at i*3 + j: the stride of
// axis k is the product of the sizes after it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tg {

using Shape = std::vector<std::int64_t>;

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
