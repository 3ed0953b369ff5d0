// core/formats/file_io.cpp — see file_io.hpp.
#include "core/formats/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace tg {

std::string temporary_name(const std::string& path) {
  static std::atomic<std::uint64_t> count{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(count++);
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail("save", "cannot create '", tmp, "': ", std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;  // a signal arrived first: try again
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      std::remove(tmp.c_str());
      fail("save", "writing '", tmp, "' failed after ", written, " bytes: ", std::strerror(err));
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    std::remove(tmp.c_str());
    fail("save", "flushing '", tmp, "' to disk failed: ", std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    fail("save", "cannot rename '", tmp, "' to '", path, "': ", std::strerror(errno));
  }
  // The rename is itself an entry in the folder: flush the folder too, so that after a power
  // cut the name points at the new file. (Best effort: some file systems refuse this.)
  const std::size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

namespace {
// What a path that is not a regular file is, for the messages.
const char* kind_of(const std::filesystem::file_status& status) {
  namespace fs = std::filesystem;
  switch (status.type()) {
    case fs::file_type::fifo:
      return "a FIFO (a pipe)";
    case fs::file_type::character:
      return "a character device (a terminal or /dev/stdin)";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}
}  // namespace

void require_regular_file(const std::string& path, const char* what) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found)
    fail(what, "cannot open '", path, "': no such file");
  if (fs::is_directory(status)) fail(what, "'", path, "' is a folder, not a file");
  if (!fs::is_regular_file(status))
    fail(what, "'", path, "' is ", kind_of(status), ", not a regular file");
}

std::string read_file(const std::string& path, std::int64_t max_bytes, const char* what) {
  require_regular_file(path, what);
  return read_file_or_stream(path, max_bytes, what);
}

std::string read_file_or_stream(const std::string& path, std::int64_t max_bytes, const char* what) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status)) fail(what, "'", path, "' is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(what, "cannot open '", path, "'");
  std::string text;
  if (fs::is_regular_file(status)) {  // a size to check before reading
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::int64_t>(in.tellg());
    if (size < 0) fail(what, "cannot read '", path, "'");
    if (size > max_bytes)
      fail(what, "'", path, "' is ", size, " bytes, more than the ", max_bytes, " allowed");
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(text.data(), size);
    if (!in) fail(what, "could not read '", path, "'");
    return text;
  }
  // A pipe, a FIFO, /dev/stdin or a terminal has no size to ask for: read it to its end, in
  // pieces, stopping as soon as it gives more than max_bytes.
  char piece[1 << 16];
  while (in.read(piece, sizeof piece) || in.gcount() > 0) {
    text.append(piece, static_cast<std::size_t>(in.gcount()));
    if (static_cast<std::int64_t>(text.size()) > max_bytes)
      fail(what, "'", path, "' gives more than the ", max_bytes, " bytes allowed");
  }
  if (in.bad()) fail(what, "could not read '", path, "'");
  return text;
}

}  // namespace tg
