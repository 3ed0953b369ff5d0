// core/formats/json.cpp — see json.hpp. A recursive-descent parser with an explicit depth limit.
#include "core/formats/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <set>
#include <vector>

#include "core/error.hpp"

namespace tg::json {

const Value* Value::find(const std::string& key) const {
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &values[i];
  return nullptr;
}

namespace {

std::string hex_byte(char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
  return buf;
}

// The length (1 to 4) of the valid UTF-8 sequence starting at s[at], or 0 if it is not one.
// Lead byte ranges and the second byte's allowed range, from the Unicode standard's table 3-7:
// E0 needs A0..BF (no overlong 3-byte forms), ED needs 80..9F (no surrogates), F0 needs 90..BF
// (no overlong 4-byte forms), F4 needs 80..8F (nothing above U+10FFFF); C0, C1, F5..FF never lead.
std::size_t utf8_length(const std::string& s, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned b0 = byte(at);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the second byte's range
  if (b0 >= 0xC2 && b0 <= 0xDF) n = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) n = 3, lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
  else if (b0 >= 0xF0 && b0 <= 0xF4) n = 4, lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (at + n > s.size()) return 0;
  if (byte(at + 1) < lo || byte(at + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(at + k) < 0x80 || byte(at + k) > 0xBF) return 0;
  return n;
}

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  Value document() {
    Value v = value(0);
    skip_space();
    if (at_ != s_.size()) error("unexpected text after the JSON value");
    return v;
  }

 private:
  const std::string& s_;
  std::size_t at_ = 0;

  [[noreturn]] void error(const std::string& what) const {
    fail("json", "offset ", at_, ": ", what);
  }

  void skip_space() {
    while (at_ < s_.size() &&
           (s_[at_] == ' ' || s_[at_] == '\n' || s_[at_] == '\r' || s_[at_] == '\t'))
      ++at_;
  }

  void expect(char c) {
    skip_space();
    if (at_ >= s_.size() || s_[at_] != c) error(std::string("expected '") + c + "'");
    ++at_;
  }

  bool literal(const char* word) {
    const std::string w = word;
    if (s_.compare(at_, w.size(), w) != 0) return false;
    at_ += w.size();
    return true;
  }

  Value value(int depth) {
    if (depth > kMaxDepth) error("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    skip_space();
    if (at_ >= s_.size()) error("unexpected end of input");
    Value v;
    const char c = s_[at_];
    if (c == '{') {
      v.kind = Value::Kind::Object;
      ++at_;
      skip_space();
      if (at_ < s_.size() && s_[at_] == '}') return ++at_, v;
      std::set<std::string> keys;  // duplicate detection in O(log n) per key
      for (;;) {
        skip_space();
        if (at_ >= s_.size() || s_[at_] != '"') error("expected a string key");
        std::string key = string();
        if (!keys.insert(key).second) error("duplicate key \"" + key + "\"");
        expect(':');
        v.values.push_back(value(depth + 1));
        v.keys.push_back(std::move(key));
        skip_space();
        if (at_ < s_.size() && s_[at_] == ',') {
          ++at_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Value::Kind::Array;
      ++at_;
      skip_space();
      if (at_ < s_.size() && s_[at_] == ']') return ++at_, v;
      for (;;) {
        v.array.push_back(value(depth + 1));
        skip_space();
        if (at_ < s_.size() && s_[at_] == ',') {
          ++at_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = Value::Kind::String;
      v.string = string();
      return v;
    }
    if (literal("true")) return v.kind = Value::Kind::Bool, v.boolean = true, v;
    if (literal("false")) return v.kind = Value::Kind::Bool, v;
    if (literal("null")) return v;
    v.kind = Value::Kind::Number;
    v.number = number();
    return v;
  }

  std::string string() {
    ++at_;  // the opening quote
    std::string out;
    for (;;) {
      if (at_ >= s_.size()) error("unterminated string");
      const char c = s_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) error("control character in a string");
      if (static_cast<unsigned char>(c) >= 0x80) {  // a multi-byte UTF-8 sequence, checked
        const std::size_t start = at_ - 1, length = utf8_length(s_, start);
        if (length == 0) {
          at_ = start;
          error("invalid UTF-8 byte " + hex_byte(s_[start]) + " in a string");
        }
        out.append(s_, start, length);
        at_ = start + length;
        continue;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= s_.size()) error("unterminated escape");
      const char e = s_[at_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned code = hex4();
          if (code >= 0xDC00 && code <= 0xDFFF) error("lone low surrogate in a \\u escape");
          if (code >= 0xD800 && code <= 0xDBFF) {  // a surrogate pair: \uD83D\uDE00
            if (s_.compare(at_, 2, "\\u") != 0) error("high surrogate without its low half");
            at_ += 2;
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) error("high surrogate without its low half");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default:
          error(std::string("bad escape \\") + e);
      }
    }
  }

  unsigned hex4() {
    if (at_ + 4 > s_.size()) error("short \\u escape");
    unsigned code = 0;
    const auto [end, ec] = std::from_chars(s_.data() + at_, s_.data() + at_ + 4, code, 16);
    if (ec != std::errc() || end != s_.data() + at_ + 4) error("bad \\u escape");
    at_ += 4;
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  double number() {
    const std::size_t start = at_;
    if (at_ < s_.size() && s_[at_] == '-') ++at_;
    auto digits = [&] {
      const std::size_t from = at_;
      while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
      return at_ > from;
    };
    if (!digits()) error("expected a value");
    if (at_ < s_.size() && s_[at_] == '.') {
      ++at_;
      if (!digits()) error("expected digits after '.'");
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) ++at_;
      if (!digits()) error("expected digits in the exponent");
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + at_, value);
    if (ec != std::errc() || end != s_.data() + at_ || !std::isfinite(value)) {
      at_ = start;
      error("number out of range");
    }
    return value;
  }
};

}  // namespace

Value parse(const std::string& text) {
  return Parser(text).document();
}

std::size_t invalid_utf8_at(const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = utf8_length(text, at);
    if (n == 0) return at;
    at += n;
  }
  return std::string::npos;
}

std::string quote(const std::string& text) {
  if (const std::size_t bad = invalid_utf8_at(text); bad != std::string::npos)
    fail("json", "cannot write a string that is not valid UTF-8: byte ", hex_byte(text[bad]),
         " at offset ", bad, " of a ", text.size(), "-byte string beginning \"",
         text.substr(0, std::min<std::size_t>(bad, 40)), "\"");
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace tg::json
