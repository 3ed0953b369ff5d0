// examples/text/byte_map.hpp — GPT-2's byte map: any bytes as printable, valid UTF-8 text.
//
// A tokenizer idea, not the engine's: byte-level BPE tokens are byte strings (half a UTF-8
// character, a control byte), but vocab.json and tokenizer.json are JSON, which must be UTF-8
// (RFC 8259 section 8.1). GPT-2 (Radford et al. 2019, encoder.py's bytes_to_unicode; Hugging
// Face's ByteLevel pre-tokenizer uses the same) maps each byte to one printable character:
//
//   the 188 printable bytes '!'..'~', 0xA1..0xAC, 0xAE..0xFF   stand for themselves;
//   the other 68 (0x00..0x20, 0x7F..0xA0, 0xAD), in order       become U+0100, U+0101, ...
//
// so space (0x20, the 33rd of them) is U+0120 'Ġ' and newline is U+010A 'Ċ', the characters a
// reader of a Hugging Face vocabulary sees. Every code point is below U+0200: one or two bytes
// of UTF-8 per byte mapped.
#pragma once

#include <string>

namespace tg::text {

// bytes -> their characters, concatenated as UTF-8. Never throws.
std::string bytes_to_unicode(const std::string& bytes);

// The inverse. Throws tg::Error ("json: offset N: not a character of the byte map ...") at the
// first character that no byte maps to (offset N counts bytes of `text`).
std::string unicode_to_bytes(const std::string& text);

}  // namespace tg::text
