// examples/tasks.hpp — what the toy transformers learn: synthetic tasks with exact answers, and
// character-level language modelling of a text file.
//
// Layer: examples. Every task makes batches of token ids: inputs x (B, T) and targets y (B, T)
// for next-token prediction, where y is -100 (ignored by the loss and the accuracy) at positions
// that are not scored. Examples are drawn fresh from a seeded Generator, so training never sees
// the same batch twice and evaluation uses examples it never trained on.
//
//   copy     a_0..a_15 SEP a_0..a_15      (the second half repeats the first)
//   reverse  a_0..a_15 SEP a_15..a_0      (exactly ../shared/peer/toy_gpt.py's task)
//   sort     a_0..a_15 SEP sorted(a)
//   modadd   a + b = c,  c = (a + b) mod p      (one token per number; scored: c)
// with digits a_i uniform in 0..9 and SEP = 10. For the first three only the 16 answer positions
// are scored: x = example[0:32], y = example[1:33], scored where x holds SEP and after.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/random.hpp"

namespace tg::tasks {

constexpr std::int64_t kIgnore = -100;

struct Batch {
  std::int64_t B = 0, T = 0;
  std::vector<std::int64_t> x, y;  // B*T each, row-major; y = kIgnore where not scored
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual std::int64_t vocab() const = 0;
  virtual std::int64_t seq_len() const = 0;
  virtual Batch sample(std::int64_t B, Generator& gen) const = 0;
  // How a token prints (for --generate and examples).
  virtual std::string token_text(std::int64_t id) const;
  // Token ids of a prompt string, or an error message in `error`.
  virtual std::vector<std::int64_t> encode(const std::string& text, std::string& error) const;
};

// "copy", "reverse", "sort" or "modadd" (modulus p, 2..200).
std::unique_ptr<Task> make_synthetic(const std::string& name, std::int64_t modulus = 23);

// Character-level modelling of `text` (at least seq_len + 2 bytes): the vocabulary is the set of
// distinct bytes, each training example a random window of seq_len + 1 characters.
//
// Given `vocabulary` (the characters of a saved model, id = position in the string), the ids are
// the model's, not the text's: a text that uses fewer characters keeps every id where the model
// learned it, and a text with a character the model has no id for is refused, naming the
// characters. (Numbering this text's own characters instead would hand the model other letters
// under the ids it learned, silently.)
class CharTask : public Task {
 public:
  CharTask(std::string text, std::int64_t seq_len, std::string source_name);
  CharTask(std::string text, std::int64_t seq_len, std::string source_name,
           const std::string& vocabulary);
  std::string name() const override { return "text:" + source_; }
  std::int64_t vocab() const override { return static_cast<std::int64_t>(chars_.size()); }
  std::int64_t seq_len() const override { return seq_len_; }
  Batch sample(std::int64_t B, Generator& gen) const override;
  std::string token_text(std::int64_t id) const override;
  std::vector<std::int64_t> encode(const std::string& text, std::string& error) const override;
  // The entropy of the character frequencies, in nats: the loss of the best model that ignores
  // context. A model that learns anything about context goes below it.
  double unigram_entropy() const;
  const std::string& chars() const { return chars_; }

 private:
  std::string text_, chars_, source_;
  std::vector<std::int64_t> ids_;  // text_ as token ids
  std::int64_t seq_len_;
};

// Reads a whole text file (at most 100 MB); throws tg::Error naming the file if it cannot, and
// saying so when the path is a folder. A pipe or a terminal (a FIFO, /dev/stdin) is read to its
// end, under the same limit.
std::string read_text_file(const std::string& path);

// How an error names one byte of a prompt: 'x' when it prints as itself, else "byte 0xC3 (of a
// character that is not ASCII)" (alone, such a byte prints as garbage) or a control character.
std::string quoted_byte(char c);

// The entropy of the token frequencies of `ids`, in nats: the loss of the best model that
// ignores context (CharTask's and text::BPETask's unigram_entropy).
double unigram_entropy(const std::vector<std::int64_t>& ids);

}  // namespace tg::tasks
