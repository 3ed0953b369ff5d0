// core/formats/file_io.hpp — whole-file reads and writes that fail loudly and never leave half a file.
//
// Layer: core. write_file_atomically writes a temporary file beside `path` (temporary_name),
// flushes it to disk (fsync), renames it
// over `path` and flushes the folder: readers see the old file or the new one, never a mixture,
// and a failed write (full disk, no permission) leaves the old file as it was. read_file refuses
// files larger than a cap, so a wrong path cannot make the program allocate gigabytes.
#pragma once

#include <cstdint>
#include <string>

namespace tg {

void write_file_atomically(const std::string& path, const std::string& text);

// A name for the temporary file beside `path` that no other writer uses: `path`.tmp.PID.N, N
// counting this process's calls. (A fixed `path`.tmp was shared by two runs saving to one folder,
// which then wrote into each other's file.)
std::string temporary_name(const std::string& path);

// Throws tg::Error naming `what` and the path unless `path` is a regular file (or a link to
// one): a FIFO, a terminal or a device would make a reader wait forever or never end, and a
// folder is no file. For every file a program reads back (config.json, vocab.json, a checkpoint).
void require_regular_file(const std::string& path, const char* what);

// The whole regular file (require_regular_file); throws tg::Error naming `what` and the path if
// it cannot be read or is larger than max_bytes.
std::string read_file(const std::string& path, std::int64_t max_bytes, const char* what);

// The same for a file named once on the command line to be read once (train_transformer's
// --text): a regular file, or a FIFO or /dev/stdin read to its end, up to max_bytes.
std::string read_file_or_stream(const std::string& path, std::int64_t max_bytes, const char* what);

}  // namespace tg
