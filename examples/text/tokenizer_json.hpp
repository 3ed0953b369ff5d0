// examples/text/tokenizer_json.hpp — a BPE tokenizer as Hugging Face's tokenizer.json, so that
// Hugging Face's tokenizers (and transformers' PreTrainedTokenizerFast) load a saved model
// folder's tokenizer and produce the same ids as tapegrad.
//
// Layer: examples. What is written, and why each field:
//   "version": "1.0"              the file format's version the tokenizers library expects
//   "truncation", "padding": null, "added_tokens": [], "normalizer": null, "post_processor":
//                                 null: none of these exist in tapegrad, so the text reaches the
//                                 pre-tokenizer unchanged and the ids come out unchanged
//   "pre_tokenizer": Sequence of
//       Split {pattern: {Regex: kSplitPattern}, behavior: "Isolated", invert: false}
//                                 the chunks of split_chunks (bpe.hpp), regex for regex
//       ByteLevel {add_prefix_space: false, trim_offsets: true, use_regex: false}
//                                 each byte to one printable character (GPT-2's byte map,
//                                 text::bytes_to_unicode), without GPT-2's own regex (the Split
//                                 has cut the chunks already) and without a leading space added
//   "decoder": ByteLevel          the characters back to bytes
//   "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix":
//             null, "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
//             "vocab": {token: id, ...}, "merges": ["left right", ...]}
//                                 the vocabulary in id order, each token's bytes through the
//                                 byte map (so a space is "Ġ"), and the merges in the order
//                                 learned, as "left right" strings (the map never produces a
//                                 space, so the space separates them unambiguously; newer files
//                                 write ["left", "right"] pairs, which load_tokenizer_json also
//                                 reads)
// Ids 0..255 are the bytes in byte order (tapegrad's layout): a tokenizer.json from another model
// (GPT-2's orders its bytes otherwise) is refused rather than read with other ids.
#pragma once

#include <cstdint>
#include <string>

#include "text/bpe.hpp"

namespace tg::text {

// The file's text for `bpe`.
std::string tokenizer_json(const BPE& bpe);

// Writes tokenizer_json(bpe) to `path` through a temporary file and a rename (core/formats/file_io.hpp).
void save_tokenizer_json(const std::string& path, const BPE& bpe);

// Reads and checks a tokenizer.json; throws tg::Error naming `path` and what is wrong (the JSON
// parser's byte offset, or the field: "model.type", "model.merges[12]", ...). `text` is the
// file's content (parse_tokenizer_json) or read from `path` (load_tokenizer_json, at most
// kMaxTokenizerJsonBytes).
BPE parse_tokenizer_json(const std::string& text, const std::string& path);
BPE load_tokenizer_json(const std::string& path);

// The most bytes load_tokenizer_json reads, and a saved model folder's files too
// (io::kMaxSavedFileBytes in checkpoint_io.hpp says why this is enough for any run's).
inline constexpr std::int64_t kMaxTokenizerJsonBytes = std::int64_t{256} << 20;

}  // namespace tg::text
