// safetensors and JSON: round trips, and files built to break the reader.
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/formats/json.hpp"
#include "core/formats/safetensors.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "tapegrad-tests";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// A file: 8-byte header length, the header text, then `data`.
std::string raw_file(const std::string& name, const std::string& header, const std::string& data,
                     std::uint64_t claimed = UINT64_MAX) {
  const std::string path = scratch(name);
  std::ofstream f(path, std::ios::binary);
  const std::uint64_t n = claimed == UINT64_MAX ? header.size() : claimed;
  f.write(reinterpret_cast<const char*>(&n), 8);
  f << header << data;
  return path;
}

Thrown load_error(const std::string& path) {
  return thrown_by([&] { load_safetensors(path); });
}
}  // namespace

TEST_CASE("safetensors round trip keeps names, shapes, dtypes, values and metadata") {
  const std::string path = scratch("round.safetensors");
  Generator gen(1);
  const std::map<std::string, Tensor> tensors = {{"a.weight", randn({3, 4}, gen)},
                                                 {"b", randn({5}, gen, float64)},
                                                 {"scalar", scalar(2.5)},
                                                 {"empty", zeros({0, 3})}};
  save_safetensors(path, tensors, {{"format", "pt"}});
  const SafeTensorsFile back = load_safetensors(path);
  CHECK(back.metadata.at("format") == "pt");
  REQUIRE(back.tensors.size() == 4);
  for (const auto& [name, t] : tensors) {
    CAPTURE(name);
    const Tensor& u = back.tensors.at(name);
    CHECK(u.shape() == t.shape());
    CHECK(u.dtype() == t.dtype());
    CHECK(u.to_vector() == t.to_vector());
  }
  CHECK(leftover_temporaries(path) == 0);
  // The header is 8-byte aligned, as the format recommends.
  std::ifstream f(path, std::ios::binary);
  std::uint64_t n = 0;
  f.read(reinterpret_cast<char*>(&n), 8);
  CHECK(n % 8 == 0);
}

TEST_CASE("hostile safetensors files are rejected with the file and byte offset named") {
  const std::string ok_header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string eight(8, '\0');
  CHECK(!load_error(raw_file("ok.st", ok_header, eight)).thrown);

  const std::string truncated = scratch("truncated.st");
  std::ofstream(truncated, std::ios::binary) << "abc";
  CHECK_ERROR(load_error(truncated), "byte 0: file of 3 bytes is too short");
  CHECK_ERROR(load_error(scratch("does-not-exist.st")), "cannot open");

  CHECK_ERROR(load_error(raw_file("huge.st", ok_header, eight, 1ULL << 60)),
              "header length 1152921504606846976 is larger than the file");
  CHECK_ERROR(load_error(raw_file("short-data.st", ok_header, "1234")), "outside the 4 data bytes");
  CHECK_ERROR(load_error(raw_file(
                  "dtype.st", R"({"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", eight)),
              "dtype I64 is not supported");
  CHECK_ERROR(load_error(raw_file(
                  "shape.st", R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight)),
              "holds 8 bytes but shape needs 12");
  CHECK_ERROR(
      load_error(raw_file("negative.st",
                          R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight)),
      "shape entries must be whole numbers");
  CHECK_ERROR(
      load_error(raw_file(
          "overflow.st",
          R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})",
          eight)),
      "more elements than the file could hold");
  CHECK_ERROR(
      load_error(raw_file(
          "dup.st",
          R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
          eight)),
      "duplicate key \"w\"");
  CHECK_ERROR(
      load_error(raw_file(
          "overlap.st",
          R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
          eight)),
      "overlap");
  // An empty tensor between two overlapping ones does not hide the overlap.
  CHECK_ERROR(
      load_error(raw_file(
          "overlap2.st",
          R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
          eight)),
      "overlaps another tensor's data");
  // Many entries pointing at the same bytes are refused before any of them is allocated.
  std::string many = "{";
  for (int i = 0; i < 1000; ++i)
    many += (i ? "," : "") + std::string("\"t") + std::to_string(i) +
            "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
  CHECK_ERROR(load_error(raw_file("many.st", many + "}", eight)), "overlaps");
  // A zero in a shape does not excuse absurd other sizes.
  CHECK_ERROR(
      load_error(raw_file(
          "zero-dim.st",
          R"({"w":{"dtype":"F32","shape":[0,1000000000000000,1000000000000000],"data_offsets":[0,0]}})",
          eight)),
      "more elements than the file could hold");
  CHECK_ERROR(load_error(raw_file("json.st", "{\"w\": [1, 2", eight)), "header is not valid JSON");
  CHECK_ERROR(load_error(raw_file("deep.st", std::string(100, '[') + std::string(100, ']'), eight)),
              "nested deeper than 64 levels");
  CHECK_ERROR(load_error(raw_file("array.st", "[1, 2]", eight)), "header is not a JSON object");
  CHECK_ERROR(load_error(raw_file("missing.st", R"({"w":{"dtype":"F32"}})", eight)),
              "needs dtype, shape and data_offsets");
}

TEST_CASE("saving never leaves a half-written file where a good one was") {
  const std::string dir = scratch("readonly-dir");
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/m.safetensors";
  save_safetensors(path, {{"w", ones({2})}});
  // A tensor map that cannot be saved (reserved name) fails before touching the file.
  CHECK_THROWS_AS(save_safetensors(path, {{"__metadata__", ones({2})}}), Error);
  CHECK(load_safetensors(path).tensors.at("w").to_vector() == std::vector<double>{1, 1});
  // An unwritable destination is a clear error, naming the temporary file.
  CHECK_ERROR_STARTS(
      [] {
        save_safetensors("/proc/no-such-dir/m.safetensors", {{"w", ones({1})}});
      },
      "save: cannot create '/proc/no-such-dir/m.safetensors.tmp.");
}

TEST_CASE("json: values, escapes, errors with offsets") {
  const json::Value v =
      json::parse(R"( {"a": [1, 2.5e1, -3], "b": {"c": "x\n\u00e9"}, "t": true, "n": null} )");
  REQUIRE(v.find("a"));
  CHECK(v.find("a")->array[1].number == 25);
  CHECK(v.find("b")->find("c")->string == "x\n\xc3\xa9");
  CHECK(v.find("t")->boolean);
  CHECK(v.find("n")->is(json::Value::Kind::Null));
  CHECK(json::parse(json::quote("a\"b\\c\x01")).string == "a\"b\\c\x01");
  CHECK(error_of([] { json::parse("{\"a\" 1}"); }) == "json: offset 5: expected ':'");
  CHECK(error_of([] { json::parse("[1, 2] x"); }) ==
        "json: offset 7: unexpected text after the JSON value");
  CHECK(error_of([] { json::parse("1e999"); }) == "json: offset 0: number out of range");
  CHECK(error_of([] { json::parse("\"abc"); }) == "json: offset 4: unterminated string");
  CHECK_ERROR_STARTS([] { json::parse("tru"); }, "json: offset 0: expected a value");
  CHECK(json::parse(R"("\ud83d\ude00")").string ==
        "\xf0\x9f\x98\x80");  // a surrogate pair: 4-byte UTF-8
  CHECK_ERROR([] { json::parse(R"("\ude00")"); }, "lone low surrogate");
  CHECK_ERROR([] { json::parse(R"("\ud83d x")"); }, "high surrogate without its low half");
}

TEST_CASE("json is UTF-8: the writer refuses other bytes, the reader names their offset") {
  // Valid UTF-8 of every length passes both ways: é (2 bytes), 東 (3), an emoji (4).
  const std::string text = "le caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80";
  CHECK(json::parse(json::quote(text)).string == text);
  CHECK(json::invalid_utf8_at(text) == std::string::npos);
  // Lone bytes, truncated sequences, overlong forms, surrogates, and code points past U+10FFFF.
  const std::vector<std::pair<std::string, std::size_t>> bad = {
      {"caf\xe9", 3},      {"\x80", 0},         {"a\xc3", 1},
      {"\xfe", 0},         {"\xff", 0},         {"\xc0\xaf", 0},
      {"\xe0\x80\xaf", 0}, {"\xed\xa0\x80", 0}, {"\xf4\x90\x80\x80", 0},
      {"ok\xe6\x9d", 2},   {"\xf0\x9f\x98", 0}};
  for (const auto& [bytes, offset] : bad) {
    CAPTURE(bytes);
    CHECK(json::invalid_utf8_at(bytes) == offset);
    CHECK_ERROR_STARTS([&] { json::quote(bytes); },
                       "json: cannot write a string that is not valid UTF-8: byte 0x");
    // In a document, the offset counts from the start of the text (the quote is byte 0).
    CHECK_ERROR_STARTS([&] { json::parse("\"" + bytes + "\""); },
                       "json: offset " + std::to_string(offset + 1) + ": invalid UTF-8 byte 0x");
  }
}

TEST_CASE("safetensors: names and metadata that are not UTF-8 are refused before writing") {
  const std::string path = "utf8-check.safetensors";
  std::remove(path.c_str());
  const Tensor t = ones({2});
  CHECK_ERROR_STARTS(
      [&] {
        save_safetensors(path, {{"caf\xe9", t}});
      },
      "save_safetensors: 'utf8-check.safetensors': a tensor name is not valid UTF-8 "
      "(byte 3 of 4");
  CHECK_ERROR(
      [&] {
        save_safetensors(path, {{"w", t}}, {{"note", "\xc3"}});
      },
      "a metadata value is not valid UTF-8 (byte 0 of 1");
  CHECK_ERROR(
      [&] {
        save_safetensors(path, {{"w", t}}, {{"\xff", "x"}});
      },
      "a metadata key is not valid UTF-8");
  CHECK(!std::ifstream(path));  // nothing was written
  // A file written by someone else with a raw 0xE9 in its header is refused with its offset.
  std::string header = "{\"caf\xe9\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
  while (header.size() % 8) header += ' ';
  std::string file(8, '\0');
  const std::uint64_t n = header.size();
  std::memcpy(file.data(), &n, 8);
  file += header + std::string(4, '\0');
  std::ofstream(path, std::ios::binary) << file;
  CHECK_ERROR([&] { load_safetensors(path); },
              "header is not valid JSON (json: offset 5: invalid UTF-8 byte 0xE9");
  std::remove(path.c_str());
}

TEST_CASE("safetensors: bytes that no tensor indexes are refused, with the offset") {
  // The format requires the data to be covered exactly. A header length 4 bytes short (the
  // header ending in padding spaces) shifted every tensor by one float and loaded without a
  // word (issue 26); so did a gap between tensors or bytes after the last one.
  const std::string w = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string eight(8, '\0');
  const std::string padded = w + "    ";  // 4 spaces of padding, as writers may add
  REQUIRE(load_safetensors(raw_file("padded.st", padded, eight)).tensors.at("w").numel() == 2);
  CHECK(load_error(raw_file("short.st", padded, eight, padded.size() - 4)).message ==
        "load_safetensors: '" + scratch("short.st") + "', byte " +
            std::to_string(8 + padded.size() - 4 + 8) +
            ": the last 4 bytes of the file belong to no tensor; the format allows none");
  CHECK_ERROR(load_error(raw_file("trailing.st", w, eight + "xy")), "the last 2 bytes");
  const std::string gap =
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  CHECK(
      load_error(raw_file("gap.st", gap, std::string(12, '\0'))).message ==
      "load_safetensors: '" + scratch("gap.st") + "', byte " + std::to_string(8 + gap.size() + 4) +
          ": bytes 4 to 8 of the data belong to no tensor (before 'b'); the format allows no gaps");
  // A FIFO where the weights should be is refused at once, not waited on.
  const std::string fifo = scratch("weights.fifo");
  std::filesystem::remove(fifo);
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(load_error(fifo).message ==
        "load_safetensors: '" + fifo + "' is a FIFO (a pipe), not a regular file");
  std::filesystem::remove(fifo);
}
