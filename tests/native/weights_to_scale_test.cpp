// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// weights_to_scale (bucket.hpp): relative weights as integer shares of kScale, against the golden
// table of tests/vectors/bucketing.json (made by tests/vectors/gen/gen_bucketing.py; the package's
// weightsToScale is checked against the same table in tests/node/bucket.test.mjs).
#include <gtest/gtest.h>

#include <cmath>    // std::nan, HUGE_VAL
#include <cstdint>  // std::uint32_t, std::uint64_t
#include <string>   // std::string
#include <vector>   // std::vector

#include "rollgate/bucket.hpp"
#include "rollgate/error.hpp"
#include "test_support.hpp"

namespace {

using rollgate::kScale;

// weights_to_scale: the table is computed in the generator with the same double arithmetic, so
// equality is exact; "nan"/"inf" in the refused table stand for those doubles.
TEST(BucketVectors, WeightsToScaleMatchesAndRefuses) {
  const auto v = rollgate::test::load_vectors("bucketing.json");
  ASSERT_GE(v.at("weights_to_scale").size(), 10u);
  for (const auto& row : v.at("weights_to_scale")) {
    SCOPED_TRACE(row.dump());
    const auto weights = row.at("weights").get<std::vector<double>>();
    std::vector<std::uint32_t> out(weights.size());
    rollgate::weights_to_scale(weights.data(), weights.size(), out.data());
    EXPECT_EQ(out, row.at("scale").get<std::vector<std::uint32_t>>());
    std::uint64_t sum = 0;
    for (auto w : out) sum += w;
    EXPECT_EQ(sum, kScale);
  }
  for (const auto& row : v.at("weights_refused")) {
    SCOPED_TRACE(row.dump());
    std::vector<double> weights;
    for (const auto& w : row.at("weights")) {
      weights.push_back(!w.is_string()                  ? w.get<double>()
                        : w.get<std::string>() == "nan" ? std::nan("")
                                                        : HUGE_VAL);
    }
    std::vector<std::uint32_t> out(weights.size(), 7u);
    const auto p = rollgate::try_weights_to_scale(weights.data(), weights.size(), out.data());
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->code, row.at("code").get<std::string>());
    EXPECT_EQ(p->pointer, row.at("pointer").get<std::string>());
    EXPECT_EQ(out, std::vector<std::uint32_t>(weights.size(), 7u));  // untouched on failure
  }
}

}  // namespace
