// Exact quantiles with numpy's default method ('linear', Hyndman-Fan type 7), against
// numpy.quantile values in tests/vectors/stats.json (gen_stats.py).
#include <gtest/gtest.h>

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"
#include "stats_support.hpp"

namespace {
using namespace rollgate::stats;

TEST(Quantiles, MatchNumpyLinearExactly) {
  for (const auto& c : rollgate::test::stats_vectors().at("quantiles")) {
    const auto got =
        quantiles(rollgate::test::nums(c.at("values")), c.at("q").get<std::vector<double>>());
    const auto want = rollgate::test::nums(c.at("expected"));
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], want[i]) << c.at("name") << " q=" << c.at("q")[i];  // same lerp formula
  }
}

TEST(Quantiles, BadInput) {
  using rollgate::test::error_of;
  EXPECT_EQ(error_of([] {
              quantile({1.0, 2.0}, 1.5);
            }),
            "[rollgate.stats.409] /q/0: quantile must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of([] { quantile({}, 0.5); }), "[rollgate.stats.401] /values: sample is empty");
  EXPECT_EQ(error_of([] {
              quantile({1.0, NAN}, 0.5);
            }),
            "[rollgate.stats.402] /values/1: value is NaN (pass nan_policy omit to drop NaNs)");
  EXPECT_EQ(quantile({1.0, NAN, 3.0}, 0.5, nan_policy::omit), 2.0);
}

TEST(OptionStrings, ParseAndPrintRoundTrip) {
  for (const char* s : {"two-sided", "less", "greater"})
    EXPECT_STREQ(to_string(parse_alternative(s)), s);
  for (const char* s : {"auto", "exact", "asymptotic"}) EXPECT_STREQ(to_string(parse_method(s)), s);
  EXPECT_EQ(parse_nan_policy("raise"), nan_policy::reject);
  EXPECT_EQ(parse_nan_policy("omit"), nan_policy::omit);
  using rollgate::test::error_of;
  EXPECT_EQ(error_of([] { parse_alternative("two_sided"); }),
            "[rollgate.stats.407] /alternative: unknown alternative 'two_sided', expected "
            "\"two-sided\", \"less\" or \"greater\"");
  EXPECT_EQ(error_of([] { parse_method("Exact"); }),
            "[rollgate.stats.407] /method: unknown method 'Exact', expected \"auto\", \"exact\" or "
            "\"asymptotic\"");
  EXPECT_EQ(error_of([] { parse_nan_policy("propagate"); }),
            "[rollgate.stats.407] /nanPolicy: unknown NaN policy 'propagate', expected \"reject\" "
            "or \"omit\"");
}

}  // namespace
