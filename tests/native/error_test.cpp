// rollgate::error and the JSON input guard that every loader shares.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detail/json_input.hpp"
#include "rollgate/error.hpp"
#include "rollgate/version.hpp"

namespace {

TEST(Version, LibraryMatchesHeadersAndProject) {
  EXPECT_STREQ(rollgate::version(), ROLLGATE_VERSION_STRING);
  EXPECT_STREQ(rollgate::version(), ROLLGATE_PROJECT_VERSION);
}

TEST(Error, MessageHasIdPointerAndText) {
  const rollgate::error e("rollgate.config.204", "/flags/3/weights", "weights sum to 9");
  EXPECT_STREQ(e.what(), "[rollgate.config.204] /flags/3/weights: weights sum to 9");
  EXPECT_EQ(e.code(), "rollgate.config.204");
  EXPECT_EQ(e.pointer(), "/flags/3/weights");
  EXPECT_EQ(e.message(), "weights sum to 9");
}

TEST(Error, EmptyPointerIsOmittedAndExtraProblemsCounted) {
  const rollgate::error e(
      {{"rollgate.json.101", "", "bad"}, {"a.b.1", "/x", "y"}, {"a.b.2", "/z", "w"}});
  EXPECT_STREQ(e.what(), "[rollgate.json.101] bad (and 2 more problems)");
  ASSERT_EQ(e.problems().size(), 3u);
  EXPECT_EQ(e.problems()[2].to_string(), "[a.b.2] /z: w");
}

// The one JSON escaper of rollgate (json_quote), and the JSON of problems and errors that the
// bindings hand to JavaScript (wasm/bindings/common.cpp) and tools print.
TEST(JsonQuote, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(rollgate::json_quote(""), R"("")");
  EXPECT_EQ(rollgate::json_quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(rollgate::json_quote("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(rollgate::json_quote(std::string("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(rollgate::json_quote("caf\xc3\xa9 / \x7f"), "\"caf\xc3\xa9 / \x7f\"");  // copied as is
  // Every byte below 0x20 round-trips through a JSON parser.
  std::string all;
  for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
  EXPECT_EQ(rollgate::detail::parse_json(rollgate::json_quote(all), "x").get<std::string>(), all);
}

TEST(ErrorJson, ProblemsAndErrorsAsJson) {
  const rollgate::problem p{"rollgate.config.204", "/flags/0/\"w\"", "sum is 9"};
  EXPECT_EQ(p.to_json(),
            R"({"code":"rollgate.config.204","pointer":"/flags/0/\"w\"","message":"sum is 9"})");
  EXPECT_EQ(rollgate::to_json(std::vector<rollgate::problem>{}), "[]");
  EXPECT_EQ(rollgate::to_json({p, p}), "[" + p.to_json() + "," + p.to_json() + "]");
  const rollgate::error e({{"a.b.1", "", "first"}, {"a.b.2", "/x", "second"}});
  EXPECT_EQ(e.to_json(),
            R"j({"code":"a.b.1","pointer":"","message":"first","what":"[a.b.1] first (and 1 more )j"
            R"j(problem)","problems":[{"code":"a.b.1","pointer":"","message":"first"},)j"
            R"j({"code":"a.b.2","pointer":"/x","message":"second"}]})j");
  EXPECT_NO_THROW(rollgate::detail::parse_json(e.to_json(), "error"));
}

TEST(JsonInput, SyntaxErrorNamesByteOffset) {
  try {
    rollgate::detail::parse_json(R"({"a": [1, 2,, 3]})", "config");
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.code(), "rollgate.json.101");
    EXPECT_NE(std::string(e.what()).find("config is not valid JSON at byte 13"), std::string::npos)
        << e.what();
  }
}

TEST(JsonInput, DeepNestingIsRejectedBeforeParsing) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  try {
    rollgate::detail::parse_json(deep, "document");
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(
        e.what(),
        "[rollgate.json.102] document nests arrays/objects deeper than the limit of 256 levels");
  }
}

TEST(JsonInput, BracketsInsideStringsDoNotCount) {
  const std::string text = R"({"a": "[[[[[[[[[[\"{{{{{{{{"})";
  EXPECT_EQ(rollgate::detail::json_depth(text, 100), 1u);
  EXPECT_NO_THROW(rollgate::detail::parse_json(text, "x", {1024, 1}));
}

TEST(JsonInput, OversizedInputIsRejected) {
  const std::string big(2000, ' ');
  try {
    rollgate::detail::parse_json(big, "config", {1000, 10});
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.json.103] config is 2000 bytes, more than the limit of 1000 bytes");
  }
}

TEST(JsonPointer, TokensAreEscaped) {
  EXPECT_EQ(rollgate::detail::pointer_append("/a", "b/c~d"), "/a/b~1c~0d");
  EXPECT_EQ(rollgate::detail::pointer_append("", std::size_t{3}), "/3");
}

}  // namespace
