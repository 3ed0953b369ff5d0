// examples/train/data.cpp — train_transformer's data stage: the task, or the text read, split
// into a training and a held-out part and tokenized (bytes or BPE); and --generate's and
// --tokenize's texts as token ids.
//
// Layer: examples. A value found wrong only once the text is read (a vocabulary larger than it
// allows, a held-out share too short for a window) is still the flag's fault: cli::FlagError,
// exit code 2.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/tapegrad.hpp"
#include "text/bpe_task.hpp"
#include "text/documents.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

double unigram_entropy(const tasks::Task* task) {
  if (const auto* bytes = dynamic_cast<const tasks::CharTask*>(task))
    return bytes->unigram_entropy();
  if (const auto* bpe = dynamic_cast<const text::BPETask*>(task)) return bpe->unigram_entropy();
  return 0;
}

namespace {

// The text tasks of a run: `documents` split by --val-fraction, the training part returned and
// the held-out part put in `eval_task`, each read through the tokenizer: bytes (a saved model's
// characters, or a new model's: those of the whole text), or BPE (a saved model's tokenizer.json,
// or one trained here on the training part alone, put in `run`).
std::unique_ptr<tasks::Task> text_tasks(const Options& o,
                                        const std::vector<text::Document>& documents,
                                        const std::vector<std::string>& skipped, io::SavedRun& run,
                                        std::unique_ptr<tasks::Task>& eval_task) {
  if (!skipped.empty()) {
    std::cout << "text: skipped " << skipped.size() << " in '" << o.text_file << "':";
    for (std::size_t i = 0; i < skipped.size() && i < 5; ++i) std::cout << " " << skipped[i];
    std::cout << (skipped.size() > 5 ? " ..." : "") << "\n";
  }
  const text::Split split = text::split_documents(documents, o.val_fraction);
  const std::string train = text::joined(split.train), val = text::joined(split.val);
  const std::int64_t seq = context_of(run.config);
  if (train.empty()) fail("text", "'", o.text_file, "' is empty: there is nothing to train on");
  if (static_cast<std::int64_t>(train.size()) < seq + 2 ||
      static_cast<std::int64_t>(val.size()) < seq + 2) {
    std::ostringstream m;  // the flag's fault, found once the text is read: exit code 2
    m << "--val-fraction: '" << o.text_file << "' has " << train.size() << " bytes to train on and "
      << val.size() << " held out (" << o.val_fraction
      << " of each file); each part needs at least " << seq + 2 << " (sequences of " << seq << ")";
    throw cli::FlagError(m.str());
  }
  if (run.tokenizer == "bpe") {
    if (!run.bpe) {
      const auto start = std::chrono::steady_clock::now();
      try {  // --vocab-size is checked against 256..65536 already: what fails here is the text
        run.bpe =
            std::make_shared<text::BPE>(text::BPE::train(train, vocab_of(run.config), o.text_file));
      } catch (const tg::Error& e) {
        throw cli::FlagError(e.what());  // "--vocab-size: N is more than 'FILE' allows: ..."
      }
      std::printf("tokenizer: BPE with %lld tokens, trained on %zu bytes in %.2f s\n",
                  static_cast<long long>(run.bpe->vocab_size()), train.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    try {  // a part shorter than a window of seq + 2 tokens: --val-fraction's share (or --seq)
      eval_task =
          std::make_unique<text::BPETask>(run.bpe, split.val, seq, o.text_file, "held-out part");
      return std::make_unique<text::BPETask>(run.bpe, split.train, seq, o.text_file,
                                             "training part");
    } catch (const tg::Error& e) {
      throw cli::FlagError(std::string("--val-fraction (or --seq): ") + e.what());
    }
  }
  // Bytes: a saved model reads the text through its own vocabulary (CharTask refuses characters
  // it lacks); a new one takes the characters of the whole text, held-out part included, so that
  // both parts are read with the same ids.
  std::string vocabulary;
  for (const std::string& token : run.tokens) vocabulary += token;
  if (vocabulary.empty()) vocabulary = tasks::CharTask(train + val, seq, o.text_file).chars();
  eval_task = std::make_unique<tasks::CharTask>(val, seq, o.text_file, vocabulary);
  return std::make_unique<tasks::CharTask>(train, seq, o.text_file, vocabulary);
}

// The text of a run, or why a loaded model's own text cannot be evaluated on.
void read_text(Options& o, Data& data) {
  std::vector<text::Document> documents;
  std::vector<std::string> skipped;
  // The path a saved model was trained on is read back only if it is a file or a folder:
  // a FIFO or /dev/stdin was read once, and would now be waited on for ever.
  if (!o.text_file_given) {
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::file_status status = fs::status(o.text_file, error);
    if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status))
      fail("text", "the saved model was trained on '", o.text_file,
           "', which is not a regular file or a folder (a pipe or a device, read once): "
           "pass --text FILE to give it the text again");
  }
  try {
    documents = text::read_documents(o.text_file, &skipped, o.text_file_given);
  } catch (const Error& e) {
    if (o.text_file_given || o.steps > 0) throw;
    data.no_evaluation =
        std::string("no evaluation was done: the model's text could not be read (") + e.what() +
        "); pass --text FILE to evaluate it";
  }
  if (data.no_evaluation.empty())
    data.task = text_tasks(o, documents, skipped, o.run, data.eval_task);
}

// The ids of --generate's TEXT: through the task's vocabulary, a BPE model's tokenizer, or a text
// model's saved tokens (one byte each). Throws cli::FlagError naming the byte it cannot read.
std::vector<std::int64_t> encode_prompt(const std::string& prompt, const tasks::Task* task,
                                        const io::SavedRun& run) {
  if (!task && run.bpe) return run.bpe->encode(prompt);  // every byte has a token
  std::string error;
  std::vector<std::int64_t> ids;
  if (task) {
    ids = task->encode(prompt, error);
  } else {
    for (char ch : prompt) {
      std::int64_t id = -1;
      for (std::size_t t = 0; t < run.tokens.size(); ++t)
        if (run.tokens[t] == std::string(1, ch)) id = static_cast<std::int64_t>(t);
      if (id < 0) {
        error = "prompt character " + tasks::quoted_byte(ch) + " never occurs in the model's text";
        break;
      }
      ids.push_back(id);
    }
  }
  if (!error.empty() || ids.empty())
    throw cli::FlagError("--generate: the prompt cannot be read by this model: " +
                         (error.empty() ? std::string("it is empty") : error));
  return ids;
}

}  // namespace

Data load_data(Options& o) {
  Data data;
  io::SavedRun& run = o.run;
  if (o.is_text()) {
    read_text(o, data);
  } else {
    try {
      data.task = tasks::make_synthetic(run.task, run.modulus);
    } catch (const Error& e) {
      if (o.fresh) throw;
      fail("load", "'", o.load_dir, "/config.json': ", e.what());
    }
  }
  const tasks::Task* task = data.task.get();
  if (o.fresh) {  // the text's characters are the vocabulary, and the tokens are saved with it
    set_vocab(run.config, task->vocab());
    if (run.task.empty() || o.is_text()) run.task = task->name();
    for (std::int64_t id = 0; id < task->vocab(); ++id) run.tokens.push_back(task->token_text(id));
  }
  if (task && task->vocab() != vocab_of(run.config))
    fail("train_transformer", "the task has ", task->vocab(), " tokens but the model ",
         vocab_of(run.config));
  if (o.steps > 0 && !task)
    fail("train_transformer", "this model was trained on text: pass --text FILE to train it");
  // --generate's prompt as token ids, now, before any training or evaluation: a prompt the
  // model cannot read is the flag's fault (exit 2), found in a second, not after the run.
  if (!o.prompt.empty()) data.prompt_ids = encode_prompt(o.prompt, task, run);
  // --logits-out scores the whole prompt in one forward, which holds at most max_seq tokens:
  // checked here too, not after the training it would have cost (issue 26).
  const std::int64_t context = context_of(run.config);
  if (!o.logits_out.empty() && static_cast<std::int64_t>(data.prompt_ids.size()) > context)
    throw cli::FlagError("--logits-out: the prompt is " + std::to_string(data.prompt_ids.size()) +
                         " tokens, more than the model's max_seq of " + std::to_string(context) +
                         " that one forward can score: shorten --generate");
  return data;
}

// --tokenize TEXT: the ids of TEXT under a saved text model's tokenizer (tokenizer.json, or one
// byte per token for a byte model, which knows only the characters of its text).
std::string tokenize_line(const Options& o) {
  std::vector<std::int64_t> ids;
  if (o.run.bpe) {
    ids = o.run.bpe->encode(o.tokenize_text);
  } else {
    for (unsigned char c : o.tokenize_text) {
      std::int64_t id = -1;
      for (std::size_t t = 0; t < o.run.tokens.size() && id < 0; ++t)
        if (o.run.tokens[t] == std::string(1, static_cast<char>(c)))
          id = static_cast<std::int64_t>(t);
      if (id < 0)
        fail("tokenize", "byte ", static_cast<int>(c), " is not in the vocabulary of '", o.load_dir,
             "/vocab.json' (a byte model knows only the characters of its training "
             "text)");
      ids.push_back(id);
    }
  }
  std::string line;
  for (std::size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  return line;
}

}  // namespace tg::trainer
