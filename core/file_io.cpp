// core/file_io.cpp — see file_io.hpp.
#include "core/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace tg {

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
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

std::string read_file(const std::string& path, std::int64_t max_bytes, const char* what) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) fail(what, "cannot open '", path, "'");
  const auto size = static_cast<std::int64_t>(in.tellg());
  if (size < 0) fail(what, "cannot read '", path, "'");
  if (size > max_bytes)
    fail(what, "'", path, "' is ", size, " bytes, more than the ", max_bytes, " allowed");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  if (!in) fail(what, "could not read '", path, "'");
  return text;
}

}  // namespace tg
