// The linear-time regex engine (core/src/detail/regex.hpp).
//
// Why tests/vectors/regex.json exists: its 6,000 match / no-match answers come from Python's `re`
// (an independent engine) through tests/vectors/gen/gen_regex.py, never from rollgate. A row that
// fails here means the engine disagrees with the reference on that pattern and input. Regenerate:
//   /usr/bin/python3 tests/vectors/gen/gen_regex.py > tests/vectors/regex.json
// The linear bound is asserted by counting VM steps, not by timing (performance lives in
// tests/bench/native/regex_bench.cpp).
#include <gtest/gtest.h>

#include <string>

#include "detail/regex.hpp"
#include "test_support.hpp"

namespace {

using rollgate::detail::regex;
using rollgate::detail::regex_error;
using rollgate::detail::regex_options;

regex_options options_of(const std::string& flags) {
  regex_options o;
  o.case_insensitive = flags.find('i') != std::string::npos;
  o.multiline = flags.find('m') != std::string::npos;
  o.dot_all = flags.find('s') != std::string::npos;
  return o;
}

regex must_compile(const std::string& pattern, const regex_options& o = {}) {
  regex_error e;
  auto r = regex::compile(pattern, o, &e);
  EXPECT_TRUE(r.has_value()) << pattern << ": [" << e.offset << "] " << e.message;
  return r ? std::move(*r) : *regex::compile("a^");
}

bool matches(const std::string& pattern, const std::string& input, const regex_options& o = {}) {
  return must_compile(pattern, o).search(input) == regex::result::match;
}

TEST(Regex, AgreesWithPythonReOnEveryVector) {
  const auto v = rollgate::test::load_vectors("regex.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  const auto& cases = v.at("cases");
  ASSERT_GE(cases.size(), 5000u);
  std::size_t checked = 0;
  std::size_t matched = 0;
  rollgate::detail::regex_scratch scratch;
  for (const auto& c : cases) {
    const std::string pattern = c.at("pattern");
    const std::string input = c.at("input");
    const std::string flags = c.at("flags");
    regex_error e;
    const auto r = regex::compile(pattern, options_of(flags), &e);
    ASSERT_TRUE(r) << pattern << " (" << flags << "): [" << e.offset << "] " << e.message;
    std::uint64_t steps = 0;
    const bool got = r->search(input, scratch, &steps) == regex::result::match;
    EXPECT_EQ(got, c.at("match").get<bool>())
        << "pattern " << pattern << " flags '" << flags << "' input '" << input << "'";
    EXPECT_LE(steps, 2 * r->program_size() * (input.size() + 1));
    matched += got ? 1 : 0;
    ++checked;
  }
  EXPECT_EQ(checked, cases.size());
  EXPECT_GT(matched, checked / 5);  // both answers are well represented
  EXPECT_LT(matched, checked - checked / 5);
}

TEST(Regex, RefusesUnsupportedSyntaxWithItsOffset) {
  const auto v = rollgate::test::load_vectors("regex.json");
  const auto& errors = v.at("errors");
  ASSERT_GE(errors.size(), 30u);
  for (const auto& c : errors) {
    const std::string pattern = c.at("pattern");
    regex_error e;
    EXPECT_FALSE(regex::compile(pattern, {}, &e)) << c.at("why").get<std::string>();
    EXPECT_EQ(e.offset, c.at("offset").get<std::size_t>())
        << c.at("why").get<std::string>() << ": " << e.message;
    EXPECT_FALSE(e.message.empty());
  }
}

TEST(Regex, ErrorMessagesNameTheProblem) {
  regex_error e;
  EXPECT_FALSE(regex::compile("(a)\\1", {}, &e));
  EXPECT_NE(e.message.find("backreference"), std::string::npos) << e.message;
  EXPECT_FALSE(regex::compile("a(?=b)", {}, &e));
  EXPECT_NE(e.message.find("lookaround"), std::string::npos) << e.message;
  EXPECT_FALSE(regex::compile("a{2000}", {}, &e));
  EXPECT_NE(e.message.find("1000"), std::string::npos) << e.message;
}

// The regex cases of Unleash's client specification (Unleash/client-specification,
// specifications/21-regex-constraint-operators.json), whose patterns use RE2 syntax. The
// lookahead and backreference features there are refused at compile time here (the spec says
// they must never enable).
TEST(Regex, UnleashClientSpecificationCases) {
  struct row {
    const char* pattern;
    bool icase;
    const char* input;
    bool expected;
  };
  const row rows[] = {
      {"^[^@]+@[^@]+$", false, "test@example.com", true},
      {"^[^@]+@[^@]+$", false, "not-an-email", false},
      {"^user\\d{3}$", false, "user123", true},
      {"^user\\d{3}$", false, "user12", false},
      {"^[[:alpha:]]+$", false, "AlphaBeta", true},
      {"^[[:alpha:]]+$", false, "Alpha1", false},
      {"\\bcat\\b", false, "a cat b", true},
      {"\\bcat\\b", false, "concatenate", false},
      {"^(foo|fo)$", false, "foo", true},
      {"^(foo|fo)$", false, "fo", true},
      {"^(foo|fo)$", false, "f", false},
      {"^(ab)?c$", false, "abc", true},
      {"^(ab)?c$", false, "c", true},
      {"^(ab)?c$", false, "ac", false},
      {"^a{2,4}$", false, "aaaa", true},
      {"^a{2,4}$", false, "a", false},
      {"^a{2,4}$", false, "aaaaa", false},
      {"^a.*?b$", false, "a___b___b", true},
      {"^a.*?b$", false, "a___b___c", false},
      {"^(?i)abc$", false, "AbC", true},
      {"^(?i)abc$", false, "zAbCz", false},
      {"^abc$", true, "AbC", true},
      {"^cat$", false, "Cat", false},
      {"^cat$", false, "cat", true},
      {"(?m)^foo$", false, "x\nfoo\ny", true},
      {"(?m)^foo$", false, "x\nfo\ny", false},
      {"^(?s)a.b$", false, "a\nb", true},
  };
  for (const auto& r : rows) {
    regex_options o;
    o.case_insensitive = r.icase;
    EXPECT_EQ(matches(r.pattern, r.input, o), r.expected) << r.pattern << " on " << r.input;
  }
  EXPECT_FALSE(regex::compile("(regex"));
  EXPECT_FALSE(regex::compile("^(?=a)b$"));
  EXPECT_FALSE(regex::compile("^(a)\\1$"));
}

TEST(Regex, ReadsUtf8AsCodePoints) {
  EXPECT_TRUE(matches("^.$", "\xC3\xA9"));          // é, two bytes, one code point
  EXPECT_TRUE(matches("^.$", "\xF0\x9F\x98\x80"));  // an emoji, four bytes
  EXPECT_FALSE(matches("^.$", "ab"));
  EXPECT_TRUE(matches("^[^a]$", "\xE6\x97\xA5"));  // 日
  EXPECT_TRUE(matches("^[\xC3\xA9-\xE6\x97\xA5]+$", "\xC3\xA9\xE6\x97\xA5"));
  EXPECT_TRUE(matches("^\\x{1F600}$", "\xF0\x9F\x98\x80"));
  EXPECT_TRUE(matches("^\\u00e9$", "\xC3\xA9"));
  // Malformed bytes read as U+FFFD, one per maximal subpart (as TextDecoder does).
  EXPECT_TRUE(matches("^.$", "\xFF"));
  EXPECT_TRUE(matches("^\\uFFFD$", "\xE2\x82"));
  EXPECT_TRUE(matches("^..$",
                      "\xE2\x82"
                      "a"));
  EXPECT_FALSE(regex::compile("\xFF"));  // a malformed pattern is refused
}

TEST(Regex, CaseFoldingIsAsciiOnly) {
  regex_options i;
  i.case_insensitive = true;
  EXPECT_TRUE(matches("^abc$", "ABC", i));
  EXPECT_TRUE(matches("^[a-c]+$", "CbA", i));
  EXPECT_FALSE(matches("^[^a]$", "A", i));
  EXPECT_FALSE(matches("^\xC3\xA9$", "\xC3\x89", i));  // é does not fold to É
  // An inline (?i) lasts to the end of its group, across later alternatives (as in RE2).
  EXPECT_TRUE(matches("^(?:a(?i)b|c)$", "C"));
  EXPECT_FALSE(matches("^(?:a(?i)b|c)$", "Ab"));
  EXPECT_TRUE(matches("^(?i:a)b$", "Ab"));
  EXPECT_FALSE(matches("^(?i:a)b$", "AB"));
  EXPECT_FALSE(matches("^(?-i:a)$", "A", i));
}

TEST(Regex, AnchorsAndBoundaries) {
  EXPECT_FALSE(matches("a$", "a\n"));  // `$` is the very end (not Python's before-final-newline)
  EXPECT_TRUE(matches("a$", "ba"));
  EXPECT_TRUE(matches("\\Bb", "ab"));
  EXPECT_FALSE(matches("\\bb", "ab"));
  EXPECT_FALSE(matches("\\b\xC3\xA9", "\xC3\xA9"));  // é is not a word character: no edge
  EXPECT_TRUE(matches("\\B", ""));  // RE2 and JavaScript agree; Python 3.11 says no
  EXPECT_TRUE(matches("a\\b\xC3\xA9", "a\xC3\xA9"));
  EXPECT_TRUE(matches("", ""));
  EXPECT_TRUE(matches("^$", ""));
  EXPECT_TRUE(matches("x*", "yyy"));  // the empty match counts
}

TEST(Regex, QuantifiersExpandWithinTheBound) {
  EXPECT_TRUE(matches("^(?:ab){3}$", "ababab"));
  EXPECT_FALSE(matches("^(?:ab){3}$", "abab"));
  EXPECT_TRUE(matches("^a{2,}$", "aaaaaaa"));
  EXPECT_TRUE(matches("^a{0}b$", "b"));
  EXPECT_TRUE(matches("^a{1000}$", std::string(1000, 'a')));
  EXPECT_FALSE(matches("^a{1000}$", std::string(999, 'a')));
  EXPECT_TRUE(matches("a{,", "a{,"));  // not a quantifier: literal, as in every engine
  EXPECT_TRUE(matches("^x{a}$", "x{a}"));
  const auto r = must_compile("(?:a{1000}){4}");
  EXPECT_LE(r.program_size(), rollgate::detail::kRegexMaxProgram);
}

// Pathological patterns: a backtracking engine takes exponential (or quadratic) time on them.
// The Pike VM's steps must stay within 2 x program size x (input + 1), and grow linearly.
TEST(Regex, PathologicalPatternsRunInLinearSteps) {
  for (const char* pattern :
       {"(a*)*b", "(a|a)*b", "(a|aa)+$", "(a|aa)+b", "(?:a+)+$", "(x+x+)+y", "^(a?){50}a{50}$"}) {
    const auto r = must_compile(pattern);
    std::uint64_t small = 0;
    std::uint64_t large = 0;
    const std::string a10k(10000, 'a');
    const std::string a100k(100000, 'a');
    r.search(a10k, &small);
    const auto result = r.search(a100k, &large);
    EXPECT_NE(result, regex::result::input_too_long);
    EXPECT_LE(large, 2 * r.program_size() * (a100k.size() + 1)) << pattern;
    EXPECT_LE(static_cast<double>(large), 10.5 * static_cast<double>(small)) << pattern;
    EXPECT_GT(large, 0u);
  }
  // And the answers are right: no 'b' anywhere, but "(a|aa)+$" matches.
  EXPECT_FALSE(matches("(a*)*b", std::string(100000, 'a')));
  EXPECT_TRUE(matches("(a|aa)+$", std::string(100000, 'a')));
}

TEST(Regex, AnchoredPatternsStopEarlyAndPrefilterSkips) {
  const auto anchored = must_compile("^ab");
  std::uint64_t steps = 0;
  EXPECT_EQ(anchored.search(std::string(100000, 'b'), &steps), regex::result::no_match);
  EXPECT_LT(steps, 10u);
  const auto literal = must_compile("needle");
  EXPECT_EQ(literal.search(std::string(50000, 'x') + "needle", &steps), regex::result::match);
  EXPECT_LT(steps, 50000u + 100u);  // one step per skipped character, then the match
}

TEST(Regex, InputAboveTheBoundIsReportedNotGuessed) {
  const auto r = must_compile("a");
  const std::string big(rollgate::detail::kRegexMaxInputBytes + 1, 'a');
  EXPECT_EQ(r.search(big), regex::result::input_too_long);
  EXPECT_EQ(r.search(big.substr(1)), regex::result::match);
}

TEST(Regex, PreparedScratchIsReusedAcrossPrograms) {
  rollgate::detail::regex_scratch scratch;
  const auto big = must_compile("(?:a|b){100}c");
  const auto small = must_compile("c$");
  scratch.reserve(big.program_size());
  EXPECT_EQ(small.search("abc", scratch), regex::result::match);
  EXPECT_EQ(big.search(std::string(100, 'a') + "c", scratch), regex::result::match);
  EXPECT_EQ(small.search("abcd", scratch), regex::result::no_match);
}

}  // namespace
