// The byte-level BPE tokenizer of examples/text/: the split, the merges worked out by hand, the
// round trip on any bytes, tokenizer.json written and read back (and refused when damaged), and
// the held-out split of a corpus.
#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/formats/json.hpp"
#include "core/random.hpp"
#include "helpers.hpp"
#include "text/bpe.hpp"
#include "text/byte_map.hpp"
#include "text/bpe_task.hpp"
#include "text/documents.hpp"
#include "text/tokenizer_json.hpp"

using namespace tg;
using namespace tg::text;

namespace {
// What `f` threw, for CHECK_ERROR: any std::exception here, not only a tg::Error.
tg::testing::Thrown error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return {true, e.what()};
  }
  return {};
}

std::vector<std::string> chunks_of(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view c : split_chunks(text)) out.emplace_back(c);
  return out;
}

// The ten-word corpus of the hand-worked merges below.
const std::string kTenWords = "hug pug pun bun hugs hug pun pun hug bun";
}  // namespace

TEST_CASE("bpe: the split keeps a word's leading space and leaves a whitespace run's last one") {
  CHECK(chunks_of("Hello, world!\n\n  42") ==
        std::vector<std::string>{"Hello", ",", " world", "!", "\n\n ", " 42"});
  CHECK(chunks_of("a   b") == std::vector<std::string>{"a", "  ", " b"});
  CHECK(chunks_of("x\ny ") == std::vector<std::string>{"x", "\n", "y", " "});
  CHECK(chunks_of("caf\xc3\xa9 ok") == std::vector<std::string>{"caf", "\xc3\xa9", " ok"});
  CHECK(chunks_of("").empty());
  // The chunks cover the text exactly, whatever the bytes.
  Generator gen(3);
  std::string bytes;
  for (int i = 0; i < 5000; ++i) bytes += static_cast<char>(gen.integer(256));
  std::string again;
  for (const std::string& c : chunks_of(bytes)) again += c;
  CHECK(again == bytes);
}

// The merges on kTenWords, by hand. Its chunks (split_chunks; "_" is a space) and their counts:
//   hug 1, _hug 2, _pug 1, _pun 3, _bun 2, _hugs 1
// Pair counts, weighted by the chunks' counts:
//   u g 5, u n 5, h u 4, _ p 4, p u 4, _ h 3, _ b 2, b u 2, g s 1
// 1. u g and u n tie at 5: the smaller pair, (117 'u', 103 'g'), wins:    "ug"   = 256
//    then: h ug 4, _ p 4, _ h 3, p u 3, u n 5, ...
// 2. u n 5:                                                                "un"   = 257
//    then: h ug 4, _ p 4, _ h 3, p un 3, _ b 2, b un 2, p ug 1, ug s 1
// 3. h ug and _ p tie at 4: (32, 112) < (104, 256):                        " p"   = 258
// 4. h ug 4:                                                               "hug"  = 259
//    then: _ hug 3, _p un 3, _ b 2, b un 2, _p ug 1, hug s 1
// 5. _ hug and _p un tie at 3: (32, 259) < (258, 257):                     " hug" = 260
// 6. _p un 3:                                                              " pun" = 261
// 7. _ b and b un tie at 2: (32, 98) < (98, 257):                          " b"   = 262
// 8. _b un 2:                                                              " bun" = 263
// Left: _p ug 1 and _hug s 1, each once: no ninth merge (a pair must occur twice).
TEST_CASE("bpe: a run longer than kMaxRun characters is cut, as the regex {1,128} cuts it") {
  auto sizes = [](const std::string& text) {
    std::vector<std::size_t> out;
    for (std::string_view c : split_chunks(text)) out.push_back(c.size());
    return out;
  };
  CHECK(sizes(std::string(300, 'a')) == std::vector<std::size_t>{128, 128, 44});
  CHECK(sizes(" " + std::string(130, '7')) == std::vector<std::size_t>{129, 2});
  // 130 spaces, then a word: 128 (more whitespace follows: all kept), then of the last two one
  // alone and one that starts " a".
  CHECK(sizes(std::string(130, ' ') + "a") == std::vector<std::size_t>{128, 1, 2});
  CHECK(sizes(std::string(128, ' ') + "a") == std::vector<std::size_t>{127, 2});
  // 130 "é" (2 bytes each): 128 characters are 256 bytes.
  std::string accents;
  for (int i = 0; i < 130; ++i) accents += "\xc3\xa9";
  CHECK(sizes(accents) == std::vector<std::size_t>{256, 4});
  // A long line of letters (a base64 blob) trains as 128-letter chunks: fast, and exact.
  Generator gen(3);
  std::string blob;
  for (int i = 0; i < 20000; ++i) blob += static_cast<char>('a' + gen.integer(26));
  const BPE bpe = BPE::train(blob, 300, "blob");
  CHECK(bpe.decode(bpe.encode(blob)) == blob);
}

TEST_CASE("bpe: the merges of a ten-word corpus, worked out by hand") {
  const BPE bpe = BPE::train(kTenWords, 264, "ten words");
  const std::vector<std::string> expected = {"ug", "un", " p", "hug", " hug", " pun", " b", " bun"};
  REQUIRE(bpe.merges().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("merge " << i);
    CHECK(bpe.merges()[i].id == static_cast<std::int64_t>(256 + i));
    CHECK(bpe.token_bytes(bpe.merges()[i].id) == expected[i]);
  }
  CHECK(bpe.merges()[0].left == 'u');
  CHECK(bpe.merges()[0].right == 'g');
  CHECK(bpe.merges()[4].left == ' ');
  CHECK(bpe.merges()[4].right == 259);
  CHECK(bpe.encode("hug pun bun hugs") == std::vector<std::int64_t>{259, 261, 263, 260, 's'});
  // A ninth token would need a pair seen twice: the error names the flag and the limit.
  CHECK_ERROR(error_of([] { BPE::train(kTenWords, 265, "ten words"); }),
              "--vocab-size: 265 is more than 'ten words' allows", "(at most 264)");
  CHECK_ERROR(error_of([] { BPE::train(kTenWords, 255, "ten words"); }),
              "at least the 256 byte tokens, got 255");
  CHECK(BPE::train(kTenWords, 256, "ten words").merges().empty());
}

TEST_CASE("bpe: decode(encode(bytes)) == bytes for any bytes") {
  Generator gen(7);
  std::string corpus;
  for (int i = 0; i < 400; ++i) corpus += "the quick brown fox jumps over the lazy dog. ";
  const BPE bpe = BPE::train(corpus, 280, "foxes");
  std::vector<std::string> inputs = {"",
                                     std::string("\0", 1),
                                     std::string("a\0b\0\0", 5),
                                     "\xff\xfe\x80 invalid \xc3 UTF-8 \xed\xa0\x80",
                                     "the lazy dog",
                                     "  leading and trailing  ",
                                     "\n\n\t\r\x0b\x0c"};
  for (int n = 0; n < 20; ++n) {
    std::string random;
    const auto length = gen.integer(300);
    for (std::int64_t i = 0; i < length; ++i) random += static_cast<char>(gen.integer(256));
    inputs.push_back(random);
  }
  for (const std::string& input : inputs) {
    const std::vector<std::int64_t> ids = bpe.encode(input);
    CHECK(bpe.decode(ids) == input);
    for (std::int64_t id : ids) CHECK((id >= 0 && id < bpe.vocab_size()));
  }
  CHECK(bpe.encode("").empty());
  CHECK(bpe.encode("the lazy dog").size() < std::string("the lazy dog").size());  // it compresses
  CHECK_ERROR(error_of([&] { bpe.decode({280}); }), "token id 280 is outside");
}

TEST_CASE("bpe: training on random bytes ties everywhere and stays deterministic") {
  Generator gen(11);
  std::string bytes;
  for (int i = 0; i < 20000; ++i) bytes += static_cast<char>(gen.integer(256));
  const BPE a = BPE::train(bytes, 270, "random"), b = BPE::train(bytes, 270, "random");
  REQUIRE(a.merges().size() == b.merges().size());
  for (std::size_t i = 0; i < a.merges().size(); ++i) CHECK(a.merges()[i].id == b.merges()[i].id);
  CHECK(a.decode(a.encode(bytes)) == bytes);
}

TEST_CASE("bpe: tokenizer.json is written and read back to the same tokenizer") {
  const BPE bpe = BPE::train(kTenWords, 264, "ten words");
  const std::string text = tokenizer_json(bpe);
  CHECK(text.find("\"type\": \"BPE\"") != std::string::npos);
  CHECK(text.find("\"\xc4\xa0hug\": 260") != std::string::npos);  // a space is 'Ġ' (U+0120)
  CHECK(text.find("\"\xc4\xa0 hug\"") != std::string::npos);      // the merge " " + "hug"
  const BPE back = parse_tokenizer_json(text, "t.json");
  CHECK(back.vocab_size() == 264);
  for (const char* s : {"hug pun bun hugs", "\xff\x00 odd bytes", ""})
    CHECK(back.encode(s) == bpe.encode(s));

  const auto dir = std::filesystem::temp_directory_path() / "tapegrad-tests" / "bpe";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "tokenizer.json").string();
  save_tokenizer_json(path, bpe);
  CHECK(load_tokenizer_json(path).encode("hug pun") == bpe.encode("hug pun"));
  CHECK(tg::testing::leftover_temporaries(path) == 0);

  // The newer form of a merge, ["left", "right"], reads the same.
  std::string pairs = text;
  const std::string merge = "\"\xc4\xa0 hug\"";
  pairs.replace(pairs.find(merge), merge.size(), "[\"\xc4\xa0\", \"hug\"]");
  CHECK(parse_tokenizer_json(pairs, "t.json").encode(" hug") == bpe.encode(" hug"));
}

TEST_CASE("bpe: a damaged tokenizer.json, or another model's, is refused naming file and field") {
  const std::string good = tokenizer_json(BPE::train(kTenWords, 264, "ten words"));
  auto error_with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return error_of([&] { parse_tokenizer_json(text, "dir/tokenizer.json"); });
  };
  CHECK_ERROR(error_of([&] { parse_tokenizer_json(good.substr(0, 100), "dir/tokenizer.json"); }),
              "tokenizer: 'dir/tokenizer.json': json: offset");
  CHECK_ERROR(error_with("\"type\": \"BPE\"", "\"type\": \"WordPiece\""),
              "\"model.type\" is 'WordPiece', not 'BPE'");
  CHECK_ERROR(error_with("\"unk_token\": null", "\"unk_token\": \"<unk>\""),
              "\"model.unk_token\" is set");
  // Every field of the pre-tokenizer changes the ids Hugging Face makes: each is compared.
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"Isolated\"", "\"Removed\""},
           {"\"invert\": false", "\"invert\": true"},
           {"\"add_prefix_space\": false", "\"add_prefix_space\": true"},  // the first: Split's
           {"\"use_regex\": false", "\"use_regex\": true"}})
    CHECK_ERROR(error_with(from, to), "\"pre_tokenizer\" is not tapegrad's");
  CHECK_ERROR(error_with("\"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false",
                         "\"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true"),
              "\"decoder\" is not tapegrad's");
  CHECK_ERROR(error_with("\"post_processor\": null",
                         "\"post_processor\": {\"type\": \"TemplateProcessing\"}"),
              "\"post_processor\" is set");
  CHECK_ERROR(error_with(" ?[A-Za-z]{1,128}", " ?\\\\p{L}+"),
              "\"pre_tokenizer\" is not tapegrad's");
  CHECK_ERROR(error_with("\"\xc4\xa0 hug\"", "\"\xc4\xa0 nothing\""),
              "\"model.merges[4]\" names a token that is not in \"model.vocab\"");
  CHECK_ERROR(error_with("\"\xc4\xa0 hug\"", "17"), "\"model.merges[4]\" must be");
  CHECK_ERROR(error_with("\"\xc4\xa0hug\": 260", "\"\xc4\xa0hug\": 259"),
              "\"model.vocab\" entry 260 must have an id");
  // GPT-2's own vocabulary starts with "!" at id 0: not tapegrad's byte order.
  CHECK_ERROR(error_with("\"\xc4\x80\": 0, \"\xc4\x81\": 1", "\"\xc4\x80\": 1, \"\xc4\x81\": 0"),
              "id 0 must be the byte 0");
  CHECK_ERROR(error_of([] { load_tokenizer_json("/nonexistent/tokenizer.json"); }),
              "cannot open '/nonexistent/tokenizer.json'");
}

TEST_CASE("bpe: the held-out part of each file is never trained on") {
  std::vector<Document> docs = {{"a", std::string(1000, 'a')}, {"b", "0123456789"}, {"c", ""}};
  for (int i = 0; i < 1000; ++i) docs[0].text[static_cast<std::size_t>(i)] = "abcdefgh"[i % 7];
  const Split split = split_documents(docs, 0.1);
  REQUIRE(split.train.size() == 3);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    CHECK(split.train[i] + split.val[i] == docs[i].text);  // each byte in exactly one part
    CHECK(split.val[i].size() == docs[i].text.size() / 10);
  }
  CHECK(split.val[1] == "9");
  // Every training window of tokens lies inside the training part's ids, and those are exactly
  // the encoding of the training parts, file by file: no held-out token among them.
  auto bpe = std::make_shared<BPE>(BPE::train(joined(split.train), 260, "docs"));
  const BPETask train(bpe, split.train, 8, "docs", "training part");
  std::vector<std::int64_t> expected;
  for (const std::string& part : split.train) {
    const auto ids = bpe->encode(part);
    expected.insert(expected.end(), ids.begin(), ids.end());
  }
  CHECK(train.ids() == expected);
  CHECK(bpe->decode(train.ids()) == joined(split.train));
  Generator gen(1);
  const tasks::Batch b = train.sample(64, gen);
  for (std::int64_t n = 0; n < 64; ++n) {
    const std::vector<std::int64_t> window(b.x.begin() + n * 8, b.x.begin() + n * 8 + 8);
    CHECK(std::search(expected.begin(), expected.end(), window.begin(), window.end()) !=
          expected.end());
  }
  CHECK_ERROR(error_of([&] { split_documents(docs, 0); }), "--val-fraction");
  CHECK_ERROR(error_of([&] { split_documents(docs, 0.6); }), "(0, 0.5]");
  CHECK_ERROR(error_of([&] { BPETask(bpe, split.val, 200, "docs", "held-out part"); }),
              "the held-out part of 'docs' is");
}

TEST_CASE("bpe: a folder is read file by file in name order, links to files read skipped") {
  const auto dir = std::filesystem::temp_directory_path() / "tapegrad-tests" / "documents";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "b.txt") << "second";
  std::ofstream(dir / "a.txt") << "first";
  std::ofstream(dir / ".hidden") << "never";
  std::filesystem::create_symlink(dir / "a.txt", dir / "c-link");
  std::vector<std::string> skipped;
  const std::vector<Document> docs = read_documents(dir.string(), &skipped);
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "first");
  CHECK(docs[1].text == "second");
  CHECK(skipped.size() == 3);  // .hidden, c-link, sub
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  CHECK_ERROR(error_of([&] { read_documents(dir.string()); }), "holds no file to read");
}

TEST_CASE("bytes_to_unicode is GPT-2's byte map: every byte string round-trips through JSON") {
  CHECK(bytes_to_unicode("a!~") == "a!~");                      // printable ASCII: itself
  CHECK(bytes_to_unicode(" ") == "\xc4\xa0");                   // space: U+0120 'Ġ'
  CHECK(bytes_to_unicode(std::string(1, '\0')) == "\xc4\x80");  // 0x00: U+0100
  CHECK(bytes_to_unicode("\n") == "\xc4\x8a");                  // 0x0A: U+010A 'Ċ'
  CHECK(bytes_to_unicode("\x7f") == "\xc4\xa1");                // 0x7F: U+0121
  CHECK(bytes_to_unicode("\xad") == "\xc5\x83");                // 0xAD: U+0143, the last
  CHECK(bytes_to_unicode("\xe9") == "\xc3\xa9");                // 0xE9: itself, U+00E9 'é'
  std::string every;
  for (int b = 0; b < 256; ++b) every += static_cast<char>(b);
  const std::string mapped = bytes_to_unicode(every);
  CHECK(json::invalid_utf8_at(mapped) == std::string::npos);
  CHECK(unicode_to_bytes(json::parse(json::quote(mapped)).string) == every);
  CHECK(unicode_to_bytes("") == "");
  CHECK_ERROR(error_of([] { unicode_to_bytes("\xe6\x9d\xb1"); }),
              "not a character of the byte map");
}
