// examples/outputs.cpp — see outputs.hpp.
#include "outputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace tg::outputs {

namespace {
// Creates `probe`, writes a byte, flushes it to the disk and removes it; the reason on failure.
std::string try_write(const std::string& probe) {
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return std::strerror(errno);
  std::string reason;
  if (::write(fd, "x", 1) != 1 || ::fsync(fd) != 0) reason = std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return reason;
}
}  // namespace

void prepare_dir(const std::string& dir, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) fail(what.c_str(), "cannot create the folder '", dir, "': ", error.message());
  if (!fs::is_directory(dir, error)) fail(what.c_str(), "'", dir, "' is not a folder");
  const std::string reason =
      try_write((fs::path(dir) / (".tapegrad-write-test-" + std::to_string(::getpid()))).string());
  if (!reason.empty()) fail(what.c_str(), "cannot write into the folder '", dir, "': ", reason);
}

void prepare_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error)) fail(what.c_str(), "'", path, "' is a folder, not a file");
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error))
    fail(what.c_str(), "cannot write '", path, "': '", parent.string(), "' ",
         fs::exists(parent, error) ? "is not a folder" : "does not exist");
  const std::string reason = try_write(path + ".tmp");
  if (!reason.empty()) fail(what.c_str(), "cannot write '", path, "': ", reason);
}

}  // namespace tg::outputs
