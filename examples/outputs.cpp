// examples/outputs.cpp — see outputs.hpp.
#include "outputs.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "cli.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"

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
  const std::string reason = try_write(temporary_name(path));
  if (!reason.empty()) fail(what.c_str(), "cannot write '", path, "': ", reason);
}

namespace {
std::filesystem::path resolved(const std::string& path) {
  std::error_code error;
  const std::filesystem::path p = std::filesystem::weakly_canonical(path, error);
  return error ? std::filesystem::absolute(path).lexically_normal() : p;
}
// A fault of the flags, not of the run: exit status 2, as every bad flag (cli::FlagError).
template <class... Parts>
[[noreturn]] void flag_error(const std::string& flag, const Parts&... parts) {
  std::ostringstream message;
  message << flag << ": ";
  (message << ... << parts);
  throw cli::FlagError(message.str());
}
// Whether `inner` is `outer` or lies below it.
bool within(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i)
    if (o->empty())
      continue;  // a trailing separator
    else if (i == inner.end() || *i != *o)
      return false;
  return true;
}
}  // namespace

void check_distinct(const std::vector<Path>& outputs, const std::vector<Path>& inputs,
                    const std::string& save_dir) {
  for (std::size_t a = 0; a < outputs.size(); ++a) {
    if (outputs[a].path.empty()) continue;
    const std::filesystem::path out = resolved(outputs[a].path);
    for (const Path& in : inputs)
      if (!in.path.empty() && within(out, resolved(in.path)))
        flag_error(outputs[a].flag, "'", outputs[a].path, "' is ",
                   out == resolved(in.path) ? "" : "inside ", in.flag, " '", in.path,
                   "', which this run reads: writing it would destroy that; choose another path");
    if (!save_dir.empty() && outputs[a].flag != "--save" && outputs[a].flag != "--out" &&
        within(out, resolved(save_dir)))
      flag_error(outputs[a].flag, "'", outputs[a].path, "' is inside the --save folder '", save_dir,
                 "', whose files a save replaces: choose a path outside it");
    for (std::size_t b = a + 1; b < outputs.size(); ++b)
      if (!outputs[b].path.empty() && out == resolved(outputs[b].path))
        flag_error(outputs[a].flag, "'", outputs[a].path, "' is also ", outputs[b].flag,
                   ": two outputs cannot be one file");
  }
}

void check_room_to_replace(const std::string& dir, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::uintmax_t largest = 0;
  std::string name;
  for (const auto& entry : fs::directory_iterator(dir, error))
    if (entry.is_regular_file(error) && entry.file_size(error) > largest)
      largest = entry.file_size(error), name = entry.path().filename().string();
  const fs::space_info space = fs::space(dir, error);
  if (!error && space.available < largest)
    fail(what.c_str(), "'", dir, "' has ", space.available, " bytes free, but the next save needs ",
         largest, " to write a new '", name,
         "' beside the old one: free some space or save elsewhere");
}

FolderLock::FolderLock(const std::string& dir, const std::string& what) {
  const std::string path = (std::filesystem::path(dir) / ".tapegrad.lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(what.c_str(), "cannot create '", path, "': ", std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      fail(what.c_str(), "another run is saving to '", dir, "' now (it holds '", path,
           "'): wait for it to end, or save elsewhere");
    fail(what.c_str(), "cannot lock '", path, "': ", std::strerror(err));
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace tg::outputs
