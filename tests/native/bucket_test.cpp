// Bucketing contract (core/include/rollgate/bucket.hpp, docs/bucketing.md): golden vectors,
// exactness of the integer mapping, and the statistical properties that make a rollout fair.
//
// The property tests run over 1,000,000 generated ids each (sequential "user-<n>" ids, the common
// and least random-looking case in practice). Their thresholds are fixed p-value cut-offs on fixed
// inputs, so the outcome is deterministic: a red test means the hash, the seeding or the mapping
// changed, not bad luck.
#include <gtest/gtest.h>

#include <array>     // std::array
#include <cmath>     // std::sqrt, std::fabs
#include <cstdint>   // std::uint64_t
#include <cstdio>    // std::snprintf
#include <cstdlib>   // std::strtod
#include <iostream>  // std::cout (statistics, for the record)
#include <string>    // std::string
#include <vector>    // std::vector

#include <boost/math/distributions/chi_squared.hpp>  // p-values of the chi-square tests

#include "rollgate/bucket.hpp"
#include "rollgate/error.hpp"
#include "test_support.hpp"

namespace {

using rollgate::bucket_of;
using rollgate::bucketer;
using rollgate::kScale;

constexpr int kIds = 1'000'000;
constexpr double kAlpha = 0.001;  // a property fails if its chi-square p-value is below this

// Fills `buf` with "user-<n>" and returns a view of it (no allocation per id).
std::string_view make_id(char (&buf)[32], int n) {
  const int len = std::snprintf(buf, sizeof buf, "user-%d", n);
  return std::string_view(buf, static_cast<std::size_t>(len));
}

std::uint64_t parse_hex64(const std::string& hex) {
  EXPECT_EQ(hex.size(), 16u) << hex;
  return std::stoull(hex, nullptr, 16);
}

// Pearson chi-square goodness of fit of `observed` against `expected` counts; returns p.
double chi_square_p(const std::vector<double>& observed, const std::vector<double>& expected,
                    double* statistic, int df) {
  double chi2 = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double d = observed[i] - expected[i];
    chi2 += d * d / expected[i];
  }
  *statistic = chi2;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), chi2));
}

double pearson_r(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= static_cast<double>(x.size());
  my /= static_cast<double>(y.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// ---------------------------------------------------------------------------------------------
// Stability: tests/vectors/bucketing.json holds values computed by an independent reference
// (python3-xxhash + Python big integers, tests/vectors/gen/gen_bucketing.py). It exists so that a
// change of hash, seed derivation, byte layout or mapping is caught here, and so that the WASM
// package and other SDKs can check themselves against the same rows. Regenerate with
//   /usr/bin/python3 tests/vectors/gen/gen_bucketing.py > tests/vectors/bucketing.json
// and never to make this test pass: a changed row means every user moves bucket.

TEST(BucketVectors, FileDescribesThisContract) {
  const auto v = rollgate::test::load_vectors("bucketing.json");
  EXPECT_EQ(v.at("spec_version").get<int>(), 1);
  EXPECT_EQ(v.at("scale").get<std::uint32_t>(), kScale);
  EXPECT_EQ(parse_hex64(v.at("variant_seed_mask").get<std::string>()), rollgate::kVariantSeedMask);
  EXPECT_GE(v.at("draws").size(), 40u);
  EXPECT_GE(v.at("membership").size(), 30u);
}

TEST(BucketVectors, EveryDrawRowMatches) {
  const auto v = rollgate::test::load_vectors("bucketing.json");
  for (const auto& row : v.at("draws")) {
    const auto unit = row.at("unit").get<std::string>();
    const auto salt = row.at("salt").get<std::string>();
    SCOPED_TRACE("unit of " + std::to_string(unit.size()) + " bytes, note: " +
                 row.at("note").get<std::string>() + ", salt '" + salt.substr(0, 40) + "'");
    EXPECT_EQ(unit.size(), row.at("unit_utf8_bytes").get<std::size_t>());

    const std::uint64_t seed = parse_hex64(row.at("seed").get<std::string>());
    const std::uint64_t h = parse_hex64(row.at("coverage_hash").get<std::string>());
    const std::uint64_t vh = parse_hex64(row.at("variant_hash").get<std::string>());
    const bucketer b(salt);
    EXPECT_EQ(b.seed(), seed);
    EXPECT_EQ(rollgate::xxh3_64(salt), seed);
    EXPECT_EQ(b.coverage_draw(unit), h);
    EXPECT_EQ(b.variant_draw(unit), vh);
    EXPECT_EQ(rollgate::xxh3_64(unit, seed), h);
    EXPECT_EQ(rollgate::xxh3_64(unit, seed ^ rollgate::kVariantSeedMask), vh);
    const auto d = b.draws(unit);
    EXPECT_EQ(d.coverage, h);
    EXPECT_EQ(d.variant, vh);

    const double fraction = row.at("fraction").get<double>();
    EXPECT_EQ(rollgate::draw_fraction(h), fraction);  // exact: 53 bits, no rounding anywhere
    EXPECT_EQ(rollgate::bucket_fraction(unit, salt), fraction);
    EXPECT_EQ(bucket_of(h, kScale), row.at("coverage_bucket").get<std::uint32_t>());
    EXPECT_EQ(bucket_of(vh, kScale), row.at("variant_bucket").get<std::uint32_t>());
  }
}

TEST(BucketVectors, EveryMembershipRowMatches) {
  const auto v = rollgate::test::load_vectors("bucketing.json");
  for (const auto& row : v.at("membership")) {
    const auto unit = row.at("unit").get<std::string>();
    const auto weights = row.at("weights").get<std::vector<std::uint32_t>>();
    const auto coverage = row.at("coverage").get<std::uint32_t>();
    SCOPED_TRACE(row.dump());
    const bucketer b(row.at("salt").get<std::string>());
    EXPECT_EQ(b.in_coverage(unit, coverage), row.at("in").get<bool>());
    EXPECT_EQ(b.pick_variant(unit, weights.data(), weights.size()),
              row.at("variant").get<std::size_t>());
  }
}

// ---------------------------------------------------------------------------------------------
// bucket_of: the mapping is computed from 32-bit halves so that languages without a 128-bit type
// can reproduce it. These tests exist to prove that shortcut equals floor(x * n / 2^64) exactly.

static_assert(bucket_of(0, kScale) == 0, "bucket_of is usable in constant expressions");
static_assert(bucket_of(~std::uint64_t{0}, kScale) == kScale - 1,
              "the top draw is the last bucket");

TEST(BucketOf, EdgeCases) {
  constexpr std::uint64_t max = ~std::uint64_t{0};
  EXPECT_EQ(bucket_of(0, kScale), 0u);
  EXPECT_EQ(bucket_of(max, kScale), kScale - 1);
  EXPECT_EQ(bucket_of(max, 1), 0u);
  EXPECT_EQ(bucket_of(0, 1), 0u);
  EXPECT_EQ(bucket_of(max, 0), 0u);
  EXPECT_EQ(bucket_of(max, 0xFFFFFFFFu), 0xFFFFFFFEu);
  EXPECT_EQ(bucket_of(std::uint64_t{1} << 63, 2), 1u);
  EXPECT_EQ(bucket_of((std::uint64_t{1} << 63) - 1, 2), 0u);
  // The worked example of docs/bucketing.md.
  EXPECT_EQ(bucket_of(0x6c947e532cd1998dull, kScale), 42414u);
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128
    u128;  // reference only; rollgate itself needs no 128-bit type

std::uint32_t reference_bucket(std::uint64_t x, std::uint32_t n) {
  return static_cast<std::uint32_t>((static_cast<u128>(x) * n) >> 64);
}

TEST(BucketOf, ExactAgainst128BitReference) {
  // splitmix64: a cheap, well-spread stream of test draws.
  std::uint64_t state = 0x1234567887654321ull;
  auto next = [&state] {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  const std::uint32_t ns[] = {1,      2,     3,        7,           100,        1000,
                              kScale, 65536, 1u << 31, 0xFFFFFFFEu, 0xFFFFFFFFu};
  long checked = 0;
  for (const std::uint32_t n : ns) {
    for (int i = 0; i < 200'000; ++i) {
      const std::uint64_t x = next();
      ASSERT_EQ(bucket_of(x, n), reference_bucket(x, n)) << "x=" << x << " n=" << n;
      ++checked;
    }
    // Bucket boundaries are where a rounding slip would show: the first draw of every bucket k
    // (ceil(k * 2^64 / n)) and the draw just below it.
    for (std::uint32_t k = 1; k < n && k < 5000; ++k) {
      const u128 edge = ((static_cast<u128>(k) << 64) + n - 1) / n;
      const auto first = static_cast<std::uint64_t>(edge);
      ASSERT_EQ(bucket_of(first, n), k) << "n=" << n;
      ASSERT_EQ(bucket_of(first - 1, n), k - 1) << "n=" << n;
      checked += 2;
    }
  }
  // Random n too, not only the round ones.
  for (int i = 0; i < 200'000; ++i) {
    const std::uint64_t x = next();
    const auto n = static_cast<std::uint32_t>(next());
    ASSERT_EQ(bucket_of(x, n), reference_bucket(x, n)) << "x=" << x << " n=" << n;
  }
  EXPECT_GT(checked, 2'000'000);
}
#endif

TEST(BucketFraction, IsInUnitIntervalAndOrderedLikeTheDraw) {
  EXPECT_EQ(rollgate::draw_fraction(0), 0.0);
  EXPECT_LT(rollgate::draw_fraction(~std::uint64_t{0}), 1.0);  // rounded down, never 1
  EXPECT_EQ(rollgate::draw_fraction(~std::uint64_t{0}), 1.0 - 0x1.0p-53);
  EXPECT_EQ(rollgate::draw_fraction(std::uint64_t{1} << 63), 0.5);
  EXPECT_EQ(rollgate::draw_fraction(2047), 0.0);  // the 11 low bits are dropped
  EXPECT_EQ(rollgate::draw_fraction(2048), 0x1.0p-53);
}

TEST(Bucketer, CoverageBoundsAndEmptyWeights) {
  const bucketer b("flag");
  EXPECT_FALSE(b.in_coverage("alice", 0));
  EXPECT_TRUE(b.in_coverage("alice", kScale));
  EXPECT_TRUE(b.in_coverage("alice", kScale + 1));  // above 100% means everyone
  EXPECT_TRUE(b.in_coverage("alice", 0xFFFFFFFFu));
  EXPECT_EQ(b.pick_variant("alice", nullptr, 0), 0u);
  const std::uint32_t one[] = {kScale};
  EXPECT_EQ(b.pick_variant("alice", one), 0u);
  const std::uint32_t short_sum[] = {0, 0};  // below kScale: the remainder falls to the last
  EXPECT_EQ(b.pick_variant("alice", short_sum), 1u);
  const std::uint32_t zero_first[] = {0, kScale};
  char buf[32];
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(b.pick_variant(make_id(buf, i), zero_first), 1u);
}

// ---------------------------------------------------------------------------------------------
// Properties.

// Uniform: a rollout at p% must reach p% of units, whatever the ids look like. Sequential ids are
// the worst realistic case for a weak hash. Both draws are tested over 100 equal bins.
TEST(BucketProperty, UniformOver100Bins) {
  const bucketer b("uniformity");
  std::vector<double> cov(100, 0), var(100, 0);
  char buf[32];
  for (int i = 0; i < kIds; ++i) {
    const auto d = b.draws(make_id(buf, i));
    cov[bucket_of(d.coverage, kScale) / 1000] += 1;  // the kScale buckets, grouped by 1%
    var[bucket_of(d.variant, kScale) / 1000] += 1;
  }
  const std::vector<double> expected(100, kIds / 100.0);
  double chi_cov = 0, chi_var = 0;
  const double p_cov = chi_square_p(cov, expected, &chi_cov, 99);
  const double p_var = chi_square_p(var, expected, &chi_var, 99);
  std::cout << "[stats] uniform coverage draw: chi2=" << chi_cov << " df=99 p=" << p_cov
            << "; variant draw: chi2=" << chi_var << " p=" << p_var << '\n';
  RecordProperty("chi2_coverage", std::to_string(chi_cov));
  RecordProperty("chi2_variant", std::to_string(chi_var));
  EXPECT_GT(p_cov, kAlpha);
  EXPECT_GT(p_var, kAlpha);
}

// The assignment a flag evaluation makes: -1 outside the rollout, else the variant index.
template <std::size_t N>
int assign(const bucketer& b, std::string_view unit, std::uint32_t coverage,
           const std::uint32_t (&weights)[N]) {
  return b.in_coverage(unit, coverage) ? static_cast<int>(b.pick_variant(unit, weights)) : -1;
}

// Monotonic: ramping a rollout up must only add units. A unit that was in at 10% is in at 20%
// (nobody who saw the feature loses it), and it keeps its variant (nobody flips from treatment to
// control, which would spoil an experiment and confuse users).
TEST(BucketProperty, MonotonicRampOnlyAddsUnitsAndKeepsVariants) {
  const bucketer b("ramp");
  const std::uint32_t weights[] = {50'000, 50'000};
  const std::uint32_t ladder[] = {0, 1'000, 5'000, 10'000, 20'000, 50'000, 99'999, kScale};
  std::array<long, 8> inside{};
  char buf[32];
  for (int i = 0; i < kIds; ++i) {
    const auto unit = make_id(buf, i);
    int previous = -1;
    for (std::size_t s = 0; s < 8; ++s) {
      const int now = assign(b, unit, ladder[s], weights);
      if (previous >= 0) {
        ASSERT_EQ(now, previous) << unit << " changed from variant " << previous
                                 << " when coverage rose to " << ladder[s];
      }
      if (now >= 0) ++inside[s];
      previous = now;
    }
  }
  // Not vacuous: each step reaches its share (within 6 standard deviations).
  for (std::size_t s = 0; s < 8; ++s) {
    const double p = ladder[s] / double(kScale);
    const double sd = std::sqrt(kIds * p * (1 - p));
    EXPECT_NEAR(inside[s], kIds * p, 6 * sd + 1e-9) << "coverage " << ladder[s];
  }
}

// Split-preserving: inside any coverage, variant shares must match the weights. This is why the
// variant has its own draw: with one draw, a 10% rollout of a 50/50 split would be 10%/0%.
TEST(BucketProperty, VariantSharesInsideCoverageMatchWeights) {
  const bucketer b("split");
  const std::uint32_t half[] = {50'000, 50'000};
  const std::uint32_t three[] = {10'000, 30'000, 60'000};
  std::vector<double> half_counts(2, 0), three_counts(3, 0), single_draw(2, 0);
  long inside = 0;
  char buf[32];
  for (int i = 0; i < kIds; ++i) {
    const auto unit = make_id(buf, i);
    if (!b.in_coverage(unit, 10'000)) continue;
    ++inside;
    half_counts[b.pick_variant(unit, half)] += 1;
    three_counts[b.pick_variant(unit, three)] += 1;
    // The rejected design, for contrast: variant taken from the coverage draw itself.
    single_draw[bucket_of(b.coverage_draw(unit), kScale) < 50'000 ? 0 : 1] += 1;
  }
  double chi_half = 0, chi_three = 0, chi_single = 0;
  const double n = static_cast<double>(inside);
  const double p_half = chi_square_p(half_counts, {n * 0.5, n * 0.5}, &chi_half, 1);
  const double p_three = chi_square_p(three_counts, {n * 0.1, n * 0.3, n * 0.6}, &chi_three, 2);
  const double p_single = chi_square_p(single_draw, {n * 0.5, n * 0.5}, &chi_single, 1);
  std::cout << "[stats] split inside 10% coverage (" << inside << " units): 50/50 chi2=" << chi_half
            << " df=1 p=" << p_half << "; 10/30/60 chi2=" << chi_three << " df=2 p=" << p_three
            << "; single-draw design chi2=" << chi_single << " p=" << p_single << '\n';
  EXPECT_GT(p_half, kAlpha);
  EXPECT_GT(p_three, kAlpha);
  // 10% coverage with 50/50 is 5%/5% of all units.
  EXPECT_NEAR(half_counts[0] / kIds, 0.05, 0.002);
  EXPECT_NEAR(half_counts[1] / kIds, 0.05, 0.002);
  // And the single-draw design really is broken, so the test above can tell the two apart.
  EXPECT_EQ(single_draw[1], 0);
  EXPECT_LT(p_single, kAlpha);
}

// Independent across salts: two flags rolled out to 50% each must not reach the same half of
// users (else every experiment would hit the same people, and effects would be confounded). The
// coverage and variant draws of one salt must be independent too.
TEST(BucketProperty, IndependentAcrossSaltsAndDraws) {
  const bucketer a("flag-a"), c("flag-b");
  double table[2][2] = {{0, 0}, {0, 0}};
  std::vector<double> fa, fc, fv;
  fa.reserve(kIds);
  fc.reserve(kIds);
  fv.reserve(kIds);
  char buf[32];
  for (int i = 0; i < kIds; ++i) {
    const auto unit = make_id(buf, i);
    const auto da = a.draws(unit);
    const std::uint64_t hc = c.coverage_draw(unit);
    table[bucket_of(da.coverage, kScale) < 50'000][bucket_of(hc, kScale) < 50'000] += 1;
    fa.push_back(rollgate::draw_fraction(da.coverage));
    fc.push_back(rollgate::draw_fraction(hc));
    fv.push_back(rollgate::draw_fraction(da.variant));
  }
  // Pearson chi-square of independence on the 2x2 table (df = 1).
  double chi2 = 0;
  for (int r = 0; r < 2; ++r) {
    for (int k = 0; k < 2; ++k) {
      const double row = table[r][0] + table[r][1];
      const double col = table[0][k] + table[1][k];
      const double e = row * col / kIds;
      chi2 += (table[r][k] - e) * (table[r][k] - e) / e;
    }
  }
  const double p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(1), chi2));
  const double r_salts = pearson_r(fa, fc);
  const double r_draws = pearson_r(fa, fv);
  std::cout << "[stats] salts flag-a/flag-b at 50%: 2x2 chi2=" << chi2 << " df=1 p=" << p
            << "; both-in share=" << table[1][1] / kIds << "; r(fractions across salts)=" << r_salts
            << "; r(coverage, variant draws)=" << r_draws << '\n';
  EXPECT_GT(p, kAlpha);
  EXPECT_NEAR(table[1][1] / kIds, 0.25, 0.003);
  // Under independence r has standard deviation ~ 1/sqrt(N) = 0.001: allow 5 of them.
  EXPECT_LT(std::fabs(r_salts), 5.0 / std::sqrt(double(kIds)));
  EXPECT_LT(std::fabs(r_draws), 5.0 / std::sqrt(double(kIds)));
}

// Stable (beyond the vectors): results depend only on (unit, salt) bytes, not on the bucketer
// object or on how the string was made, so a server and an SDK that build them differently agree.
TEST(BucketProperty, StableAcrossInstancesAndStorage) {
  const bucketer b1("stable"), b2(std::string("stab") + "le");
  char buf[32];
  for (int i = 0; i < 10'000; ++i) {
    const auto unit = make_id(buf, i);
    const std::string copy(unit);
    ASSERT_EQ(b1.coverage_draw(unit), b2.coverage_draw(copy));
    ASSERT_EQ(b1.variant_draw(unit), b2.variant_draw(copy));
    ASSERT_EQ(rollgate::bucket_fraction(copy, "stable"),
              rollgate::draw_fraction(b1.coverage_draw(unit)));
  }
  // Embedded NULs are part of the unit: "a\0b" differs from "a".
  EXPECT_NE(b1.coverage_draw(std::string_view("a\0b", 3)), b1.coverage_draw("a"));
}

}  // namespace

namespace {

// percent_to_scale: coverage typed by people ("12.5") must become kScale units exactly; binary
// floating point would turn 0.3 * 1000 into 299.99999999999997 and silently lose a bucket.
TEST(PercentToScale, ExactDecimalConversion) {
  using rollgate::percent_to_scale;
  EXPECT_EQ(percent_to_scale("0"), 0u);
  EXPECT_EQ(percent_to_scale("100"), kScale);
  EXPECT_EQ(percent_to_scale("100.000"), kScale);
  EXPECT_EQ(percent_to_scale("12.5"), 12'500u);
  EXPECT_EQ(percent_to_scale("0.3"), 300u);
  EXPECT_EQ(percent_to_scale("0.001"), 1u);
  EXPECT_EQ(percent_to_scale("33.333"), 33'333u);
  EXPECT_EQ(percent_to_scale("007.25%"), 7'250u);
  EXPECT_EQ(percent_to_scale("12.5000"), 12'500u);  // zeros past the 3rd decimal add nothing
  for (std::uint32_t s = 0; s <= kScale; s += 7) {  // every text form round-trips
    const std::string text =
        std::to_string(s / 1000) + "." + std::to_string(1000 + s % 1000).substr(1);
    ASSERT_EQ(percent_to_scale(text), s) << text;
  }
}

TEST(PercentToScale, RejectsWithIds) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "rollgate.bucket.301"},
      {"%", "rollgate.bucket.301"},
      {"nan", "rollgate.bucket.301"},
      {"inf", "rollgate.bucket.301"},
      {"1e1", "rollgate.bucket.301"},
      {" 5", "rollgate.bucket.301"},
      {"+5", "rollgate.bucket.301"},
      {"5.", "rollgate.bucket.301"},
      {".5", "rollgate.bucket.301"},
      {"0x10", "rollgate.bucket.301"},
      {"-5", "rollgate.bucket.302"},
      {"-0", "rollgate.bucket.302"},
      {"100.001", "rollgate.bucket.302"},
      {"101", "rollgate.bucket.302"},
      {"99999999999999999999999", "rollgate.bucket.302"},
      {"12.0005", "rollgate.bucket.303"},
      {"0.0001", "rollgate.bucket.303"},
  };
  for (const auto& [text, id] : cases) {
    try {
      rollgate::percent_to_scale(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const rollgate::error& e) {
      EXPECT_EQ(e.code(), id) << text << ": " << e.what();
      EXPECT_EQ(e.pointer(), "");
    }
  }
  // A huge input is quoted shortened in the message.
  try {
    rollgate::percent_to_scale(std::string(100000, 'x'));
    ADD_FAILURE();
  } catch (const rollgate::error& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u);
  }
}

// The same rule for percentages held as doubles (JSON numbers, JS numbers): a double is accepted
// iff it is the one a correct parser makes of a decimal with at most 3 decimals. Every such
// decimal must be accepted with its exact value, and its neighbouring doubles refused (they are
// what 33.3330000001-like inputs become), so no rounding can ever move a unit.
TEST(PercentToScale, DoubleFormAcceptsExactlyTheThreeDecimalDoubles) {
  using rollgate::percent_to_scale;
  for (std::uint32_t s = 0; s <= kScale; ++s) {
    const std::string text =
        std::to_string(s / 1000) + "." + std::to_string(1000 + s % 1000).substr(1);
    const double d = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(percent_to_scale(d), s) << text;
    if (s == 0 || s % 7 != 0) continue;  // neighbours of every 7th (each refusal is a throw)
    for (const double next : {std::nextafter(d, 0.0), std::nextafter(d, 200.0)}) {
      try {
        percent_to_scale(next);
        FAIL() << "accepted a neighbour of " << text;
      } catch (const rollgate::error& e) {
        ASSERT_TRUE(e.code() == "rollgate.bucket.303" ||
                    (s == kScale && e.code() == "rollgate.bucket.302"))
            << e.what();
      }
    }
  }
  EXPECT_EQ(percent_to_scale(-0.0), 0u);  // a double cannot carry a person's "-0"
}

// Issue 12, defect 7: these were accepted as weights (within 1e-6 of a 3-decimal value).
TEST(PercentToScale, Issue12_DoubleFormRefusesMoreThanThreeDecimals) {
  const std::pair<double, const char*> cases[] = {
      {33.3330000001,
       "[rollgate.bucket.303] 33.3330000001 has more than 3 decimals: the finest "
       "step is 0.001%"},
      {1e-320, "[rollgate.bucket.303] 1e-320 has more than 3 decimals: the finest step is 0.001%"},
      {-1, "[rollgate.bucket.302] -1 is outside 0 to 100: a percentage is 0 to 100"},
      {100.5, "[rollgate.bucket.302] 100.5 is outside 0 to 100: a percentage is 0 to 100"},
      {std::nan(""), "[rollgate.bucket.301] nan is not a percentage: expected a finite number"},
      {-HUGE_VAL, "[rollgate.bucket.301] -inf is not a percentage: expected a finite number"},
  };
  for (const auto& [value, what] : cases) {
    try {
      rollgate::percent_to_scale(value);
      ADD_FAILURE() << "accepted " << value;
    } catch (const rollgate::error& e) {
      EXPECT_STREQ(e.what(), what);
    }
  }
}

TEST(RateToScale, FractionsOfOneWithFiveDecimals) {
  using rollgate::rate_to_scale;
  EXPECT_EQ(rate_to_scale(0.0), 0u);
  EXPECT_EQ(rate_to_scale(1.0), kScale);
  EXPECT_EQ(rate_to_scale(0.07), 7'000u);  // 0.07 * 100000 is 7000.000000000001 in doubles
  EXPECT_EQ(rate_to_scale(0.3), 30'000u);
  EXPECT_EQ(rate_to_scale(0.00001), 1u);
  for (std::uint32_t s = 0; s <= kScale; s += 3) {
    char text[32];
    std::snprintf(text, sizeof text, "%u.%05u", s / kScale, s % kScale);
    ASSERT_EQ(rate_to_scale(std::strtod(text, nullptr)), s) << text;
  }
  const std::pair<double, const char*> bad[] = {{1.0 / 3, "rollgate.bucket.303"},
                                                {0.000001, "rollgate.bucket.303"},
                                                {1.5, "rollgate.bucket.302"},
                                                {-0.1, "rollgate.bucket.302"},
                                                {HUGE_VAL, "rollgate.bucket.301"}};
  for (const auto& [value, code] : bad) {
    try {
      rate_to_scale(value);
      ADD_FAILURE() << "accepted " << value;
    } catch (const rollgate::error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
    }
  }
}

// Issue 12, defect 7: inRollout(u, s, 100001) answered true; coverage above 100% is an argument
// error in the checked forms, while the unchecked bucketer keeps "above kScale means everyone".
TEST(CheckedForms, Issue12_CoverageAboveScaleIsRefused) {
  EXPECT_NO_THROW(rollgate::check_coverage(kScale));
  try {
    rollgate::in_rollout("u", "s", kScale + 1);
    FAIL() << "accepted coverage 100001";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.bucket.304] coverage 100001 is above 100000 (100%): coverage is an "
                 "integer out of 100000");
  }
  EXPECT_THROW(rollgate::in_rollout("u", "s", 0xFFFFFFFFu), rollgate::error);
  for (int i = 0; i < 1000; ++i) {
    const std::string unit = "user-" + std::to_string(i);
    ASSERT_EQ(rollgate::in_rollout(unit, "salt", 25'000),
              bucketer("salt").in_coverage(unit, 25'000));
  }
}

// Issue 12, defect 7: pickVariant([0xFFFFFFFF, 0xFFFFFFFF]) returned 0: weights must sum to kScale.
TEST(CheckedForms, Issue12_WeightsMustSumToScale) {
  const std::uint32_t wrapping[] = {0xFFFFFFFFu, 0xFFFFFFFFu};
  try {
    rollgate::pick_variant("u", "s", wrapping, 2);
    FAIL() << "accepted weights summing to 2^33 - 2";
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(),
                 "[rollgate.bucket.305] weights sum to 8589934590, expected 100000 (100%)");
  }
  const std::uint32_t short_by_one[] = {50'000, 49'999};
  EXPECT_THROW(rollgate::pick_variant("u", "s", short_by_one, 2), rollgate::error);
  try {
    rollgate::check_weights(nullptr, 0);
    FAIL();
  } catch (const rollgate::error& e) {
    EXPECT_STREQ(e.what(), "[rollgate.bucket.305] weights must not be empty");
  }
  const std::uint32_t split[] = {30'000, 70'000};
  for (int i = 0; i < 1000; ++i) {
    const std::string unit = "user-" + std::to_string(i);
    ASSERT_EQ(rollgate::pick_variant(unit, "salt", split, 2),
              bucketer("salt").pick_variant(unit, split));
  }
}

}  // namespace
