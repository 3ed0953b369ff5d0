// examples/corpus.cpp — see corpus.hpp.
#include "corpus.hpp"

#include <vector>

#include "core/random.hpp"

namespace tg::corpus {

namespace {

const std::vector<std::string> kNouns = {"cat",    "dog", "bird", "friend", "teacher", "child",
                                         "farmer", "box", "ball", "tree",   "river",   "house"};
const std::vector<std::string> kAdjectives = {"old", "red", "small", "happy", "green", "quiet"};
const std::vector<std::string> kVerbs = {"see", "like", "find", "carry", "watch", "follow"};
const std::vector<std::string> kAdverbs = {"today", "again", "slowly", "at night", "every day"};
const std::vector<std::string> kNumbers = {"zero", "one",    "two",   "three", "four",
                                           "five", "six",    "seven", "eight", "nine",
                                           "ten",  "eleven", "twelve"};

const std::string& pick(const std::vector<std::string>& words, Generator& gen) {
  return words[static_cast<std::size_t>(gen.integer(static_cast<std::int64_t>(words.size())))];
}

std::string plural(const std::string& noun) {
  if (noun == "child") return "children";
  if (noun.back() == 'x' || noun.back() == 's') return noun + "es";
  return noun + "s";
}

// "the old cat", "an old cat" or "two red boxes"; sets `many` to whether the phrase is plural.
std::string noun_phrase(Generator& gen, bool& many) {
  many = gen.uniform() < 0.4;
  std::string article = many ? pick({"two", "three", "some", "the", "many"}, gen)
                             : pick({"the", "a", "my", "this"}, gen);
  std::string rest = gen.uniform() < 0.5 ? pick(kAdjectives, gen) + " " : "";
  const std::string& noun = pick(kNouns, gen);
  rest += many ? plural(noun) : noun;
  if (article == "a" && std::string("aeiou").find(rest[0]) != std::string::npos) article = "an";
  return article + " " + rest;
}

std::string sentence(Generator& gen) {
  if (gen.uniform() < 0.25) {  // a sum, in words: "three plus four is seven."
    const std::int64_t a = gen.integer(7), b = gen.integer(7);
    return kNumbers[static_cast<std::size_t>(a)] + " plus " +
           kNumbers[static_cast<std::size_t>(b)] + " is " +
           kNumbers[static_cast<std::size_t>(a + b)] + ".";
  }
  bool many = false, unused = false;
  std::string s = noun_phrase(gen, many);
  const std::string& verb = pick(kVerbs, gen);
  s += " " +
       (many ? verb
             : (verb == "carry" ? std::string("carries") : verb + (verb == "watch" ? "es" : "s")));
  s += " " + noun_phrase(gen, unused);
  if (gen.uniform() < 0.4) s += " " + pick(kAdverbs, gen);
  return s + ".";
}

}  // namespace

std::string generate(std::int64_t chars, std::uint64_t seed) {
  Generator gen(seed);
  std::string text;
  while (static_cast<std::int64_t>(text.size()) < chars) {
    text += sentence(gen);
    text += gen.uniform() < 0.2 ? "\n" : " ";
  }
  return text;
}

}  // namespace tg::corpus
