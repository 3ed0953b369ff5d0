// core/formats/json.hpp — a small JSON reader and writer, for safetensors headers and config files.
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

// Parses a whole document. Throws tg::Error("json: offset N: ..."), also for a string whose
// bytes are not valid UTF-8 (RFC 8259 section 8.1: JSON text is UTF-8; safetensors requires it).
Value parse(const std::string& text);

// Writing: a string with JSON escapes, quoted. Throws tg::Error when text is not valid UTF-8
// (naming the byte and its offset): a JSON file with raw bytes is one other tools refuse
// (Python's json.load, Rust's serde_json in the safetensors library). Encode bytes first, e.g.
// with GPT-2's byte map (examples/text/byte_map.hpp).
std::string quote(const std::string& text);

// The offset of the first byte of `text` that does not belong to a valid UTF-8 sequence
// (overlong forms, surrogates U+D800..U+DFFF and code points above U+10FFFF are invalid, as in
// the Unicode standard, section 3.9), or std::string::npos when all of it is valid.
std::size_t invalid_utf8_at(const std::string& text);

}  // namespace tg::json
