// examples/text/bpe.hpp — a byte-level BPE tokenizer: GPT-2's scheme (Radford et al. 2019), as
// Karpathy's minbpe teaches it and Hugging Face's tokenizers run it.
//
// Layer: examples. A token is a string of bytes. The vocabulary starts as the 256 single bytes
// (token id = byte value), so every input, valid UTF-8 or not, has an encoding. Training learns
// merges from a corpus: count how often each pair of adjacent tokens occurs, make the most
// frequent pair a new token, replace it everywhere, repeat until the vocabulary has
// `vocab_size` tokens. Encoding replays the merges in the order they were learned; decoding
// concatenates the tokens' bytes. So decode(encode(bytes)) == bytes for any bytes.
//
// Pre-tokenization: before counting, the text is cut into chunks and merges never cross a
// chunk's border, so a token never glues the end of one word to the start of the next. The rule
// (split_chunks) is GPT-2's regular expression with ASCII classes and without its contractions
// ('s, 't, ...): a chunk is an optional space followed by a run of letters [A-Za-z], or of digits,
// or of other bytes (punctuation, and every byte >= 0x80: UTF-8 characters that are not ASCII);
// or a run of whitespace, whose last character is left to start the next chunk (" word") unless
// the run ends the text; a run is at most kMaxRun characters. kSplitPattern is the same rule as an
// Oniguruma regex, what tokenizer.json tells Hugging Face's tokenizers to use, so that they cut the
// same chunks.
//
//   "Hello, world!\n\n  42"  ->  "Hello" "," " world" "!" "\n\n " " 42"
//
// Why ASCII classes: GPT-2's \p{L} and \p{N} need Unicode's tables, which an STL-only project
// does not carry; on English text the chunks are the same, and on other text they are still
// well-defined (and identical in Hugging Face's implementation of kSplitPattern).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace tg::text {

// The chunks of `text`, in order, covering it exactly (views into `text`).
std::vector<std::string_view> split_chunks(std::string_view text);

// split_chunks as an Oniguruma regular expression (Hugging Face's Split pre-tokenizer, behavior
// "Isolated"): the two give the same chunks on any valid UTF-8 text.
extern const char* const kSplitPattern;
// The longest run a chunk holds, in characters (after its optional space): a longer run (a
// base64 blob, a line of 200 dashes) is cut into several chunks. Merging and encoding take time
// quadratic in a chunk's length; without the cap, one 270 kB line of letters took 89 s to train
// on. Runs in English text are far shorter (the licence texts' longest is 72).
inline constexpr std::size_t kMaxRun = 128;

// One learned merge: the adjacent tokens (left, right) become token `id`. `id` is usually a new
// token; when left's and right's bytes together already are a token (reached by another pair of
// parts), it is that token's id, as in Hugging Face's trainer: one string, one id.
struct Merge {
  std::int64_t left = 0, right = 0, id = 0;
};

class BPE {
 public:
  // The 256 byte tokens and no merges: encoding gives the bytes themselves.
  BPE();
  // From merges in the order they were learned (tokenizer.json's "merges"); throws tg::Error
  // ("bpe: merge N ...") if a merge names a token not yet defined or an id out of order.
  explicit BPE(const std::vector<Merge>& merges);

  // Learns merges from `text` until the vocabulary has `vocab_size` tokens (>= 256). Each step
  // merges the pair of adjacent tokens that occurs most often; ties go to the smallest pair
  // (left id, then right id), so training is deterministic. A pair must occur at least twice to
  // be merged (a pair seen once compresses nothing worth a token). Throws tg::Error when
  // vocab_size < 256, or, naming `source` and "--vocab-size", when the text runs out of such
  // pairs first (the message gives the largest vocabulary the text allows).
  static BPE train(std::string_view text, std::int64_t vocab_size, const std::string& source);

  // Token ids of `text` (any bytes; empty text gives no ids).
  std::vector<std::int64_t> encode(std::string_view text) const;
  // The bytes of the ids; throws tg::Error for an id outside the vocabulary.
  std::string decode(const std::vector<std::int64_t>& ids) const;

  std::int64_t vocab_size() const { return static_cast<std::int64_t>(tokens_.size()); }
  // The bytes token `id` stands for; throws tg::Error for an id outside 0..vocab_size()-1.
  const std::string& token_bytes(std::int64_t id) const {
    if (id < 0 || id >= vocab_size())
      fail("bpe", "token id ", id, " is outside the vocabulary 0..", vocab_size() - 1);
    return tokens_[static_cast<std::size_t>(id)];
  }
  const std::vector<Merge>& merges() const { return merges_; }

 private:
  void add_merge(const Merge& merge);
  std::vector<std::int64_t> encode_chunk(std::string_view chunk) const;

  std::vector<std::string> tokens_;  // id -> bytes
  std::vector<Merge> merges_;        // in the order learned: the index is the merge's rank
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> rank_;  // (left, right) -> rank
};

}  // namespace tg::text
