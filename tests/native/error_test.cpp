// rollgate::error and the JSON input guard that every loader shares.
#include <gtest/gtest.h>

#include <string>

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
