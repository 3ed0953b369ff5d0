// examples/text/byte_map.cpp — see byte_map.hpp.
#include "text/byte_map.hpp"

#include <vector>

#include "core/error.hpp"

namespace tg::text {

namespace {
// The code point byte b stands for.
unsigned byte_to_code(unsigned char b) {
  const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
  if (printable) return b;
  // the non-printable bytes in order: 0x00..0x20, 0x7F..0xA0, 0xAD -> U+0100, U+0101, ...
  const unsigned rank = b <= 0x20 ? b : b <= 0xA0 ? 0x21 + (b - 0x7F) : 0x21 + 0x22;
  return 0x100 + rank;
}
}  // namespace

std::string bytes_to_unicode(const std::string& bytes) {
  std::string out;
  for (char c : bytes) {
    const unsigned code = byte_to_code(static_cast<unsigned char>(c));
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else {  // U+0080..U+01FF: two bytes, 110xxxxx 10xxxxxx
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  return out;
}

std::string unicode_to_bytes(const std::string& text) {
  static const auto inverse = [] {  // code point -> byte, for U+0000..U+01FF
    std::vector<int> table(0x200, -1);
    for (unsigned b = 0; b < 256; ++b)
      table[byte_to_code(static_cast<unsigned char>(b))] = static_cast<int>(b);
    return table;
  }();
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned code = 0x200;  // outside the table unless decoded below
    std::size_t n = 1;
    if (byte(at) < 0x80) {
      code = byte(at);
    } else if (byte(at) >= 0xC2 && byte(at) <= 0xDF && at + 1 < text.size() &&
               (byte(at + 1) & 0xC0) == 0x80) {  // a two-byte sequence: U+0080..U+07FF
      code = ((byte(at) & 0x1Fu) << 6) | (byte(at + 1) & 0x3Fu);
      n = 2;
    }
    if (code >= 0x200 || inverse[code] < 0)
      fail("json", "offset ", at, ": not a character of the byte map (bytes_to_unicode)");
    out += static_cast<char>(inverse[code]);
    at += n;
  }
  return out;
}

}  // namespace tg::text
