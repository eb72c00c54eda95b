// Non-JSON comparisons: status, content type, headers (case-insensitive names, ignore and only
// lists), bodies by bytes and XXH3-64, and JSON bodies compared structurally under /body.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "diff_support.hpp"
#include "rollgate/bucket.hpp"
#include "rollgate/diff.hpp"

namespace {

using rollgate::test::difference_lines;
using V = std::vector<std::string>;

rollgate::response make(int status, std::string body, std::string type = "text/plain") {
  rollgate::response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(type);
  return r;
}

std::string hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

TEST(DiffResponse, EqualResponsesAreEqual) {
  auto a = make(200, "hello");
  a.headers = {{"ETag", "x"}};
  auto b = a;
  b.headers = {{"etag", "x"}};  // header names compare in any case
  EXPECT_TRUE(rollgate::diff_responses(a, b).equal());
}

TEST(DiffResponse, StatusAndContentType) {
  EXPECT_EQ(difference_lines(rollgate::diff_responses(make(200, "x"), make(503, "x", "text/html"))),
            (V{"/status value_changed 200 503",
               "/contentType value_changed \"text/plain\" \"text/html\""}));
}

TEST(DiffResponse, NonJsonBodiesCompareByBytesAndShowLengthAndHash) {
  const std::string a = "binary\x01\x02", b = "binary\x01\x03";
  const auto r = rollgate::diff_responses(make(200, a, "application/octet-stream"),
                                          make(200, b, "application/octet-stream"));
  EXPECT_EQ(difference_lines(r),
            (V{"/body value_changed {\"length\":8,\"xxh3_64\":\"" + hex(rollgate::xxh3_64(a)) +
               "\"} {\"length\":8,\"xxh3_64\":\"" + hex(rollgate::xxh3_64(b)) + "\"}"}));
}

TEST(DiffResponse, HeadersByLowerCaseNameWithIgnoreAndOnly) {
  auto a = make(200, "");
  auto b = make(200, "");
  a.headers = {
      {"Date", "Mon"}, {"X-Request-Id", "1"}, {"Cache-Control", "max-age=1"}, {"Gone", "g"}};
  b.headers = {
      {"date", "Tue"}, {"x-request-id", "2"}, {"cache-control", "max-age=2"}, {"New", "n"}};
  EXPECT_EQ(
      difference_lines(rollgate::diff_responses(a, b)),
      (V{"/headers/cache-control value_changed \"max-age=1\" \"max-age=2\"",
         "/headers/date value_changed \"Mon\" \"Tue\"", "/headers/gone key_removed \"g\" ",
         "/headers/new key_added  \"n\"", "/headers/x-request-id value_changed \"1\" \"2\""}));
  rollgate::diff_options o =
      rollgate::parse_diff_options(R"({"headers":{"ignore":["DATE","x-request-id"]}})");
  EXPECT_EQ(difference_lines(rollgate::diff_responses(a, b, o)),
            (V{"/headers/cache-control value_changed \"max-age=1\" \"max-age=2\"",
               "/headers/gone key_removed \"g\" ", "/headers/new key_added  \"n\""}));
  o = rollgate::parse_diff_options(
      R"({"headers":{"only":["Cache-Control","date"],"ignore":["date"]}})");
  EXPECT_EQ(difference_lines(rollgate::diff_responses(a, b, o)),
            (V{"/headers/cache-control value_changed \"max-age=1\" \"max-age=2\""}));
  // Path rules apply to response paths too.
  o = rollgate::parse_diff_options(R"({"paths":[{"path":"/headers","ignore":true}]})");
  EXPECT_TRUE(rollgate::diff_responses(a, b, o).equal());
}

TEST(DiffResponse, RepeatedHeadersCompareJoined) {
  auto a = make(200, "");
  auto b = make(200, "");
  a.headers = {{"Vary", "a"}, {"vary", "b"}};
  b.headers = {{"Vary", "a, b"}};
  EXPECT_TRUE(rollgate::diff_responses(a, b).equal());
  b.headers = {{"Vary", "b"}, {"Vary", "a"}};
  EXPECT_EQ(difference_lines(rollgate::diff_responses(a, b)),
            (V{"/headers/vary value_changed \"a, b\" \"b, a\""}));
}

TEST(DiffResponse, JsonBodiesCompareStructurallyUnderBody) {
  const auto a =
      make(200, R"({"id":1,"ts":"t1","items":[{"p":1}]})", "application/json; charset=utf-8");
  const auto b = make(200, R"({"items":[{"p":2}],"ts":"t2","id":1})", "application/problem+json");
  const auto o = rollgate::parse_diff_options(R"({"paths":[{"path":"/body/ts","ignore":true},
                                                           {"path":"/contentType","ignore":true}]})");
  const auto r = rollgate::diff_responses(a, b, o);
  EXPECT_EQ(difference_lines(r), (V{"/body/items/0/p value_changed 1 2"}));
  EXPECT_EQ(r.differences[0].field, "/body/items/*/p");
}

TEST(DiffResponse, ContentTypeFromHeaderWhenFieldEmpty) {
  rollgate::response a, b;
  a.status = b.status = 200;
  a.headers = {{"Content-Type", "application/json"}};
  b.headers = {{"content-type", "application/json"}};
  a.body = R"({"a": 1})";
  b.body = R"({"a":1})";  // different bytes, same JSON
  EXPECT_TRUE(rollgate::diff_responses(a, b).equal());
}

TEST(DiffResponse, BrokenOrHostileJsonBodiesFallBackToBytes) {
  const auto a = make(200, R"({"a":1})", "application/json");
  const auto broken = make(200, R"({"a":)", "application/json");
  auto r = rollgate::diff_responses(a, broken);
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].path, "/body");
  EXPECT_EQ(r.differences[0].old_value.rfind("{\"length\":7,", 0), 0u);
  const auto deep =
      make(200, std::string(10000, '[') + std::string(10000, ']'), "application/json");
  r = rollgate::diff_responses(deep, deep);
  EXPECT_TRUE(r.equal());
  auto deep2 = deep;
  deep2.body.back() = ' ';
  EXPECT_EQ(rollgate::diff_responses(deep, deep2).differences.at(0).path, "/body");
}

TEST(DiffResponse, IgnoringBodySkipsByteComparison) {
  const auto o = rollgate::parse_diff_options(R"({"paths":[{"path":"/body","ignore":true}]})");
  EXPECT_TRUE(rollgate::diff_responses(make(200, "a"), make(200, "b"), o).equal());
}

}  // namespace
