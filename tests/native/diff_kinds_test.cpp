// Every difference kind of rollgate::diff_json, number semantics, order and the value text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "diff_support.hpp"
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace {

using rollgate::test::difference_lines;
using V = std::vector<std::string>;

TEST(DiffKinds, NamesAreStable) {
  EXPECT_STREQ(rollgate::to_string(rollgate::difference_kind::value_changed), "value_changed");
  EXPECT_STREQ(rollgate::to_string(rollgate::difference_kind::type_changed), "type_changed");
  EXPECT_STREQ(rollgate::to_string(rollgate::difference_kind::key_added), "key_added");
  EXPECT_STREQ(rollgate::to_string(rollgate::difference_kind::key_removed), "key_removed");
  EXPECT_STREQ(rollgate::to_string(rollgate::difference_kind::array_length_changed),
               "array_length_changed");
}

TEST(DiffKinds, ValueChangedForEachScalarType) {
  const auto r = rollgate::diff_json(R"({"s":"a","n":1,"b":true,"f":0.5})",
                                     R"({"s":"b","n":2,"b":false,"f":0.25})");
  EXPECT_EQ(difference_lines(r), (V{"/b value_changed true false", "/f value_changed 0.5 0.25",
                                    "/n value_changed 1 2", "/s value_changed \"a\" \"b\""}));
  EXPECT_FALSE(r.equal());
  EXPECT_EQ(r.total(), 4u);
}

TEST(DiffKinds, TypeChangedReportsBothValuesAndStopsThere) {
  const auto r =
      rollgate::diff_json(R"({"x":{"a":1},"y":null,"z":[1]})", R"({"x":[1],"y":0,"z":"1"})");
  EXPECT_EQ(difference_lines(r), (V{"/x type_changed {\"a\":1} [1]", "/y type_changed null 0",
                                    "/z type_changed [1] \"1\""}));
}

TEST(DiffKinds, KeyAddedAndRemovedCarryOnlyThePresentValue) {
  const auto r = rollgate::diff_json(R"({"gone":{"deep":[1,2]}})", R"({"new":"v"})");
  ASSERT_EQ(r.differences.size(), 2u);
  EXPECT_EQ(r.differences[0].kind, rollgate::difference_kind::key_removed);
  EXPECT_EQ(r.differences[0].old_value, R"({"deep":[1,2]})");
  EXPECT_EQ(r.differences[0].new_value, "");
  EXPECT_EQ(r.differences[1].kind, rollgate::difference_kind::key_added);
  EXPECT_EQ(r.differences[1].path, "/new");
  EXPECT_EQ(r.differences[1].old_value, "");
}

TEST(DiffKinds, ArrayLengthChangedGivesLengthsThenComparesCommonPrefix) {
  const auto r = rollgate::diff_json("[1,2,3,4]", "[1,9]");
  EXPECT_EQ(difference_lines(r), (V{" array_length_changed 4 2", "/1 value_changed 2 9"}));
  EXPECT_EQ(r.differences[1].field, "/*");
}

TEST(DiffKinds, FieldReplacesEveryArrayIndexWithStar) {
  const auto r = rollgate::diff_json(R"({"a":[[0,{"7":1}]]})", R"({"a":[[0,{"7":2}]]})");
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].path, "/a/0/1/7");
  EXPECT_EQ(r.differences[0].field, "/a/*/*/7");  // "7" is an object key here, not an index
}

TEST(DiffKinds, NumbersCompareByValueAcrossRepresentations) {
  EXPECT_TRUE(rollgate::diff_json("[1, -2, 3.0, 1e2]", "[1.0, -2.0, 3, 100]").equal());
  // Large integers compare exactly, not through double rounding.
  EXPECT_FALSE(rollgate::diff_json("9007199254740993", "9007199254740992").equal());
  EXPECT_TRUE(rollgate::diff_json("18446744073709551615", "18446744073709551615").equal());
  EXPECT_FALSE(rollgate::diff_json("-1", "18446744073709551615").equal());
}

TEST(DiffKinds, OrderIsDepthFirstWithKeysInByteOrder) {
  const auto r = rollgate::diff_json(R"({"b":{"y":1,"x":1},"a":1,"B":1})",
                                     R"({"b":{"y":2,"x":2},"a":2,"B":2})");
  EXPECT_EQ(difference_lines(r), (V{"/B value_changed 1 2", "/a value_changed 1 2",
                                    "/b/x value_changed 1 2", "/b/y value_changed 1 2"}));
}

TEST(DiffKinds, StringsAreCaseSensitiveByDefaultAndUnicodeIsKept) {
  const auto r = rollgate::diff_json(R"(["Ä","x"])", R"(["ä","x"])");
  EXPECT_EQ(difference_lines(r), (V{"/0 value_changed \"Ä\" \"ä\""}));
}

TEST(DiffKinds, ResultJsonFormat) {
  const auto r = rollgate::diff_json(R"({"a":1,"b":2})", R"({"a":1,"c":3})");
  EXPECT_EQ(
      rollgate::diff_result_to_json(r),
      R"({"equal":false,"differences":[{"path":"/b","field":"/b","kind":"key_removed","old":2},)"
      R"({"path":"/c","field":"/c","kind":"key_added","new":3}],"omitted":0})");
  EXPECT_EQ(rollgate::diff_result_to_json(rollgate::diff_json("{}", "{}")),
            R"({"equal":true,"differences":[],"omitted":0})");
}

TEST(DiffKinds, BadDocumentsAreNamedAndBothReported) {
  try {
    rollgate::diff_json("{\"a\":", "[1,,]");
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].to_string(),
              "[rollgate.json.101] old document is not valid JSON at byte 6: parse error at line "
              "1, column 6: "
              "syntax error while parsing value - unexpected end of input; expected '[', '{', or a "
              "literal");
    EXPECT_EQ(e.problems()[1].code, "rollgate.json.101");
    EXPECT_EQ(e.problems()[1].message.rfind("new document is not valid JSON at byte 4:", 0), 0u)
        << e.problems()[1].message;
  }
}

}  // namespace
