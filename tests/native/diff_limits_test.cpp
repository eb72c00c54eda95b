// Bounds: the cap on listed differences, value truncation, and hostile input (deep nesting,
// 50 MB documents, more than the 64 MB limit). Nothing may crash, recurse without bound or
// return an unbounded result.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace {

std::string many_fields(int n, int value) {
  std::string s = "{";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    s += "\"k" + std::to_string(100000 + i) + "\":" + std::to_string(value);
  }
  return s + "}";
}

TEST(DiffLimits, DefaultCapListsOneThousandAndCountsTheRest) {
  const auto r = rollgate::diff_json(many_fields(2500, 1), many_fields(2500, 2));
  EXPECT_EQ(r.differences.size(), 1000u);
  EXPECT_EQ(r.omitted, 1500u);
  EXPECT_EQ(r.total(), 2500u);
  EXPECT_EQ(r.differences.back().path, "/k100999");
  const auto printed = nlohmann::json::parse(rollgate::diff_result_to_json(r));
  EXPECT_EQ(printed["omitted"], 1500);
  EXPECT_EQ(printed["differences"].size(), 1000u);
}

TEST(DiffLimits, ExplicitCapOfOne) {
  rollgate::diff_options o;
  o.max_differences = 1;
  const auto r = rollgate::diff_json("[1,2,3]", "[4,5,6,7]", o);
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].kind, rollgate::difference_kind::array_length_changed);
  EXPECT_EQ(r.omitted, 3u);
}

TEST(DiffLimits, LongValuesAreTruncatedToValidJsonStrings) {
  rollgate::diff_options o;
  o.max_value_length = 16;
  const std::string big = "\"" + std::string(40, 'x') + "\"";
  auto r = rollgate::diff_json("[" + big + "]", "[\"short\"]", o);
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_TRUE(r.differences[0].truncated);
  // The first 16 bytes of the text "\"xxx..." then "...", as a JSON string.
  EXPECT_EQ(r.differences[0].old_value, R"("\"xxxxxxxxxxxxxxx...")");
  EXPECT_EQ(r.differences[0].new_value, R"("short")");
  // A cut never splits a UTF-8 sequence: "é" is two bytes.
  r = rollgate::diff_json("[\"" + std::string(14, 'a') + "\xC3\xA9\xC3\xA9\"]", "[1]", o);
  EXPECT_EQ(r.differences[0].old_value, "\"\\\"" + std::string(14, 'a') + "...\"");
  EXPECT_NO_THROW(nlohmann::json::parse(rollgate::diff_result_to_json(r)));
  // Escapes count in the text's length: the cut is on the rendered text, not on the string.
  const std::string escaped(40, '\n');
  const std::string full_text = nlohmann::json(escaped).dump();  // "\n\n... : 82 bytes
  r = rollgate::diff_json(nlohmann::json::array({escaped}).dump(), "[1]", o);
  EXPECT_EQ(r.differences[0].old_value, nlohmann::json(full_text.substr(0, 16) + "...").dump());
}

TEST(DiffLimits, TenThousandDeepIsAClearError) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  try {
    rollgate::diff_json(deep, "[]");
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.json.102] old document nests arrays/objects deeper than the limit of "
                 "256 levels");
  }
  const std::string deep_objects = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "{\"a\":";
    s += "1";
    return s + std::string(10000, '}');
  }();
  try {
    rollgate::diff_json("{}", deep_objects);
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.json.102] new document nests arrays/objects deeper than the limit of "
                 "256 levels");
  }
}

TEST(DiffLimits, DeepestAcceptedNestingIsWalkedWithoutRecursion) {
  // 256 levels is the parser's limit; the walk uses its own stack either way.
  const std::string a = std::string(255, '[') + "1" + std::string(255, ']');
  const std::string b = std::string(255, '[') + "2" + std::string(255, ']');
  const auto r = rollgate::diff_json(a, b);
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].path.size(), 2u * 255);  // "/0" for each of the 255 arrays
}

TEST(DiffLimits, FiftyMegabyteDocumentsGiveABoundedResult) {
  // 50 MB: one large string plus 200,000 small array elements, all different.
  std::string a = "{\"blob\":\"" + std::string(49u << 20, 'a') + "\",\"xs\":[";
  std::string b = "{\"blob\":\"" + std::string(49u << 20, 'b') + "\",\"xs\":[";
  for (int i = 0; i < 200000; ++i) {
    if (i) {
      a += ',';
      b += ',';
    }
    a += std::to_string(i);
    b += std::to_string(i + 1);
  }
  a += "]}";
  b += "]}";
  ASSERT_GT(a.size(), 50u << 20);
  const auto r = rollgate::diff_json(a, b);
  EXPECT_EQ(r.differences.size(), 1000u);
  EXPECT_EQ(r.omitted, 200001u - 1000u);
  EXPECT_EQ(r.differences[0].path, "/blob");
  EXPECT_TRUE(r.differences[0].truncated);
  EXPECT_LE(r.differences[0].old_value.size(), 1024u + 16u);
}

TEST(DiffLimits, MoreThanSixtyFourMegabytesIsRejectedBeforeParsing) {
  const std::string huge = "\"" + std::string((64u << 20) + 1, 'x') + "\"";
  try {
    rollgate::diff_json("1", huge);
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.json.103] new document is 67108867 bytes, more than the limit of "
                 "67108864 bytes");
  }
}

}  // namespace
