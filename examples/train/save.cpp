// examples/train/save.cpp — train_transformer's outputs and saves: every output created and
// test-written before any work (a failure should cost no training), and the run saved where and
// when it must be (run_checkpoint.hpp says what a save holds).
//
// Layer: examples. No output may destroy an input or another output (a resumed run saves back
// into its own folder, by design); a --save folder is locked against a second run saving there.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "interrupt.hpp"
#include "outputs.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

void prepare_outputs(const Options& o, Outputs& out) {
  const std::vector<std::string> saved = {"model.safetensors", "config.json", "vocab.json",
                                          "tokenizer.json", "checkpoint.safetensors"};
  const std::vector<std::string> pictures = {"training_curves.svg", "training_curves.csv",
                                             "attention_weights.svg", "expert_load.svg",
                                             "expert_routing.svg"};
  std::error_code error;
  const bool text_folder = std::filesystem::is_directory(o.text_file, error);
  const bool resuming = o.resuming();
  outputs::check_distinct(
      {{"--out", o.out_dir, true, pictures},
       {"--save", resuming ? "" : o.save_dir, true, saved},
       // without --save, an interrupted run saves to interrupted-run/
       {"--save (interrupted-run/, where Ctrl-C saves without it)",
        o.save_dir.empty() ? kInterruptedDir : "", true, saved},
       {"--loss-log", o.loss_log},
       {"--logits-out", o.logits_out}},
      {{"--text", o.text_file, text_folder},
       {"--load", resuming ? "" : o.load_dir, true, saved},
       {"--config", o.config_file}},
      o.save_dir);
  outputs::prepare_dir(o.out_dir, "--out");
  if (!o.save_dir.empty()) {
    outputs::prepare_dir(o.save_dir, "--save");
    out.save_lock.emplace(o.save_dir, "--save");
  }
  if (!o.logits_out.empty()) outputs::prepare_file(o.logits_out, "--logits-out");
  if (!o.loss_log.empty()) outputs::prepare_file(o.loss_log, "--loss-log");
}

// Everything needed to continue: the model's files (for --load) and the checkpoint.
void Saver::save(const std::string& dir) {
  io::save_run(dir, run.model, run.saved);
  io::save_checkpoint(dir, run.model, run.opt,
                      {run.done, run.train_gen.state(), run.sample_gen.state(), o.run_flags, {}});
  run.saved_step = run.done;
}

int Saver::save_and_exit(bool tty) {
  const std::string dir = o.save_dir.empty() ? kInterruptedDir : o.save_dir;
  if (tty) std::cout << "\n";
  std::optional<outputs::FolderLock> fallback_lock;  // the --save folder is locked already
  if (dir != o.save_dir) {
    outputs::prepare_dir(dir, "--save");
    fallback_lock.emplace(dir, "--save");
  }
  if (run.saved_step != run.done || dir != o.save_dir) save(dir);
  std::cout << "interrupted after step " << run.done << ": saved to " << dir
            << "; continue with --resume " << dir << std::endl;
  return interrupt::exit_status();  // 128 + the signal: the run did not finish
}

// The real save, once, before step 1: what the test-write of prepare_outputs cannot know (does
// the whole checkpoint fit on the disk?) is known now, before any training is at stake. Adam's
// state is made first (zeros, as its first step would), so that this checkpoint is as large as
// every later one: a disk that holds it holds them (issue 26: the step-0 checkpoint was 5x
// smaller, and the run trained 60 steps before its first real save failed).
std::optional<int> Saver::first_save(bool tty) {
  if (run.done >= o.steps || o.save_dir.empty()) return std::nullopt;
  if (!o.resuming()) run.opt.init_state();
  save(o.save_dir);
  if (interrupt::requested()) return save_and_exit(tty);  // it came during that save
  // Every later save writes each file beside the old one before renaming it over: room for a
  // second copy of the largest is needed too.
  outputs::check_room_to_replace(o.save_dir, "--save");
  return std::nullopt;
}

std::optional<int> Saver::final_save(bool tty) {
  if (!o.save_dir.empty()) {
    save(o.save_dir);
    std::cout << "saved to " << o.save_dir
              << "/{model.safetensors,config.json,vocab.json,checkpoint.safetensors"
              << (run.saved.bpe ? ",tokenizer.json}\n" : "}\n");
  }
  if (interrupt::requested()) return save_and_exit(tty);  // it came during the last save
  interrupt::set_phase(interrupt::Phase::Other);          // nothing more to save: a signal stops us
  return std::nullopt;
}

// --loss-log FILE: a new run starts the file afresh; a resumed run keeps the lines up to the
// checkpoint's step (the steps it continues from) and drops any later ones, which belong to
// steps done after the checkpoint and about to be done again.
std::ofstream open_loss_log(const std::string& path, bool resuming, std::int64_t resumed_step) {
  std::string kept;
  if (resuming) {
    std::ifstream old(path);
    for (std::string line; std::getline(old, line);) {
      long long step = 0;
      if (std::sscanf(line.c_str(), "%lld", &step) != 1 || step > resumed_step) break;
      kept += line + "\n";
    }
  }
  std::ofstream log(path, std::ios::trunc);
  log << kept << std::flush;
  if (!log) fail("--loss-log", "cannot write '", path, "'");
  return log;
}

}  // namespace tg::trainer
