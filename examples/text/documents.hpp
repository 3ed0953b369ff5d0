// examples/text/documents.hpp — the text a language model reads: a file or a folder of files,
// each split into the part trained on and the held-out part it is validated on.
//
// Layer: examples. A folder is read file by file, sorted by name (so a run is repeatable),
// without descending into sub-folders. Skipped, and counted in `skipped`: sub-folders, anything
// that is not a regular file (FIFOs, sockets, devices), hidden files (".name"), and a symbolic
// link to a file the folder holds itself (in /usr/share/common-licenses, GPL is GPL-3 again:
// reading both would weigh that text double). Limits: at most 10,000 files and 100 MB together.
//
// The held-out split (nanoGPT's "val"): the last `val_fraction` of EACH file's bytes is held
// out and never trained on, so every file contributes to both parts, and a model is validated on
// text it has not seen (the same authors and subjects, other sentences). Held out per file rather
// than at the end of the concatenation: otherwise the validation part would be the last file
// alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tg::text {

struct Document {
  std::string name;  // the path it was read from
  std::string text;
};

// A file, or a folder's files in name order. With `streams` the file may also be a FIFO or
// /dev/stdin (as tasks::read_text_file), read once to its end: for a --text given on the command
// line. Without, it must be a regular file: for a path read back from a saved model, where a
// stream would be waited on for ever (issue 26). Throws tg::Error naming the path for an empty
// folder, a folder with no readable file, a stream where none is allowed, or more than the
// limits; `skipped` (if given) receives what a folder's listing held that was not read, with why.
std::vector<Document> read_documents(const std::string& path,
                                     std::vector<std::string>* skipped = nullptr,
                                     bool streams = true);

// The parts of each document: train[i] is the first bytes of document i, val[i] the rest, the
// last floor(size * val_fraction) bytes. val_fraction must be in (0, 0.5] (tg::Error otherwise).
// train[i] + val[i] == documents[i].text, always.
struct Split {
  std::vector<std::string> train, val;
};
Split split_documents(const std::vector<Document>& documents, double val_fraction);

// The bytes of all parts, concatenated in order.
std::string joined(const std::vector<std::string>& parts);

}  // namespace tg::text
