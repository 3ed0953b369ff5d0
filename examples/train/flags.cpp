// examples/train/flags.cpp — train_transformer's flags: each once, with its default, its range
// and its help. The usage text is made from this table (cli::usage), options.cpp checks every
// value against it, and --config FILE's keys are its names.
//
// Layer: examples. "{range}" and "{choices}" in a help mark where the range goes; without them it
// is appended. A flag with no default ("") says in its help what leaving it out means.
#include <string>
#include <vector>

#include "layers/ffn.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

namespace {

// The FFN kinds the library has, then "moe": one list, the library's.
std::vector<std::string> ffn_choices() {
  std::vector<std::string> names = nn::ffn_kind_names();
  names.push_back("moe");
  return names;
}

using cli::Kind;

cli::Spec text(const char* name, const char* value, const char* fallback, const char* help) {
  return {name, value, fallback, Kind::Text, 0, 0, false, {}, help};
}
cli::Spec whole(const char* name, const char* value, const char* fallback, double lo, double hi,
                const char* help) {
  return {name, value, fallback, Kind::Integer, lo, hi, false, {}, help};
}
cli::Spec real(const char* name, const char* value, const char* fallback, double lo, double hi,
               const char* help) {
  return {name, value, fallback, Kind::Real, lo, hi, false, {}, help};
}
cli::Spec choice(const char* name, const char* value, const char* fallback,
                 std::vector<std::string> choices, const char* help) {
  return {name, value, fallback, Kind::Choice, 0, 0, false, std::move(choices), help};
}

}  // namespace

std::vector<cli::Spec> flag_table() {
  cli::Spec top_p = real("top-p", "P", "1", 0, 1,
                         "with --temperature: sample among the smallest set of most likely tokens "
                         "whose probability reaches P, {range} (nucleus sampling; the draws "
                         "follow --seed: the same seed gives the same text)");
  top_p.above_lo = true;
  return {
      text("config", "FILE", "",
           "read flags from a JSON object whose keys are the flags' names without the dashes "
           "({\"steps\": 300, \"ffn\": \"geglu\", \"d-model\": 64, \"reference\": true}): numbers "
           "for numbers, true or false for --reference, strings for the rest; a flag on the "
           "command line wins over the file"),
      // The data.
      choice("task", "NAME", "reverse", {"copy", "reverse", "sort", "modadd"}, "{choices}"),
      text("text", "PATH", "",
           "language modelling of a file, or of a folder's files (sorted by name; sub-folders, "
           "hidden files and links to files read are skipped), instead of a task; the last "
           "--val-fraction of each file is held out (with --load or --resume and bytes: PATH may "
           "use only the model's characters)"),
      choice("tokenizer", "T", "byte", {"byte", "bpe"},
             "with --text: {choices}; byte: a token per byte value the text uses, bpe: byte-level "
             "BPE trained on the text, saved as tokenizer.json (docs/text.md)"),
      whole("vocab-size", "N", "512", 256, 65536,
            "with --tokenizer bpe: tokens, {range}, at most what the text allows"),
      real("val-fraction", "F", "0.1", 0, 0.5,
           "with --text: the share of each file held out to validate on, never trained on, "
           "{range} and more than 0"),
      text("tokenize", "TEXT", "",
           "with --load: print the ids of TEXT under the model's tokenizer, space-separated on "
           "one line, and exit"),
      whole("modulus", "P", "23", 2, 200, "modadd's modulus"),
      whole("seq", "N", "64", 2, 1024, "with --text: context length, {range}; tasks fix their own"),
      // The model.
      choice("ffn", "KIND", "swiglu", ffn_choices(),
             "{choices}; moe is a mixture of SwiGLU experts as Mixtral's (docs/moe.md)"),
      whole("experts", "E", "8", 1, 64, "with --ffn moe: experts per layer"),
      whole("experts-per-token", "K", "2", 1, 64,
            "with --ffn moe: experts each token is routed to, at most --experts"),
      real("aux-loss-coef", "X", "0.01", 0, 100, "with --ffn moe: weight of the balancing loss"),
      real("z-loss-coef", "X", "0", 0, 100, "with --ffn moe: weight of the router z-loss"),
      whole("d-model", "N", "64", 8, 1024, "width"),
      whole("layers", "N", "2", 1, 32, "blocks"),
      whole("heads", "N", "4", 1, 64, "attention heads, dividing --d-model into even sizes"),
      choice("positions", "P", "learned", {"learned", "rope"},
             "{choices} (learned as GPT-2 and the PyTorch peer of docs/peer.md)"),
      choice("norm", "N", "rms", {"rms", "layer"}, "{choices}"),
      // Training.
      whole("batch", "N", "32", 1, 4096, "examples per step"),
      whole("train-batches", "N", "0", 0, 1000000,
            "train on N batches drawn once, in turn, instead of a fresh batch every step (0: "
            "fresh), {range}; --train-batches 1 overfits one batch on purpose, the first check "
            "of a training loop (training.md)"),
      whole("steps", "N", "400", 0, 1000000, "training steps (stops early, see --stop-at)"),
      real("lr", "X", "0.001", 0, 10, "peak learning rate"),
      choice("schedule", "S", "constant", {"constant", "cosine"},
             "{choices} (cosine: linear warm-up, cosine decay to lr/10)"),
      whole("warmup", "N", "0", 0, 1000000, "warm-up steps for cosine"),
      real("weight-decay", "X", "0.01", 0, 10, "AdamW decay on matrices"),
      real("clip", "X", "1", 0, 1e6, "gradient clipping by global norm, 0 = off"),
      whole("seed", "N", "0", 0, 4611686018427387904.0, "seed for weights, data and sampling"),
      whole("threads", "N", "", 1, 1024,
            "threads for the kernels, {range} (default: the hardware threads); any count gives "
            "the same numbers, bit for bit"),
      whole("eval-every", "N", "10", 1, 100000, "steps between evaluations"),
      whole("eval-batch", "N", "512", 1, 1000000,
            "examples per evaluation, {range}, scored in chunks of --batch, so it needs no more "
            "memory than a training step"),
      real("stop-at", "PCT", "", 0, 100,
           "stop when evaluation accuracy reaches PCT%, {range} (default 99 for tasks, 0 = "
           "never; text runs never stop early)"),
      // Saving and resuming.
      text("save", "DIR", "",
           "write model.safetensors, config.json and vocab.json (and with --tokenizer bpe, "
           "tokenizer.json) into DIR, and checkpoint.safetensors (optimizer and generator states "
           "too): once before step 1 (so a folder that cannot hold them stops the run at once), "
           "on Ctrl-C or SIGTERM, and at the end"),
      whole("save-every", "N", "0", 0, 1000000,
            "also save every N steps, so a crash loses at most N steps (0 = off)"),
      text("resume", "DIR", "",
           "continue the run saved in DIR where it stopped, with its flags (a flag given again "
           "overrides); saves go to DIR unless --save says otherwise"),
      text("load", "DIR", "",
           "start from a saved model (its config sets the model: the model flags cannot be "
           "given); it is evaluated (a text model on its own text file, or on --text FILE), and "
           "trained further only if --steps is given"),
      text("out", "DIR", "tapegrad-out/train_transformer",
           "where to draw the loss and accuracy curves (training_curves.svg, .csv) and the "
           "attention weights on one example (attention_weights.svg)"),
      text("loss-log", "FILE", "",
           "write \"step loss\" for every training step to FILE (with --resume, the lines up to "
           "the checkpoint's step are kept and the log continues)"),
      whole("simulate-interrupt", "N", "0", 0, 1000000,
            "behave as if Ctrl-C arrived during step N (to test resuming)"),
      whole("simulate-bad-gradient", "N", "0", 0, 1000000,
            "make a gradient NaN in step N (to test that the run stops)"),
      // Generating.
      text("generate", "TEXT", "",
           "after training, continue TEXT (tasks: digits and '|', modadd: \"3+4=\")"),
      real("temperature", "X", "0", 0, 100,
           "0 = greedy; otherwise sample from softmax(logits / X)"),
      whole("top-k", "K", "", 1, 1000000,
            "with --temperature: sample among the K most likely tokens only, {range} (more than "
            "the vocabulary keeps them all)"),
      top_p,
      choice(
          "kv-cache", "on|off", "on", {"on", "off"},
          "{choices}: keep each layer's keys and values while generating; off recomputes the whole "
          "context for every token"),
      whole("max-new", "N", "32", 1, 10000, "tokens to generate"),
      text("logits-out", "FILE", "",
           "with --generate, also save the prompt's logits (T, vocab) as safetensors, to compare "
           "with another implementation (docs/training.md)"),
      {"reference",
       "",
       "",
       Kind::Switch,
       0,
       0,
       false,
       {},
       "run the readable floor (the loops the tutorial quotes) instead of the fast one: the same "
       "training to rounding, several times slower"},
  };
}

const std::string& usage_head() {
  static const std::string head = "usage: train_transformer [flags]\n";
  return head;
}

}  // namespace tg::trainer
