// examples/outputs.hpp — output paths checked before any work, so that a long run never ends by
// finding out that it cannot write its results.
//
// Layer: examples. A program calls these right after its flags are parsed, for every folder and
// file it will write. Each does what the real write will do — creates the folder, writes a small
// file where the result will go, flushes it and removes it — so a read-only folder, a path under
// a regular file, a missing parent folder or a disk with no space left is an error now, naming
// the path and the reason, instead of after the training it was meant to keep. (A disk that fills
// up during the run is still possible: the saves say so then, and the previous file stays.)
#pragma once

#include <string>
#include <vector>

namespace tg::outputs {

// Creates `dir` (and its parents) if needed and proves a file can be written in it. `what` names
// the flag, as in "--save".
void prepare_dir(const std::string& dir, const std::string& what);
// Proves that `path` can be written: it is not a folder, a FIFO or a device (a FIFO would make
// the run wait, or read it back, for ever), its folder exists, and a file written next to it (a
// temporary name, as an atomic write uses) can be created and flushed.
void prepare_file(const std::string& path, const std::string& what);

// After a save into `dir`: a later save writes each file beside the old one (then renames it
// over), so the disk must have room for one more copy of the folder's largest file. Throws
// tg::Error naming `what`, the folder, the file and both sizes if it has not.
void check_room_to_replace(const std::string& dir, const std::string& what);

// A path a run reads or writes, named by its flag ("--text", "--save", ...). For a folder, the
// names of the files the run writes into it (an output) or reads from it (an input); a folder
// input with no names listed is read whole (a --text folder: every file in it is text).
struct Path {
  std::string flag, path;
  bool folder = false;
  std::vector<std::string> files = {};
};
// Refuses, naming both flags, an output that would destroy what the run reads or another output:
// a file written that is a file read (`--loss-log mytext.txt` replaced the 35 kB text it trained
// on; `--text o/training_curves.csv --out o` too), or lies in a folder read whole, or lies in the
// --save folder (`save_dir`), or is written twice (`--loss-log o/training_curves.csv --out o`),
// and a folder written that is a folder read (`--save` = `--load`). Two paths are one file if
// they name it (after "..", "." and links are resolved) or are hard links to it. Empty paths are
// skipped. Throws cli::FlagError (exit status 2) naming the flags.
void check_distinct(const std::vector<Path>& outputs, const std::vector<Path>& inputs,
                    const std::string& save_dir = "");

// Holds an exclusive lock on `dir` (a file DIR/.tapegrad.lock, flock) for as long as it lives, so
// that two runs saving to one folder never write into each other's checkpoint: the second is
// refused at once, naming the folder. The lock goes with the process (even on a crash).
class FolderLock {
 public:
  FolderLock(const std::string& dir, const std::string& what);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace tg::outputs
