// core/formats/safetensors.cpp — see safetensors.hpp.
#include "core/formats/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/error.hpp"
#include "core/formats/file_io.hpp"
#include "core/formats/json.hpp"

namespace tg {

static_assert(std::endian::native == std::endian::little,
              "safetensors I/O assumes a little-endian machine");

namespace {

constexpr std::uint64_t kMaxHeader = 100u << 20;  // 100 MB: far above any real header

const char* format_name(DType d) {
  return d == float32 ? "F32" : "F64";
}

}  // namespace

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  // The format's header is JSON, which is UTF-8: a name or metadata string that is not would
  // make a file other safetensors readers refuse, so it is refused here, before anything is
  // written.
  auto check_utf8 = [&](const std::string& text, const char* what) {
    if (const std::size_t bad = json::invalid_utf8_at(text); bad != std::string::npos)
      fail("save_safetensors", "'", path, "': ", what, " is not valid UTF-8 (byte ", bad, " of ",
           text.size(), ": ", static_cast<unsigned>(static_cast<unsigned char>(text[bad])), ")");
  };
  for (const auto& [key, value] : metadata) {
    check_utf8(key, "a metadata key");
    check_utf8(value, "a metadata value");
  }
  for (const auto& entry : tensors) check_utf8(entry.first, "a tensor name");
  std::string header = "{";
  std::uint64_t offset = 0;
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
      header += (it == metadata.begin() ? "" : ",") + json::quote(it->first) + ":" +
                json::quote(it->second);
    header += "}";
    first = false;
  }
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") fail("save_safetensors", "'__metadata__' is reserved");
    const std::uint64_t bytes =
        static_cast<std::uint64_t>(t.numel()) * (t.dtype() == float32 ? 4 : 8);
    header += (first ? "" : ",") + json::quote(name) + ":{\"dtype\":\"" + format_name(t.dtype()) +
              "\",\"shape\":[";
    for (std::size_t k = 0; k < t.shape().size(); ++k)
      header += (k ? "," : "") + std::to_string(t.shape()[k]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
    first = false;
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';  // data starts 8-byte aligned
  std::string file(8, '\0');
  const std::uint64_t n = header.size();
  std::memcpy(file.data(), &n, 8);
  file += header;
  for (const auto& named : tensors) {
    const Tensor& t = named.second;  // (a lambda may not capture a structured binding in C++20)
    dispatch(t.dtype(), [&](auto zero) {
      using T = decltype(zero);
      file.append(reinterpret_cast<const char*>(t.data<T>()),
                  static_cast<std::size_t>(t.numel()) * sizeof(T));
    });
  }
  write_file_atomically(path, file);
}

SafeTensorsFile load_safetensors(const std::string& path) {
  require_regular_file(path, "load_safetensors");  // a FIFO or a device would block or never end
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) fail("load_safetensors", "cannot open '", path, "'");
  const auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  auto bad = [&](std::uint64_t offset, const std::string& what) -> void {
    fail("load_safetensors", "'", path, "', byte ", offset, ": ", what);
  };
  if (size < 8)
    bad(0, "file of " + std::to_string(size) + " bytes is too short for a header length");
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 8);
  if (n > kMaxHeader || n > size - 8)
    bad(0, "header length " + std::to_string(n) + " is larger than the file (" +
               std::to_string(size) + " bytes) allows");
  std::string header(static_cast<std::size_t>(n), '\0');
  in.read(header.data(), static_cast<std::streamsize>(n));
  if (!in) bad(8, "could not read the header");
  const std::uint64_t data_start = 8 + n, data_size = size - data_start;

  json::Value root;
  try {
    root = json::parse(header);
  } catch (const Error& e) {
    bad(8, std::string("header is not valid JSON (") + e.what() + ", counted from byte 8)");
  }
  if (!root.is(json::Value::Kind::Object)) bad(8, "header is not a JSON object");

  // First pass: validate every entry; nothing is allocated until the whole header has passed.
  struct Entry {
    std::string name;
    DType dtype;
    Shape dims;
    std::uint64_t begin, end;
  };
  SafeTensorsFile out;
  std::vector<Entry> entries;
  for (std::size_t member = 0; member < root.keys.size(); ++member) {
    const std::string& name = root.keys[member];
    const json::Value& entry = root.values[member];
    if (name == "__metadata__") {
      if (!entry.is(json::Value::Kind::Object)) bad(8, "__metadata__ is not an object");
      for (std::size_t m = 0; m < entry.keys.size(); ++m) {
        const std::string& k = entry.keys[m];
        const json::Value& v = entry.values[m];
        if (!v.is(json::Value::Kind::String))
          bad(8, "__metadata__ value '" + k + "' is not a string");
        out.metadata[k] = v.string;
      }
      continue;
    }
    const std::string where = "tensor '" + name + "': ";
    const json::Value* dtype = entry.find("dtype");
    const json::Value* shape = entry.find("shape");
    const json::Value* offsets = entry.find("data_offsets");
    if (!entry.is(json::Value::Kind::Object) || !dtype || !shape || !offsets)
      bad(8, where + "needs dtype, shape and data_offsets");
    if (!dtype->is(json::Value::Kind::String) || (dtype->string != "F32" && dtype->string != "F64"))
      bad(8, where + "dtype " + (dtype->is(json::Value::Kind::String) ? dtype->string : "?") +
                 " is not supported (tapegrad reads F32 and F64)");
    const DType dt = dtype->string == "F32" ? float32 : float64;
    if (!shape->is(json::Value::Kind::Array) || shape->array.size() > 16)
      bad(8, where + "shape must be an array of at most 16 sizes");
    Shape dims;
    std::uint64_t count = 1, nonzero = 1;  // nonzero: the product of the sizes that are not 0
    for (const json::Value& s : shape->array) {
      if (!s.is(json::Value::Kind::Number) || s.number < 0 || s.number != std::floor(s.number) ||
          s.number > 1e15)
        bad(8, where + "shape entries must be whole numbers >= 0");
      const auto dim = static_cast<std::uint64_t>(s.number);
      // Even an empty tensor's other sizes must be sane: its strides are products of them.
      if (dim != 0 && nonzero > size / dim)
        bad(8, where + "shape has more elements than the file could hold");
      if (dim != 0) nonzero *= dim;
      count *= dim;
      dims.push_back(static_cast<std::int64_t>(dim));
    }
    if (!offsets->is(json::Value::Kind::Array) || offsets->array.size() != 2 ||
        !offsets->array[0].is(json::Value::Kind::Number) ||
        !offsets->array[1].is(json::Value::Kind::Number))
      bad(8, where + "data_offsets must be [begin, end]");
    const double b = offsets->array[0].number, e = offsets->array[1].number;
    if (b < 0 || e < b || b != std::floor(b) || e != std::floor(e) ||
        e > static_cast<double>(data_size))
      bad(data_start, where + "data_offsets [" + std::to_string(b) + ", " + std::to_string(e) +
                          "] are outside the " + std::to_string(data_size) + " data bytes");
    const auto begin = static_cast<std::uint64_t>(b), end = static_cast<std::uint64_t>(e);
    const std::uint64_t element = dt == float32 ? 4 : 8;
    if (end - begin != count * element)
      bad(data_start + begin, where + "holds " + std::to_string(end - begin) +
                                  " bytes but shape needs " + std::to_string(count * element));
    entries.push_back({name, dt, dims, begin, end});
  }

  // The tensors tile the data exactly, as the format requires ("the byte buffer needs to be
  // entirely indexed, and cannot contain holes"): sorted by start, each begins where the one
  // before ended (empty tensors occupy nothing), and the last ends at the end of the file. Bytes
  // no tensor indexes are refused: a header 4 bytes short, padded with spaces, shifted every
  // tensor by one float and was read without a word (issue 26).
  std::vector<const Entry*> by_start;
  for (const Entry& e : entries)
    if (e.end > e.begin) by_start.push_back(&e);
  std::sort(by_start.begin(), by_start.end(),
            [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  std::uint64_t covered = 0;  // the data bytes [0, covered) belong to the tensors so far
  for (const Entry* e : by_start) {
    if (e->begin < covered)
      bad(data_start + e->begin, "tensor '" + e->name + "' overlaps another tensor's data");
    if (e->begin > covered)
      bad(data_start + covered, "bytes " + std::to_string(covered) + " to " +
                                    std::to_string(e->begin) +
                                    " of the data belong to no tensor (before '" + e->name +
                                    "'); the format allows no gaps");
    covered = e->end;
  }
  if (covered != data_size)
    bad(data_start + covered, "the last " + std::to_string(data_size - covered) +
                                  " bytes of the file belong to no tensor; the format allows none");

  // Second pass: the sizes add up to at most the file's data, so allocating is safe now.
  for (const Entry& e : entries) {
    Tensor t = zeros(e.dims, e.dtype);
    in.seekg(static_cast<std::streamoff>(data_start + e.begin));
    dispatch(e.dtype, [&](auto zero) {
      using T = decltype(zero);
      in.read(reinterpret_cast<char*>(t.data<T>()), static_cast<std::streamsize>(e.end - e.begin));
    });
    if (!in) bad(data_start + e.begin, "tensor '" + e.name + "': could not read its data");
    out.tensors.emplace(e.name, t);
  }
  return out;
}

}  // namespace tg
