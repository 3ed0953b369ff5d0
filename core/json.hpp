// core/json.hpp — a small JSON reader and writer, for safetensors headers and config files.
//
// Layer: core. Built for input that may be hostile: the parser never recurses deeper than
// kMaxDepth, rejects duplicate keys, trailing garbage, bad escapes and invalid numbers, and
// every error names the byte offset where it was found ("json: offset 17: expected ':'").
// Objects keep their keys in file order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tg::json {

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  // An object's members, in file order: keys[i] names values[i]. (Two vectors rather than a
  // vector of pairs: a pair holding the still-incomplete Value is not portable C++.)
  std::vector<std::string> keys;
  std::vector<Value> values;

  // Member lookup in an object: nullptr when absent (or when this is not an object).
  const Value* find(const std::string& key) const;
  bool is(Kind k) const { return kind == k; }
};

inline constexpr int kMaxDepth = 64;

// Parses a whole document. Throws tg::Error("json: offset N: ...").
Value parse(const std::string& text);

// Writing: a string with JSON escapes, quoted.
std::string quote(const std::string& text);

}  // namespace tg::json
