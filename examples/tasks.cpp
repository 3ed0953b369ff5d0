// examples/tasks.cpp — see tasks.hpp.
#include "tasks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.hpp"
#include "core/formats/file_io.hpp"

namespace tg::tasks {

std::string quoted_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x20 && b < 0x7F) return std::string("'") + c + "'";
  char text[64];
  std::snprintf(text, sizeof text,
                b >= 0x80 ? "byte 0x%02X (of a character that is not ASCII)"
                          : "byte 0x%02X (a control character)",
                b);
  return text;
}

std::string Task::token_text(std::int64_t id) const {
  return id == 10 ? "|" : std::to_string(id);
}

std::vector<std::int64_t> Task::encode(const std::string& text, std::string& error) const {
  // Synthetic prompts: digits, and '|' for the separator ("3141592653589793|").
  std::vector<std::int64_t> ids;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      ids.push_back(c - '0');
    else if (c == '|')
      ids.push_back(10);
    else {
      error = "prompt character " + quoted_byte(c) + " is not a digit or '|'";
      return {};
    }
  }
  return ids;
}

namespace {

constexpr std::int64_t kDigits = 10, kSep = 10, kHalf = 16;

// copy / reverse / sort: 16 digits, SEP, then the answer; vocab 32 as the peer's tiny config.
class SequenceTask : public Task {
 public:
  explicit SequenceTask(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::int64_t vocab() const override { return 32; }
  std::int64_t seq_len() const override { return 2 * kHalf; }
  Batch sample(std::int64_t B, Generator& gen) const override {
    Batch b{B, 2 * kHalf, {}, {}};
    std::vector<std::int64_t> a(kHalf), example;
    for (std::int64_t n = 0; n < B; ++n) {
      for (auto& d : a) d = gen.integer(kDigits);
      std::vector<std::int64_t> answer = a;
      if (name_ == "reverse") std::reverse(answer.begin(), answer.end());
      if (name_ == "sort") std::sort(answer.begin(), answer.end());
      example = a;
      example.push_back(kSep);
      example.insert(example.end(), answer.begin(), answer.end());  // 33 tokens
      for (std::int64_t t = 0; t < 2 * kHalf; ++t) {
        b.x.push_back(example[static_cast<std::size_t>(t)]);
        b.y.push_back(t >= kHalf ? example[static_cast<std::size_t>(t + 1)] : kIgnore);
      }
    }
    return b;
  }

 private:
  std::string name_;
};

// a + b = c (mod p): tokens 0..p-1 are numbers, p is '+', p+1 is '='. x = [a, +, b, =],
// y scores only the last position, whose target is c.
class ModAddTask : public Task {
 public:
  explicit ModAddTask(std::int64_t p) : p_(p) {}
  std::string name() const override { return "modadd"; }
  std::int64_t vocab() const override { return p_ + 2; }
  std::int64_t seq_len() const override { return 4; }
  Batch sample(std::int64_t B, Generator& gen) const override {
    Batch b{B, 4, {}, {}};
    for (std::int64_t n = 0; n < B; ++n) {
      const std::int64_t a = gen.integer(p_), c = gen.integer(p_);
      for (std::int64_t t : {a, p_, c, p_ + 1}) b.x.push_back(t);
      for (std::int64_t t : {kIgnore, kIgnore, kIgnore, (a + c) % p_}) b.y.push_back(t);
    }
    return b;
  }
  std::string token_text(std::int64_t id) const override {
    return id == p_ ? "+" : id == p_ + 1 ? "=" : std::to_string(id);
  }
  std::vector<std::int64_t> encode(const std::string& text, std::string& error) const override {
    // "12+7=" -> [12, +, 7, =]
    std::vector<std::int64_t> ids;
    std::int64_t number = -1;
    for (char c : text) {
      if (c >= '0' && c <= '9') {
        number = (number < 0 ? 0 : number) * 10 + (c - '0');
        if (number >= p_) {
          error = "number in the prompt is not below the modulus " + std::to_string(p_);
          return {};
        }
        continue;
      }
      if (number >= 0) ids.push_back(number), number = -1;
      if (c == '+' || c == '=') {
        ids.push_back(c == '+' ? p_ : p_ + 1);
      } else {
        error = "prompt character " + quoted_byte(c) + " is not a digit, '+' or '='";
        return {};
      }
    }
    if (number >= 0) ids.push_back(number);
    return ids;
  }

 private:
  std::int64_t p_;
};

}  // namespace

std::unique_ptr<Task> make_synthetic(const std::string& name, std::int64_t modulus) {
  if (name == "copy" || name == "reverse" || name == "sort")
    return std::make_unique<SequenceTask>(name);
  if (name == "modadd") {
    if (modulus < 2 || modulus > 200) fail("task", "modulus must be 2..200, got ", modulus);
    return std::make_unique<ModAddTask>(modulus);
  }
  fail("task", "unknown task '", name, "' (valid: copy, reverse, sort, modadd)");
}

namespace {
// How a byte is named in a message: the character itself when printable, its code otherwise.
std::string shown_byte(unsigned char c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  char code[8];
  std::snprintf(code, sizeof code, "0x%02x", c);
  return code;
}
}  // namespace

CharTask::CharTask(std::string text, std::int64_t seq_len, std::string source)
    : CharTask(std::move(text), seq_len, std::move(source), "") {}

CharTask::CharTask(std::string text, std::int64_t seq_len, std::string source,
                   const std::string& vocabulary)
    : text_(std::move(text)), source_(std::move(source)), seq_len_(seq_len) {
  if (seq_len < 1) fail("text", "sequence length must be positive");
  if (static_cast<std::int64_t>(text_.size()) < seq_len + 2)
    fail("text", "'", source_, "' has ", text_.size(), " bytes; it needs at least ", seq_len + 2,
         " for sequences of ", seq_len);
  bool seen[256] = {};
  for (unsigned char c : text_) seen[c] = true;
  if (vocabulary.empty()) {  // a new model: its vocabulary is this text's bytes, in byte order
    for (int c = 0; c < 256; ++c)
      if (seen[c]) chars_ += static_cast<char>(c);
  } else {
    chars_ = vocabulary;
    std::string missing;
    int count = 0;
    for (int c = 0; c < 256; ++c)
      if (seen[c] && chars_.find(static_cast<char>(c)) == std::string::npos) {
        if (++count <= 20)
          missing += (missing.empty() ? "" : " ") + shown_byte(static_cast<unsigned char>(c));
      }
    if (count > 0)
      fail("text", "'", source_, "' has ", count, " character", count == 1 ? "" : "s",
           " the model's vocabulary lacks: ", missing, count > 20 ? " ..." : "",
           " (a model can only read the characters it was trained on)");
  }
  std::int64_t id_of[256];
  for (std::size_t i = 0; i < chars_.size(); ++i)
    id_of[static_cast<unsigned char>(chars_[i])] = static_cast<std::int64_t>(i);
  for (unsigned char c : text_) ids_.push_back(id_of[c]);
}

Batch CharTask::sample(std::int64_t B, Generator& gen) const {
  Batch b{B, seq_len_, {}, {}};
  const std::int64_t starts = static_cast<std::int64_t>(ids_.size()) - seq_len_ - 1;
  for (std::int64_t n = 0; n < B; ++n) {
    const auto s = static_cast<std::size_t>(gen.integer(starts + 1));
    b.x.insert(b.x.end(), ids_.begin() + static_cast<std::ptrdiff_t>(s),
               ids_.begin() + static_cast<std::ptrdiff_t>(s) + seq_len_);
    b.y.insert(b.y.end(), ids_.begin() + static_cast<std::ptrdiff_t>(s) + 1,
               ids_.begin() + static_cast<std::ptrdiff_t>(s) + seq_len_ + 1);
  }
  return b;
}

std::string CharTask::token_text(std::int64_t id) const {
  return std::string(1, chars_[static_cast<std::size_t>(id)]);
}

std::vector<std::int64_t> CharTask::encode(const std::string& text, std::string& error) const {
  std::vector<std::int64_t> ids;
  for (char c : text) {
    const auto at = chars_.find(c);
    if (at == std::string::npos) {
      error = "prompt character " + quoted_byte(c) + " never occurs in the training text";
      return {};
    }
    ids.push_back(static_cast<std::int64_t>(at));
  }
  return ids;
}

double unigram_entropy(const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, double> counts;
  for (std::int64_t id : ids) counts[id] += 1;
  double h = 0;
  for (const auto& [id, n] : counts) {
    const double p = n / static_cast<double>(ids.size());
    h -= p * std::log(p);  // H = -sum_i p_i ln p_i
  }
  return h;
}

double CharTask::unigram_entropy() const {
  return tasks::unigram_entropy(ids_);
}

std::string read_text_file(const std::string& path) {
  return read_file_or_stream(path, 100 << 20, "text");  // a FIFO or /dev/stdin included
}

}  // namespace tg::tasks
