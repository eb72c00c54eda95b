// The canonical text of number and boolean units (core/src/detail/canonical_unit.hpp).
//
// Why tests/vectors/canonical_units.json exists: the text is defined as JavaScript's String(n),
// and the 4,000 rows were written by tests/vectors/gen/gen_canonical_units.mjs with Node's own
// String(n); a failing row names the double (as IEEE bits) that rollgate writes differently.
// Regenerate:
//   node tests/vectors/gen/gen_canonical_units.mjs > tests/vectors/canonical_units.json
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>  // std::strtoull
#include <cstring>  // std::memcpy
#include <string>

#include "detail/canonical_unit.hpp"
#include "test_support.hpp"

namespace {

using rollgate::detail::canonical_unit_text;

double from_bits(const std::string& hex) {
  const std::uint64_t bits = std::strtoull(hex.c_str(), nullptr, 16);
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

TEST(CanonicalUnit, NumbersAreWrittenAsJavaScriptsStringDoes) {
  const auto v = rollgate::test::load_vectors("canonical_units.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  const auto& rows = v.at("numbers");
  ASSERT_GE(rows.size(), 4000u);
  for (const auto& r : rows) {
    const std::string bits = r.at("bits");
    const std::string text = canonical_unit_text(from_bits(bits));
    EXPECT_EQ(text, r.at("text").get<std::string>()) << "bits " << bits;
    EXPECT_LE(text.size(), rollgate::detail::kCanonicalNumberMaxChars);
  }
}

TEST(CanonicalUnit, BooleansAreTrueAndFalse) {
  const auto v = rollgate::test::load_vectors("canonical_units.json");
  for (const auto& r : v.at("booleans")) {
    EXPECT_EQ(canonical_unit_text(r.at("value").get<bool>()), r.at("text").get<std::string>());
  }
}

TEST(CanonicalUnit, DocumentedExamples) {
  EXPECT_EQ(canonical_unit_text(42.0), "42");
  EXPECT_EQ(canonical_unit_text(-0.0), "0");
  EXPECT_EQ(canonical_unit_text(12.5), "12.5");
  EXPECT_EQ(canonical_unit_text(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(canonical_unit_text(1e21), "1e+21");
  EXPECT_EQ(canonical_unit_text(1e-7), "1e-7");
  EXPECT_EQ(canonical_unit_text(123456789012.0), "123456789012");
  char buf[32];
  EXPECT_EQ(rollgate::detail::canonical_number_text(-1.7976931348623157e308, buf), 24u);
}

}  // namespace
