// examples/text/bpe.cpp — see bpe.hpp.
#include "text/bpe.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/error.hpp"

namespace tg::text {

namespace {

using Pair = std::pair<std::int64_t, std::int64_t>;

// The byte classes of the split: GPT-2's \s, \p{L} and \p{N}, restricted to ASCII.
bool is_space(unsigned char c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D);
}
int byte_class(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return 0;  // letter
  if (c >= '0' && c <= '9') return 1;                              // digit
  return 2;  // anything else that is not whitespace, bytes >= 0x80 included
}
// A UTF-8 continuation byte (10xxxxxx) does not start a character: runs are capped in
// characters, as Hugging Face's regex counts them.
bool starts_character(unsigned char c) {
  return (c & 0xC0) != 0x80;
}

}  // namespace

// Alternative by alternative, the regex of split_chunks (leftmost alternative first, as
// Oniguruma tries them): " ?letters", " ?digits", " ?others", whitespace not followed by a
// non-space (the run minus its last character, or the whole run at the end), whitespace; every
// run at most kMaxRun characters.
const char* const kSplitPattern =
    " ?[A-Za-z]{1,128}| ?[0-9]{1,128}| ?[^\\x09-\\x0D A-Za-z0-9]{1,128}|"
    "[\\x09-\\x0D ]{1,128}(?![^\\x09-\\x0D ])|[\\x09-\\x0D ]{1,128}";

std::vector<std::string_view> split_chunks(std::string_view s) {
  std::vector<std::string_view> chunks;
  const std::size_t n = s.size();
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::size_t i = 0;
  while (i < n) {
    // An optional space, then a run of one class: " world", "42", "!", " \xc3\xa9".
    const std::size_t first = at(i) == ' ' && i + 1 < n && !is_space(at(i + 1)) ? i + 1 : i;
    std::size_t end = first, characters = 0, trail = 0;
    // One more byte of the run, unless it would start character kMaxRun + 1. A character is a
    // lead byte and its continuation bytes (at most 3 in UTF-8; a longer trail of them, only in
    // invalid UTF-8, counts one character per 4 bytes, so that no run is unbounded).
    auto room = [&](std::size_t j) {
      if (!starts_character(at(j)) && ++trail <= 3) return true;
      trail = 0;
      return characters++ < kMaxRun;
    };
    if (!is_space(at(first))) {
      const int kind = byte_class(at(first));
      while (end < n && !is_space(at(end)) && byte_class(at(end)) == kind && room(end)) ++end;
    } else {
      // Whitespace: its last character is left to the chunk after it, so that " world" keeps
      // its space, unless the run is one character or ends the text. A run cut at kMaxRun is
      // followed by more whitespace: it keeps all of its characters.
      while (end < n && is_space(at(end)) && room(end)) ++end;
      if (end < n && !is_space(at(end)) && end - i >= 2) --end;
    }
    chunks.push_back(s.substr(i, end - i));
    i = end;
  }
  return chunks;
}

BPE::BPE() {
  for (int b = 0; b < 256; ++b) tokens_.push_back(std::string(1, static_cast<char>(b)));
}

BPE::BPE(const std::vector<Merge>& merges) : BPE() {
  for (const Merge& m : merges) add_merge(m);
}

void BPE::add_merge(const Merge& m) {
  const auto V = static_cast<std::int64_t>(tokens_.size());
  const std::size_t rank = merges_.size();
  if (m.left < 0 || m.left >= V || m.right < 0 || m.right >= V)
    fail("bpe", "merge ", rank, " joins token ", m.left, " and ", m.right, ", but only tokens 0..",
         V - 1, " exist before it");
  const std::string bytes =
      tokens_[static_cast<std::size_t>(m.left)] + tokens_[static_cast<std::size_t>(m.right)];
  if (m.id == V) {
    tokens_.push_back(bytes);
  } else if (m.id < 256 || m.id > V || tokens_[static_cast<std::size_t>(m.id)] != bytes) {
    fail("bpe", "merge ", rank, " makes token ", m.id, ", which must be the next new id (", V,
         ") or an earlier token with the same bytes");
  }
  if (!rank_.emplace(Pair{m.left, m.right}, rank).second)
    fail("bpe", "merge ", rank, " repeats the pair (", m.left, ", ", m.right, ")");
  merges_.push_back(m);
}

BPE BPE::train(std::string_view text, std::int64_t vocab_size, const std::string& source) {
  if (vocab_size < 256)
    fail("bpe", "a vocabulary needs at least the 256 byte tokens, got ", vocab_size);
  BPE bpe;

  // The corpus as distinct chunks, each with how often it occurs: "the" is counted once with
  // its weight, not thousands of times. A chunk is a sequence of token ids, bytes at first.
  struct Word {
    std::vector<std::int64_t> ids;
    std::int64_t count = 0;
  };
  std::vector<Word> words;
  {
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::string_view chunk : split_chunks(text)) {
      const auto [it, added] = index.emplace(chunk, words.size());
      if (added) words.push_back({std::vector<std::int64_t>(chunk.begin(), chunk.end()), 0});
      words[it->second].count += 1;
    }
    for (Word& w : words)  // bytes as ids 0..255 (a char may be signed)
      for (std::int64_t& id : w.ids) id = static_cast<unsigned char>(id);
  }

  // How often each adjacent pair occurs (counts), the same ordered by count (by_count, so the
  // most frequent pair is its first element: the count is negated, and ties fall to the
  // smallest pair), and which words hold the pair (words_with; an entry may be stale, which
  // is checked when it is used).
  std::map<Pair, std::int64_t> counts;
  std::set<std::pair<std::int64_t, Pair>> by_count;
  std::map<Pair, std::vector<std::size_t>> words_with;
  auto add = [&](const Pair& p, std::int64_t n) {
    std::int64_t& c = counts[p];
    if (c > 0) by_count.erase({-c, p});
    c += n;
    if (c > 0)
      by_count.insert({-c, p});
    else
      counts.erase(p);
  };
  // Every pair of every word, `count` times each, and the words that hold it.
  for (std::size_t w = 0; w < words.size(); ++w)
    for (std::size_t k = 0; k + 1 < words[w].ids.size(); ++k) {
      const Pair p{words[w].ids[k], words[w].ids[k + 1]};
      add(p, words[w].count);
      std::vector<std::size_t>& holders = words_with[p];
      if (holders.empty() || holders.back() != w) holders.push_back(w);
    }

  // Bytes -> id of every token, to notice a merge whose bytes already are a token.
  std::map<std::string, std::int64_t> id_of;
  for (std::int64_t id = 0; id < 256; ++id) id_of[bpe.token_bytes(id)] = id;

  // The merge loop. Only the words holding the chosen pair change, so only their pairs are
  // recounted (taken out before the merge, put back after it), not the whole corpus: this is
  // what makes training on a megabyte take seconds.
  while (bpe.vocab_size() < vocab_size) {
    if (by_count.empty() || -by_count.begin()->first < 2)
      fail("--vocab-size", vocab_size, " is more than '", source, "' allows: after ",
           bpe.vocab_size(), " tokens no pair of adjacent tokens occurs twice (at most ",
           bpe.vocab_size(), ")");
    const Pair best = by_count.begin()->second;  // the most frequent pair, ties to the smallest
    const std::string bytes = bpe.token_bytes(best.first) + bpe.token_bytes(best.second);
    const auto known = id_of.find(bytes);
    const std::int64_t id = known != id_of.end() ? known->second : bpe.vocab_size();
    bpe.add_merge({best.first, best.second, id});
    id_of.emplace(bytes, id);

    std::vector<std::size_t> holders;
    holders.swap(words_with[best]);
    // The pairs a merge changes in a word are those at and next to each merged place: they are
    // taken out of the counts as they were and put back as they are, and no other pair of the
    // word is touched. (Recounting every pair of every word holding the pair, as this loop
    // first did, made a megabyte of random letters take 33 s: its words are 128 letters long,
    // and each early merge touches thousands of them.)
    std::vector<std::size_t> old_at, new_at;  // where a changed pair starts, before and after
    for (std::size_t w : holders) {
      std::vector<std::int64_t>& ids = words[w].ids;
      std::vector<std::int64_t> merged;
      old_at.clear(), new_at.clear();
      for (std::size_t k = 0; k < ids.size(); ++k) {
        if (k + 1 < ids.size() && ids[k] == best.first && ids[k + 1] == best.second) {
          // Left to right, every occurrence of the pair becomes the new token. Before: the pairs
          // starting at k - 1, k and k + 1; after: those starting at the new token and before it.
          for (std::size_t at = k == 0 ? 0 : k - 1; at <= k + 1 && at + 1 < ids.size(); ++at)
            if (old_at.empty() || old_at.back() < at) old_at.push_back(at);
          if (!merged.empty() && (new_at.empty() || new_at.back() < merged.size() - 1))
            new_at.push_back(merged.size() - 1);
          new_at.push_back(merged.size());
          merged.push_back(id);
          ++k;
        } else {
          merged.push_back(ids[k]);
        }
      }
      if (old_at.empty()) continue;  // a stale entry: an earlier merge took the pair out of it
      const std::int64_t n = words[w].count;
      for (std::size_t at : old_at) add({ids[at], ids[at + 1]}, -n);
      for (std::size_t at : new_at) {
        if (at + 1 >= merged.size()) continue;  // the new token ends the word
        const Pair p{merged[at], merged[at + 1]};
        add(p, n);
        std::vector<std::size_t>& with = words_with[p];
        if (with.empty() || with.back() != w) with.push_back(w);
      }
      ids.swap(merged);
    }
  }
  return bpe;
}

std::vector<std::int64_t> BPE::encode_chunk(std::string_view chunk) const {
  std::vector<std::int64_t> ids;
  for (char c : chunk) ids.push_back(static_cast<unsigned char>(c));
  // Replay the merges in the order training learned them: of the pairs present, the one
  // learned first is merged (everywhere in the chunk), until no pair is a learned merge.
  while (ids.size() >= 2) {
    std::size_t best_rank = merges_.size();
    for (std::size_t k = 0; k + 1 < ids.size(); ++k) {
      const auto it = rank_.find(Pair{ids[k], ids[k + 1]});
      if (it != rank_.end() && it->second < best_rank) best_rank = it->second;
    }
    if (best_rank == merges_.size()) break;
    const Merge& m = merges_[best_rank];
    std::vector<std::int64_t> merged;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (k + 1 < ids.size() && ids[k] == m.left && ids[k + 1] == m.right) {
        merged.push_back(m.id);
        ++k;
      } else {
        merged.push_back(ids[k]);
      }
    }
    ids.swap(merged);
  }
  return ids;
}

std::vector<std::int64_t> BPE::encode(std::string_view text) const {
  std::vector<std::int64_t> ids;
  // A text repeats its chunks ("the", " of"): each distinct one is encoded once.
  std::unordered_map<std::string_view, std::vector<std::int64_t>> done;
  for (std::string_view chunk : split_chunks(text)) {
    auto it = done.find(chunk);
    if (it == done.end()) it = done.emplace(chunk, encode_chunk(chunk)).first;
    ids.insert(ids.end(), it->second.begin(), it->second.end());
  }
  return ids;
}

std::string BPE::decode(const std::vector<std::int64_t>& ids) const {
  std::string bytes;
  for (std::int64_t id : ids) {
    if (id < 0 || id >= vocab_size())
      fail("bpe", "token id ", id, " is outside the vocabulary (0..", vocab_size() - 1, ")");
    bytes += tokens_[static_cast<std::size_t>(id)];
  }
  return bytes;
}

}  // namespace tg::text
