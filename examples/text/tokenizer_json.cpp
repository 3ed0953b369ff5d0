// examples/text/tokenizer_json.cpp — see tokenizer_json.hpp.
#include "text/tokenizer_json.hpp"

#include <map>

#include "core/error.hpp"
#include "core/formats/file_io.hpp"
#include "core/formats/json.hpp"
#include "text/byte_map.hpp"

namespace tg::text {

namespace {

using Kind = json::Value::Kind;

const char* const kByteLevel =
    "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, "
    "\"use_regex\": false}";

// A member that must be there, of the given kind; `where` names it in the error ("model.vocab").
const json::Value& member(const json::Value& obj, const std::string& key, Kind kind,
                          const std::string& where, const std::string& path) {
  const json::Value* v = obj.find(key);
  if (!v || !v->is(kind))
    fail("tokenizer", "'", path, "': \"", where, "\" is missing or of the wrong type");
  return *v;
}

// A member that must be absent, null, false or empty: a feature tapegrad's tokenizer does not
// have, so a file that uses it would give other ids.
void unused(const json::Value& obj, const std::string& key, const std::string& where,
            const std::string& path) {
  const json::Value* v = obj.find(key);
  if (!v || v->is(Kind::Null) || (v->is(Kind::Bool) && !v->boolean) ||
      (v->is(Kind::Array) && v->array.empty()))
    return;
  fail("tokenizer", "'", path, "': \"", where,
       "\" is set; tapegrad's byte-level BPE has none (a tokenizer of another model?)");
}

std::string text_of(const json::Value* v) {
  return v && v->is(Kind::String) ? v->string : "";
}

// Whether two JSON values are the same: kinds, numbers, strings and members alike (members in
// any order).
bool same(const json::Value& a, const json::Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::Null:
      return true;
    case Kind::Bool:
      return a.boolean == b.boolean;
    case Kind::Number:
      return a.number == b.number;
    case Kind::String:
      return a.string == b.string;
    case Kind::Array:
      if (a.array.size() != b.array.size()) return false;
      for (std::size_t i = 0; i < a.array.size(); ++i)
        if (!same(a.array[i], b.array[i])) return false;
      return true;
    case Kind::Object:
      if (a.keys.size() != b.keys.size()) return false;
      for (std::size_t i = 0; i < a.keys.size(); ++i) {
        const json::Value* other = b.find(a.keys[i]);
        if (!other || !same(a.values[i], *other)) return false;
      }
      return true;
  }
  return false;
}

// The pre-tokenizer tapegrad writes: every field of it decides the chunks (a prefix space, a
// Split that removes the matches or inverts them, a ByteLevel that splits again), so a file
// must hold exactly this one.
std::string pre_tokenizer_json() {
  return "{\"type\": \"Sequence\", \"pretokenizers\": [\n    {\"type\": \"Split\", \"pattern\": "
         "{\"Regex\": " +
         json::quote(kSplitPattern) + "}, \"behavior\": \"Isolated\", \"invert\": false},\n    " +
         kByteLevel + "]}";
}

}  // namespace

std::string tokenizer_json(const BPE& bpe) {
  std::string j =
      "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n"
      "  \"added_tokens\": [],\n  \"normalizer\": null,\n";
  j += "  \"pre_tokenizer\": " + pre_tokenizer_json() + ",\n";
  j += "  \"post_processor\": null,\n";
  j += std::string("  \"decoder\": ") + kByteLevel + ",\n";
  j += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
       "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
       "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"vocab\": {";
  for (std::int64_t id = 0; id < bpe.vocab_size(); ++id)
    j += std::string(id ? ", " : "") + (id % 8 == 0 ? "\n      " : "") +
         json::quote(text::bytes_to_unicode(bpe.token_bytes(id))) + ": " + std::to_string(id);
  j += "\n    },\n    \"merges\": [";
  const std::vector<Merge>& merges = bpe.merges();
  for (std::size_t i = 0; i < merges.size(); ++i)
    j += std::string(i ? "," : "") + "\n      " +
         json::quote(text::bytes_to_unicode(bpe.token_bytes(merges[i].left)) + " " +
                     text::bytes_to_unicode(bpe.token_bytes(merges[i].right)));
  j += "\n    ]\n  }\n}\n";
  return j;
}

void save_tokenizer_json(const std::string& path, const BPE& bpe) {
  write_file_atomically(path, tokenizer_json(bpe));
}

BPE parse_tokenizer_json(const std::string& text, const std::string& path) {
  json::Value root;
  try {
    root = json::parse(text);  // its errors give the byte offset
  } catch (const Error& e) {
    fail("tokenizer", "'", path, "': ", e.what());
  }
  if (!root.is(Kind::Object)) fail("tokenizer", "'", path, "' is not a JSON object");
  const json::Value& model = member(root, "model", Kind::Object, "model", path);
  if (const json::Value* type = model.find("type"); !type || text_of(type) != "BPE")
    fail("tokenizer", "'", path, "': \"model.type\" is '", text_of(type),
         "', not 'BPE' (a tokenizer of another kind)");
  for (const char* key :
       {"unk_token", "continuing_subword_prefix", "end_of_word_suffix", "dropout", "byte_fallback"})
    unused(model, key, std::string("model.") + key, path);
  unused(root, "normalizer", "normalizer", path);
  unused(root, "added_tokens", "added_tokens", path);
  // The pre-tokenizer decides the chunks, the decoder the text of the ids, a post-processor
  // adds ids of its own: any other than tapegrad's would give other ids or another text.
  const json::Value* pre = root.find("pre_tokenizer");
  if (!pre || !same(*pre, json::parse(pre_tokenizer_json())))
    fail("tokenizer", "'", path,
         "': \"pre_tokenizer\" is not tapegrad's (a Split by its pattern, Isolated, not "
         "inverted, then ByteLevel without a prefix space or a regex of its own): the text "
         "would be cut into other chunks");
  const json::Value* decoder = root.find("decoder");
  if (!decoder || !same(*decoder, json::parse(kByteLevel)))
    fail("tokenizer", "'", path,
         "': \"decoder\" is not tapegrad's (ByteLevel without a prefix space): the ids would "
         "decode to another text");
  const json::Value* post = root.find("post_processor");
  if (post && !post->is(Kind::Null) && !same(*post, json::parse(kByteLevel)))
    fail("tokenizer", "'", path,
         "': \"post_processor\" is set; it would add ids of its own (a tokenizer of another "
         "model?)");
  unused(model, "ignore_merges", "model.ignore_merges", path);

  // The vocabulary: token string -> id, every id 0..V-1 once; 0..255 the bytes in byte order.
  const json::Value& vocab = member(model, "vocab", Kind::Object, "model.vocab", path);
  const std::size_t V = vocab.keys.size();
  if (V < 256 || V > (1u << 20))
    fail("tokenizer", "'", path, "': \"model.vocab\" has ", V, " tokens; 256..", 1 << 20,
         " expected");
  std::vector<std::string> tokens(V);
  std::vector<bool> seen(V, false);
  std::map<std::string, std::int64_t> id_of;
  for (std::size_t i = 0; i < V; ++i) {
    const json::Value& v = vocab.values[i];
    if (!v.is(Kind::Number) || v.number < 0 || v.number >= static_cast<double>(V) ||
        v.number != static_cast<double>(static_cast<std::int64_t>(v.number)) ||
        seen[static_cast<std::size_t>(v.number)])
      fail("tokenizer", "'", path, "': \"model.vocab\" entry ", i, " must have an id in 0..", V - 1,
           " that no other token has");
    const auto id = static_cast<std::size_t>(v.number);
    seen[id] = true;
    try {
      tokens[id] = text::unicode_to_bytes(vocab.keys[i]);
    } catch (const Error& e) {
      fail("tokenizer", "'", path, "': \"model.vocab\" entry ", i, ": ", e.what());
    }
    id_of[tokens[id]] = static_cast<std::int64_t>(id);
  }
  for (std::size_t b = 0; b < 256; ++b)
    if (tokens[b] != std::string(1, static_cast<char>(b)))
      fail("tokenizer", "'", path, "': \"model.vocab\": id ", b, " must be the byte ", b,
           " (tapegrad's ids 0..255 are the bytes in order; a tokenizer of another model?)");

  // The merges, in rank order: "left right" or ["left", "right"].
  const json::Value& merges = member(model, "merges", Kind::Array, "model.merges", path);
  std::vector<Merge> learned;
  for (std::size_t i = 0; i < merges.array.size(); ++i) {
    const json::Value& m = merges.array[i];
    std::string left, right;
    if (m.is(Kind::String) && m.string.find(' ') != std::string::npos &&
        m.string.find(' ') == m.string.rfind(' ')) {
      left = m.string.substr(0, m.string.find(' '));
      right = m.string.substr(m.string.find(' ') + 1);
    } else if (m.is(Kind::Array) && m.array.size() == 2 && m.array[0].is(Kind::String) &&
               m.array[1].is(Kind::String)) {
      left = m.array[0].string, right = m.array[1].string;
    } else {
      fail("tokenizer", "'", path, "': \"model.merges[", i,
           "]\" must be \"left right\" or [\"left\", \"right\"]");
    }
    try {
      left = text::unicode_to_bytes(left), right = text::unicode_to_bytes(right);
    } catch (const Error& e) {
      fail("tokenizer", "'", path, "': \"model.merges[", i, "]\": ", e.what());
    }
    const auto a = id_of.find(left), b = id_of.find(right), c = id_of.find(left + right);
    if (a == id_of.end() || b == id_of.end() || c == id_of.end())
      fail("tokenizer", "'", path, "': \"model.merges[", i,
           "]\" names a token that is not in \"model.vocab\"");
    learned.push_back({a->second, b->second, c->second});
  }
  BPE bpe;
  try {
    bpe = BPE(learned);
  } catch (const Error& e) {
    fail("tokenizer", "'", path, "': \"model.merges\": ", e.what(),
         " (tapegrad numbers new tokens in the order merges make them)");
  }
  if (bpe.vocab_size() != static_cast<std::int64_t>(V))
    fail("tokenizer", "'", path, "': the merges make ", bpe.vocab_size(),
         " tokens but \"model.vocab\" has ", V);
  return bpe;
}

BPE load_tokenizer_json(const std::string& path) {
  return parse_tokenizer_json(read_file(path, kMaxTokenizerJsonBytes, "tokenizer"), path);
}

}  // namespace tg::text
