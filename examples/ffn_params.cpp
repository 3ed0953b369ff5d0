// examples/ffn_params.cpp — parameters and FLOPs per token of every FFN variant.
//
//   build/bin/ffn_params [--d N] [--multiple-of M]
//
// Non-gated variants use the classic hidden size 4d; gated ones Llama's 2/3 rule (hidden =
// floor(2*4d/3) rounded up to a multiple of M). The counts are nn::ffn_cost's arithmetic (a test
// proves it equals what real nn::FFN modules hold), and FLOPs count each multiply-add of the three
// (or two) projections as 2, so FLOPs per token are twice the parameters in every row. The last
// lines show the comparison the 2/3 rule exists for (at the same hidden size a gated FFN
// costs 1.5x) and what the rounding of the hidden size adds.
#include <cstdio>

#include "cli.hpp"
#include "layers/ffn.hpp"

using namespace tg;

int main(int argc, char** argv) {
  cli::Flags flags(
      "ffn_params",
      "usage: ffn_params [--d N] [--multiple-of M]\n"
      "  --d N            model width d_model, 1..8192 (default 512; 4096 is Llama 7B's)\n"
      "  --multiple-of M  rounding of the gated hidden size, 1..4096 (default 256)\n");
  flags.add("d", "512");
  flags.add("multiple-of", "256");
  flags.parse(argc, argv);
  const std::int64_t d = flags.integer("d", 1, 8192);
  const std::int64_t multiple_of = flags.integer("multiple-of", 1, 4096);
  // Out of memory (a large --d) or any other failure: one line, exit 1 (cli.hpp).
  return cli::run_main("ffn_params", [&] {
    std::printf("FFN cost per token, d_model = %lld, no biases\n", static_cast<long long>(d));
    std::printf("%-9s %-6s %7s %13s %14s %8s\n", "variant", "gated", "hidden", "params",
                "FLOPs/token", "vs relu");
    double relu_params = 0;
    for (const std::string& name : nn::ffn_kind_names()) {
      nn::FFNOptions o;
      o.d_model = d;
      o.kind = nn::parse_ffn_kind(name);
      o.multiple_of = multiple_of;
      const nn::FFNCost cost = nn::ffn_cost(o);  // arithmetic: no module is built
      const auto params = static_cast<double>(cost.params);
      if (relu_params == 0) relu_params = params;
      std::printf("%-9s %-6s %7lld %13.0f %14lld %7.3fx\n", name.c_str(),
                  nn::is_gated(o.kind) ? "yes" : "no", static_cast<long long>(cost.hidden), params,
                  static_cast<long long>(cost.flops_per_token), params / relu_params);
    }
    const std::int64_t h = 4 * d;
    std::printf(
        "\nat equal hidden size h = 4d = %lld: non-gated 2dh = %lld, gated 3dh = %lld "
        "parameters (%.2fx)\n",
        static_cast<long long>(h), static_cast<long long>(2 * d * h),
        static_cast<long long>(3 * d * h),
        static_cast<double>(3 * d * h) / static_cast<double>(2 * d * h));
    // What the gated rows cost beside 8d^2: the integer division, then the rounding up.
    const std::int64_t exact = 2 * (4 * d) / 3, hidden = nn::llama_hidden_size(d, multiple_of);
    std::printf("the 2/3 rule: 3d(2/3 * 4d) = 8d^2 = 2d(4d) = %lld parameters\n",
                static_cast<long long>(8 * d * d));
    std::printf("gated hidden: floor(2/3 * 4d) = %lld", static_cast<long long>(exact));
    if (3 * exact != 8 * d)
      std::printf(" (8d/3 = %.2f; the floor drops %lld parameters)",
                  8.0 * static_cast<double>(d) / 3,
                  static_cast<long long>(8 * d * d - 3 * d * exact));
    if (hidden == exact)
      std::printf("\n  already a multiple of %lld: rounding adds nothing; hidden = %.4f d\n",
                  static_cast<long long>(multiple_of),
                  static_cast<double>(hidden) / static_cast<double>(d));
    else
      std::printf(
          "\n  rounded up to a multiple of %lld: %lld = %.4f d, adding %lld parameters (+%.2f%%)\n",
          static_cast<long long>(multiple_of), static_cast<long long>(hidden),
          static_cast<double>(hidden) / static_cast<double>(d),
          static_cast<long long>(3 * d * (hidden - exact)),
          100.0 * static_cast<double>(hidden - exact) / static_cast<double>(exact));
    return 0;
  });
}
