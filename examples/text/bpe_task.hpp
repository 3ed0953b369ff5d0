// examples/text/bpe_task.hpp — language modelling on BPE tokens: the task train_transformer
// trains on with --tokenizer bpe.
//
// Layer: examples. The texts are encoded one by one (a token never spans two files) and their
// ids concatenated; each training example is a random window of seq_len + 1 tokens, x the first
// seq_len and y the last seq_len (the next token at every position), as tasks::CharTask does with
// bytes.
#pragma once

#include <memory>

#include "tasks.hpp"
#include "text/bpe.hpp"

namespace tg::text {

class BPETask : public tasks::Task {
 public:
  // Throws tg::Error naming `source` and `part` ("training part", "held-out part") when the
  // texts give fewer than seq_len + 2 tokens.
  BPETask(std::shared_ptr<const BPE> bpe, const std::vector<std::string>& texts,
          std::int64_t seq_len, const std::string& source, const std::string& part);
  std::string name() const override { return "text:" + source_; }
  std::int64_t vocab() const override { return bpe_->vocab_size(); }
  std::int64_t seq_len() const override { return seq_len_; }
  tasks::Batch sample(std::int64_t B, Generator& gen) const override;
  std::string token_text(std::int64_t id) const override { return bpe_->token_bytes(id); }
  std::vector<std::int64_t> encode(const std::string& text, std::string& error) const override;
  // The entropy of the token frequencies, in nats per token: the loss of the best model that
  // ignores context.
  double unigram_entropy() const;
  const std::vector<std::int64_t>& ids() const { return ids_; }

 private:
  std::shared_ptr<const BPE> bpe_;
  std::vector<std::int64_t> ids_;
  std::int64_t seq_len_;
  std::string source_;
};

}  // namespace tg::text
