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
#include "core/formats/file_io.hpp"

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
  if (fs::exists(path, error)) require_regular_file(path, what.c_str());  // a FIFO would block
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error))
    fail(what.c_str(), "cannot write '", path, "': '", parent.string(), "' ",
         fs::exists(parent, error) ? "is not a folder" : "does not exist");
  const std::string reason = try_write(temporary_name(path));
  if (!reason.empty()) fail(what.c_str(), "cannot write '", path, "': ", reason);
}

namespace {
// A fault of the flags, not of the run: exit status 2, as every bad flag (cli::FlagError).
template <class... Parts>
[[noreturn]] void flag_error(const std::string& flag, const Parts&... parts) {
  std::ostringstream message;
  message << flag << ": ";
  (message << ... << parts);
  throw cli::FlagError(message.str());
}
// A path made absolute, with "..", "." and links resolved as far as it exists, and no trailing
// separator ("o/" and "o" are one folder).
std::filesystem::path resolved(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path p = fs::weakly_canonical(path, error);
  if (error) p = fs::absolute(path).lexically_normal();
  while (!p.empty() && p.filename().empty() && p != p.root_path()) p = p.parent_path();
  return p;
}
// Whether two paths are one file: the same name once resolved, or (both existing) the same file,
// which also catches a hard link.
bool same_file(const std::string& a, const std::string& b) {
  std::error_code error;
  if (std::filesystem::equivalent(a, b, error) && !error) return true;
  return resolved(a) == resolved(b);
}
// Whether `inner` lies inside the folder `outer` (at any depth).
bool inside(const std::string& inner, const std::string& outer) {
  const std::filesystem::path i = resolved(inner), o = resolved(outer);
  auto a = i.begin(), b = o.begin();
  for (; a != i.end() && b != o.end(); ++a, ++b)
    if (*a != *b) return false;
  return b == o.end() && a != i.end();
}
// The files a path stands for: a file itself, or the named files of a folder.
std::vector<std::string> files_of(const Path& p) {
  if (!p.folder) return {p.path};
  std::vector<std::string> out;
  for (const std::string& f : p.files) out.push_back((std::filesystem::path(p.path) / f).string());
  return out;
}
}  // namespace

void check_distinct(const std::vector<Path>& outputs, const std::vector<Path>& inputs,
                    const std::string& save_dir) {
  struct Written {
    const Path* by;
    std::string file;
  };
  std::vector<Written> written;
  for (const Path& out : outputs)
    if (!out.path.empty())
      for (const std::string& f : files_of(out)) written.push_back({&out, f});
  for (std::size_t a = 0; a < written.size(); ++a) {
    const Written& w = written[a];
    const std::string& flag = w.by->flag;
    for (const Path& in : inputs) {
      if (in.path.empty()) continue;
      if (in.folder && in.files.empty()) {  // a folder read whole
        if (inside(w.file, in.path))
          flag_error(flag, "'", w.file, "' is inside ", in.flag, " '", in.path,
                     "', whose files this run reads: writing it there would change them; choose "
                     "another path");
        continue;
      }
      for (const std::string& f : files_of(in))
        if (same_file(w.file, f))
          flag_error(flag, "'", w.file, "' is ", in.flag, " '", f,
                     "', which this run reads: writing it would destroy that; choose another path");
    }
    if (!save_dir.empty() && !w.by->folder && inside(w.file, save_dir))
      flag_error(flag, "'", w.file, "' is inside the --save folder '", save_dir,
                 "', whose files a save replaces: choose a path outside it");
    for (std::size_t b = a + 1; b < written.size(); ++b)
      if (same_file(w.file, written[b].file))
        flag_error(flag, "'", w.file, "' is also written by ", written[b].by->flag,
                   ": two outputs cannot be one file");
  }
  for (const Path& out : outputs)  // a folder written that is a folder read (--save = --load)
    for (const Path& in : inputs)
      if (out.folder && in.folder && !out.path.empty() && !in.path.empty() &&
          same_file(out.path, in.path))
        flag_error(out.flag, "'", out.path, "' is ", in.flag, " '", in.path,
                   "', which this run reads: writing into it would replace what it read; choose "
                   "another folder");
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
