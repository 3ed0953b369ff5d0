// core/formats/safetensors.hpp — tensors to and from the safetensors format (what PyTorch and Hugging
// Face use), so a model trained here opens there.
//
// Layer: core. The format: 8 bytes, a little-endian unsigned N; N bytes of JSON header
//   {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value"}}
// then the data: each tensor's elements, row-major, little-endian, at [begin, end) from the
// start of the data. tapegrad reads and writes F32 and F64.
//
// Loading is written for files from anywhere: before anything is allocated, the header length is
// checked against the file size (and a 100 MB cap), every shape's element count against its byte
// range, and every byte range against the data, and ranges must not overlap. Any problem is an
// error naming the file, the byte offset and the tensor. Saving writes `path.tmp`, flushes it to
// disk and renames it over `path`, so a crash or full disk never leaves a half-written file
// where a good one was.
#pragma once

#include <map>
#include <string>

#include "core/formats/file_io.hpp"
#include "core/tensor.hpp"

namespace tg {

struct SafeTensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

SafeTensorsFile load_safetensors(const std::string& path);

}  // namespace tg
