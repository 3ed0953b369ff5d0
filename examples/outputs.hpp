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

namespace tg::outputs {

// Creates `dir` (and its parents) if needed and proves a file can be written in it. `what` names
// the flag, as in "--save".
void prepare_dir(const std::string& dir, const std::string& what);
// Proves that `path` can be written: it is not a folder, its folder exists, and a file written
// next to it (`path`.tmp, what an atomic write uses) can be created and flushed.
void prepare_file(const std::string& path, const std::string& what);

}  // namespace tg::outputs
