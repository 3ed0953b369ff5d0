// tests/examples/test_train_options.cpp — train_transformer's options stage (examples/train/):
// the flag table, its usage text, and --config FILE.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "layers/ffn.hpp"
#include "train/stages.hpp"

using namespace tg;

namespace {

// A config file with `json` in the tests' temporary folder; returns its path.
std::string config_file(const std::string& name, const std::string& json) {
  const auto dir = std::filesystem::temp_directory_path() / "tapegrad-tests" / "train-options";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << json;
  return path;
}

// train_transformer's options for these arguments, errors thrown instead of ending the program.
trainer::Options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "train_transformer");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return trainer::options(static_cast<int>(argv.size()), argv.data(), /*exit_on_error=*/false);
}

// The message options() refuses these arguments with ("" if it accepts them).
std::string refusal(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("train_transformer's usage lists every flag of the table, and every FFN kind once") {
  const std::vector<cli::Spec> table = trainer::flag_table();
  const std::string usage = cli::usage(trainer::usage_head(), table);
  CHECK(usage.rfind("usage: train_transformer [flags]\n", 0) == 0);
  for (const cli::Spec& f : table)
    CHECK_MESSAGE(usage.find("  --" + f.name) != std::string::npos, f.name);
  for (int k = 0; k <= static_cast<int>(nn::FFNKind::SwiGLU); ++k)
    CHECK(usage.find(nn::ffn_kind_name(static_cast<nn::FFNKind>(k))) != std::string::npos);
  CHECK(usage.find("--steps N          training steps") != std::string::npos);
  CHECK(usage.find("(default 400)") != std::string::npos);
}

TEST_CASE("--config FILE: the file's values are used, and recorded as the run's flags") {
  const std::string path = config_file(
      "values.json",
      R"({"steps": 300, "ffn": "geglu", "d-model": 32, "lr": 0.002, "reference": false})");
  const trainer::Options o = parse({"--config", path});
  CHECK(o.steps == 300);
  CHECK(o.lr == doctest::Approx(0.002));
  CHECK(trainer::ffn_label(o.run.config) == "geglu");
  CHECK(o.run_flags.at("steps") == "300");
  CHECK(o.run_flags.at("d-model") == "32");
  CHECK(o.run_flags.count("config") == 0);  // the file's flags are recorded, not its name
}

TEST_CASE("--config FILE: a flag on the command line wins over the file") {
  const std::string path = config_file("beaten.json", R"({"steps": 300, "batch": 8})");
  const trainer::Options o = parse({"--steps", "7", "--config", path});
  CHECK(o.steps == 7);
  CHECK(o.batch == 8);
}

TEST_CASE("--config FILE: an unknown key is an error naming the key and the file") {
  const std::string path = config_file("unknown.json", R"({"steps": 10, "stepz": 20})");
  const std::string message = refusal({"--config", path});
  CHECK(message.find("unknown key \"stepz\"") != std::string::npos);
  CHECK(message.find("'" + path + "'") != std::string::npos);
  CHECK(refusal({"--config", config_file("dashes.json", R"({"--steps": 10})")})
            .find("unknown key \"--steps\"") != std::string::npos);
}

TEST_CASE("--config FILE: a value of the wrong type is an error naming the key, file and type") {
  const std::string text = config_file("string.json", R"({"steps": "300"})");
  const std::string message = refusal({"--config", text});
  CHECK(message.find("key \"steps\" in '" + text + "' must be a number") != std::string::npos);
  CHECK(message.find("got the string \"300\"") != std::string::npos);
  CHECK(refusal({"--config", config_file("bool.json", R"({"reference": 1})")})
            .find("key \"reference\"") != std::string::npos);
  CHECK(refusal({"--config", config_file("number.json", R"({"ffn": 3})")})
            .find("must be a string (as --ffn KIND)") != std::string::npos);
  CHECK(refusal({"--config", config_file("array.json", R"([1, 2])")})
            .find("must hold a JSON object") != std::string::npos);
}

TEST_CASE("--config FILE: a bad value gets the flag's usual message, naming the key and file") {
  const std::string range = config_file("range.json", R"({"steps": -3})");
  CHECK(refusal({"--config", range}) ==
        "--steps must be a whole number from 0 to 1000000, got '-3' (key \"steps\" in '" + range +
            "')");
  const std::string kind = config_file("kind.json", R"({"ffn": "tanh"})");
  CHECK(refusal({"--config", kind})
            .find("--ffn must be one of relu, gelu, swish, glu, bilinear, "
                  "reglu, geglu, swiglu, moe, got 'tanh'") == 0);
  // A flag that would do nothing is refused as on the command line, naming where it came from.
  const std::string warmup = config_file("warmup.json", R"({"warmup": 5})");
  CHECK(refusal({"--config", warmup}).find("--warmup applies to --schedule cosine only") == 0);
  CHECK(refusal({"--config", warmup}).find("(key \"warmup\" in '" + warmup + "')") !=
        std::string::npos);
}
