// examples/text/bpe_task.cpp — see bpe_task.hpp.
#include "text/bpe_task.hpp"

#include "core/error.hpp"

namespace tg::text {

BPETask::BPETask(std::shared_ptr<const BPE> bpe, const std::vector<std::string>& texts,
                 std::int64_t seq_len, const std::string& source, const std::string& part)
    : bpe_(std::move(bpe)), seq_len_(seq_len), source_(source) {
  for (const std::string& t : texts) {
    const std::vector<std::int64_t> ids = bpe_->encode(t);
    ids_.insert(ids_.end(), ids.begin(), ids.end());
  }
  if (static_cast<std::int64_t>(ids_.size()) < seq_len + 2)
    fail("text", "the ", part, " of '", source_, "' is ", ids_.size(),
         " tokens; it needs at least ", seq_len + 2, " for sequences of ", seq_len);
}

tasks::Batch BPETask::sample(std::int64_t B, Generator& gen) const {
  tasks::Batch b{B, seq_len_, {}, {}};
  const std::int64_t starts = static_cast<std::int64_t>(ids_.size()) - seq_len_ - 1;
  for (std::int64_t n = 0; n < B; ++n) {
    const auto s = static_cast<std::ptrdiff_t>(gen.integer(starts + 1));
    b.x.insert(b.x.end(), ids_.begin() + s, ids_.begin() + s + seq_len_);
    b.y.insert(b.y.end(), ids_.begin() + s + 1, ids_.begin() + s + seq_len_ + 1);
  }
  return b;
}

std::vector<std::int64_t> BPETask::encode(const std::string& text, std::string&) const {
  return bpe_->encode(text);  // every byte has a token: nothing to refuse
}

double BPETask::unigram_entropy() const {
  return tasks::unigram_entropy(ids_);
}

}  // namespace tg::text
