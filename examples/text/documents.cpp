// examples/text/documents.cpp — see documents.hpp.
#include "text/documents.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/error.hpp"
#include "core/formats/file_io.hpp"

namespace tg::text {

namespace {
constexpr std::int64_t kMaxBytes = 100 << 20;
constexpr std::size_t kMaxFiles = 10000;
}  // namespace

std::vector<Document> read_documents(const std::string& path, std::vector<std::string>* skipped,
                                     bool streams) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(path, error))
    return {{path, streams ? read_file_or_stream(path, kMaxBytes, "text")
                           : read_file(path, kMaxBytes, "text")}};

  std::vector<fs::path> names;
  for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error))
    names.push_back(it->path());
  if (error) fail("text", "cannot list the folder '", path, "': ", error.message());
  std::sort(names.begin(), names.end());
  if (names.size() > kMaxFiles)
    fail("text", "the folder '", path, "' holds ", names.size(), " entries; at most ", kMaxFiles);
  auto skip = [&](const fs::path& name, const char* why) {
    if (skipped) skipped->push_back(name.string() + " (" + why + ")");
  };
  // A link is skipped when it leads to a file of the folder that is read as itself (whichever
  // comes first by name), or to one read already.
  std::set<fs::path> originals, read;  // canonical paths: files that are no link; files read
  for (const fs::path& name : names)
    if (!fs::is_symlink(name, error) && fs::is_regular_file(name, error))
      originals.insert(fs::canonical(name, error));
  std::vector<Document> documents;
  std::int64_t total = 0;
  for (const fs::path& name : names) {
    if (name.filename().string().rfind('.', 0) == 0) {
      skip(name, "hidden");
      continue;
    }
    if (!fs::is_regular_file(name, error)) {
      skip(name, fs::is_directory(name, error) ? "a folder" : "not a regular file");
      continue;
    }
    const fs::path canonical = fs::canonical(name, error);
    if (!error && ((fs::is_symlink(name, error) && originals.count(canonical)) ||
                   !read.insert(canonical).second)) {
      skip(name, "a link to a file read as itself");
      continue;
    }
    documents.push_back({name.string(), read_file(name.string(), kMaxBytes - total, "text")});
    total += static_cast<std::int64_t>(documents.back().text.size());
  }
  if (documents.empty())
    fail("text", "the folder '", path, "' holds no file to read",
         skipped && !skipped->empty() ? " (only what is skipped: sub-folders, hidden files, ...)"
                                      : " (it is empty)");
  return documents;
}

Split split_documents(const std::vector<Document>& documents, double val_fraction) {
  if (!(val_fraction > 0 && val_fraction <= 0.5))
    fail("--val-fraction", "must be in (0, 0.5], got ", val_fraction);
  Split split;
  for (const Document& d : documents) {
    const auto held = static_cast<std::size_t>(static_cast<double>(d.text.size()) * val_fraction);
    const std::size_t cut = d.text.size() - held;
    split.train.push_back(d.text.substr(0, cut));
    split.val.push_back(d.text.substr(cut));
  }
  return split;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const std::string& p : parts) all += p;
  return all;
}

}  // namespace tg::text
