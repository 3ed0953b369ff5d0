// examples/bench_bpe.cpp — how long training the BPE tokenizer takes (examples/text/bpe.hpp).
//
//   build/bin/bench_bpe                                   # 1 MB of generated English-like text
//   build/bin/bench_bpe --text /usr/share/common-licenses --vocab-size 512,4096
//   cat /usr/share/doc/*/copyright | head -c 1048576 >mb.txt && build/bin/bench_bpe --text mb.txt
//   --vocab-size 512,4096
//
// Prints one line per vocabulary size:
//   bpe_train source=... bytes=N vocab=V merges=M seconds=S seconds_per_mb=R encode_mb_per_s=E
// The time is the whole of BPE::train (the split, the counts, every merge); encode_mb_per_s
// encodes the same text with the result.
#include <chrono>
#include <cstdio>

#include "cli.hpp"
#include "corpus.hpp"
#include "text/bpe.hpp"
#include "text/documents.hpp"

using namespace tg;

namespace {
const char* kUsage =
    "usage: bench_bpe [flags]\n"
    "  --text PATH        a file or a folder of files to train on (default: 1 MB of the\n"
    "                     generated corpus of examples/corpus.hpp)\n"
    "  --bytes N          with the generated corpus: its size, 1000..100000000 (default 1048576)\n"
    "  --vocab-size LIST  vocabulary sizes, each 256..65536 (default 400: the generated\n"
    "                     corpus has too few distinct words for many more)\n";
}  // namespace

int main(int argc, char** argv) {
  return cli::run_main("bench_bpe", [&] {
    cli::Flags flags("bench_bpe", kUsage);
    flags.add("text", "");
    flags.add("bytes", "1048576");
    flags.add("vocab-size", "400");
    flags.parse(argc, argv);
    const std::vector<std::int64_t> sizes = flags.integers("vocab-size", 256, 65536);
    const std::int64_t bytes = flags.integer("bytes", 1000, 100000000);
    flags.needs("bytes", flags.text("text").empty(), "applies to the generated corpus only");
    std::string text, source = flags.text("text");
    if (source.empty()) {
      text = corpus::generate(bytes, 0).substr(0, static_cast<std::size_t>(bytes));
      source = "generated";
    } else {
      for (const text::Document& d : text::read_documents(source)) text += d.text;
    }
    for (std::int64_t vocab : sizes) {
      const auto start = std::chrono::steady_clock::now();
      const text::BPE bpe = text::BPE::train(text, vocab, source);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const auto encode_start = std::chrono::steady_clock::now();
      const std::size_t tokens = bpe.encode(text).size();
      const double encode_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - encode_start).count();
      const double mb = static_cast<double>(text.size()) / (1 << 20);
      std::printf(
          "bpe_train source=%s bytes=%zu vocab=%lld merges=%zu seconds=%.3f seconds_per_mb=%.3f "
          "encode_mb_per_s=%.1f bytes_per_token=%.2f\n",
          source.c_str(), text.size(), static_cast<long long>(bpe.vocab_size()),
          bpe.merges().size(), seconds, seconds / mb, mb / encode_seconds,
          static_cast<double>(text.size()) / static_cast<double>(tokens));
      std::fflush(stdout);
    }
    return 0;
  });
}
