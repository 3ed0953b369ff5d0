// examples/plot/write_file.hpp — writes a whole file safely: to `path.tmp`, then renamed, so a
// reader never sees half a file and an old file survives a failed write.
#pragma once

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

namespace plot {

inline void write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open '" + tmp + "' for writing");
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("writing '" + tmp + "' failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
  }
}

}  // namespace plot
