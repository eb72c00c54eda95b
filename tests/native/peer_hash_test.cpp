// The peers' bucketing, reproduced for kept assignments (core/src/detail/peer_hash.hpp).
//
// Why tests/vectors/peer_hashes.json exists: every expected value in it was computed by the
// peers' own npm packages (unleash-client, @growthbook/growthbook, @openfeature/flagd-core and
// their hash dependencies) in tests/vectors/gen/gen_peer_hashes.mjs, for 1,200 units including
// non-ASCII ones; its "published" section holds the vectors the projects publish in their own
// tests (Unleash's util.test.ts, GrowthBook's cases.json, flagd-testbed's fractional.feature),
// which the script checked against the packages. A failing row names the unit whose assignment
// would move. Regenerate (after npm ci):
//   node tests/vectors/gen/gen_peer_hashes.mjs > tests/vectors/peer_hashes.json
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "detail/canonical_unit.hpp"
#include "detail/peer_hash.hpp"
#include "test_support.hpp"

namespace {

namespace d = rollgate::detail;
using nlohmann::json;

std::vector<std::uint32_t> weights_of(const json& j) {
  return j.get<std::vector<std::uint32_t>>();
}

json index_or_null(std::optional<std::size_t> i) {
  return i ? json(*i) : json(nullptr);
}

const json& vectors() {
  static const json v = rollgate::test::load_vectors("peer_hashes.json");
  return v;
}

TEST(PeerHash, Murmur3MatchesTheReferenceVectors) {
  // The widely quoted MurmurHash3_x86_32 test vectors (Ian Boyd's set, as the mmh3 Python
  // package's tests quote them; the last two are Wikipedia's MurmurHash examples), and FNV-1a 32
  // values from the FNV reference test suite (Landon Curt Noll).
  EXPECT_EQ(d::murmur3_x86_32("", 0), 0u);
  EXPECT_EQ(d::murmur3_x86_32("", 1), 0x514E28B7u);
  EXPECT_EQ(d::murmur3_x86_32("", 0xFFFFFFFFu), 0x81F16F39u);
  EXPECT_EQ(d::murmur3_x86_32(std::string(4, '\0'), 0), 0x2362F9DEu);
  EXPECT_EQ(d::murmur3_x86_32("aaaa", 0x9747B28Cu), 0x5A97808Au);
  EXPECT_EQ(d::murmur3_x86_32("Hello, world!", 0x9747B28Cu), 0x24884CBAu);
  EXPECT_EQ(d::murmur3_x86_32("The quick brown fox jumps over the lazy dog", 0x9747B28Cu),
            0x2FA826CDu);
  EXPECT_EQ(d::fnv1a32(""), 0x811C9DC5u);
  EXPECT_EQ(d::fnv1a32("a"), 0xE40C292Cu);
  EXPECT_EQ(d::fnv1a32("foobar"), 0xBF9CF968u);
}

TEST(PeerHash, UnleashAsItsSdksBucket) {
  const auto& rows = vectors().at("unleash");
  ASSERT_GE(rows.size(), 1000u);
  std::size_t picked = 0;
  for (const auto& r : rows) {
    const std::string group = r.at("group");
    const std::string unit = r.at("unit");
    SCOPED_TRACE("group '" + group + "' unit '" + unit + "'");
    const auto node = d::unleash_text::node_sdk;
    const auto utf8 = d::unleash_text::utf8;
    EXPECT_EQ(d::unleash_normalized(group, unit, 100, d::kUnleashStrategySeed, node),
              r.at("node_strategy").get<std::uint32_t>());
    EXPECT_EQ(d::unleash_normalized(group, unit, 1000, d::kUnleashVariantSeed, node),
              r.at("node_variant_1000").get<std::uint32_t>());
    EXPECT_EQ(d::unleash_hash(group, unit, 0, utf8), r.at("utf8_hash_seed0").get<std::uint32_t>());
    EXPECT_EQ(d::unleash_hash(group, unit, d::kUnleashVariantSeed, utf8),
              r.at("utf8_hash_variant_seed").get<std::uint32_t>());
    if (r.contains("node_variant")) {
      const auto w = weights_of(r.at("weights"));
      EXPECT_EQ(index_or_null(d::unleash_pick_variant(group, unit, w.data(), w.size(), node)),
                r.at("node_variant"));
      EXPECT_EQ(d::unleash_in_rollout(group, unit, r.at("rollout").get<double>(), node),
                r.at("node_in_rollout").get<bool>());
      ++picked;
    }
  }
  EXPECT_GE(picked, 1000u);
}

TEST(PeerHash, UnleashPublishedVectors) {
  for (const auto& r : vectors().at("published").at("unleash").at("rows")) {
    for (const auto text : {d::unleash_text::node_sdk, d::unleash_text::utf8}) {
      EXPECT_EQ(d::unleash_normalized(r.at("group").get<std::string>(),
                                      r.at("unit").get<std::string>(), 100, 0, text),
                r.at("normalized").get<std::uint32_t>());
    }
  }
}

TEST(PeerHash, GrowthBookAsItsSdkBuckets) {
  const auto& rows = vectors().at("growthbook");
  ASSERT_GE(rows.size(), 1000u);
  for (const auto& r : rows) {
    const std::string seed = r.at("seed");
    const std::string unit = r.at("unit");
    SCOPED_TRACE("seed '" + seed + "' unit '" + unit + "'");
    EXPECT_EQ(d::growthbook_hash(seed, unit, 1).value(), r.at("v1").get<double>());
    EXPECT_EQ(d::growthbook_hash(seed, unit, 2).value(), r.at("v2").get<double>());
    EXPECT_FALSE(d::growthbook_hash(seed, unit, 3));
    const auto& cfg = r.at("ranges_config");
    std::vector<double> weights;
    const bool has_weights = !cfg.at("weights").is_null();
    if (has_weights) weights = cfg.at("weights").get<std::vector<double>>();
    const auto ranges = d::growthbook_bucket_ranges(cfg.at("variations").get<std::size_t>(),
                                                    cfg.at("coverage").get<double>(),
                                                    has_weights ? &weights : nullptr);
    const auto& expected = r.at("ranges");
    ASSERT_EQ(ranges.size(), expected.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      EXPECT_EQ(ranges[i].first, expected[i][0].get<double>());
      EXPECT_EQ(ranges[i].second, expected[i][1].get<double>());
    }
    EXPECT_EQ(d::growthbook_choose_variation(r.at("v1").get<double>(), ranges),
              r.at("variation_v1").get<int>());
    const auto& ns = r.at("namespace");
    EXPECT_EQ(d::growthbook_in_namespace(unit, ns.at("id").get<std::string>(),
                                         ns.at("start").get<double>(), ns.at("end").get<double>()),
              ns.at("in").get<bool>());
  }
}

TEST(PeerHash, GrowthBookNumberUnitsUseTheCanonicalText) {
  for (const auto& r : vectors().at("growthbook_numbers")) {
    const std::string text = d::canonical_unit_text(r.at("value").get<double>());
    const std::string seed = r.at("seed");
    EXPECT_EQ(d::growthbook_hash(seed, text, 1).value(), r.at("v1").get<double>()) << text;
    EXPECT_EQ(d::growthbook_hash(seed, text, 2).value(), r.at("v2").get<double>()) << text;
  }
}

TEST(PeerHash, GrowthBookPublishedVectors) {
  for (const auto& r : vectors().at("published").at("growthbook").at("rows")) {
    EXPECT_EQ(d::growthbook_hash(r.at("seed").get<std::string>(), r.at("value").get<std::string>(),
                                 r.at("version").get<int>())
                  .value(),
              r.at("n").get<double>());
  }
}

TEST(PeerHash, FlagdAsItsEvaluatorsBucket) {
  const auto& rows = vectors().at("flagd");
  ASSERT_GE(rows.size(), 1000u);
  for (const auto& r : rows) {
    const std::string key = r.at("flag_key").get<std::string>() + r.at("unit").get<std::string>();
    SCOPED_TRACE("key '" + key + "'");
    const std::uint32_t js = d::flagd_hash(key, d::flagd_text::js_core);
    const std::uint32_t utf8 = d::flagd_hash(key, d::flagd_text::utf8);
    EXPECT_EQ(js, r.at("js_core_hash").get<std::uint32_t>());
    EXPECT_EQ(utf8, r.at("utf8_hash").get<std::uint32_t>());
    const auto w = weights_of(r.at("weights"));
    if (r.contains("js_core_variant")) {
      EXPECT_EQ(index_or_null(d::flagd_fractional(js, w.data(), w.size())),
                r.at("js_core_variant"));
    }
    EXPECT_EQ(index_or_null(d::flagd_fractional_v1(utf8, w.data(), w.size())),
              r.at("utf8_v1_variant"));
  }
}

TEST(PeerHash, FlagdTestbedPublishedVectors) {
  for (const auto& r : vectors().at("published").at("flagd").at("rows")) {
    const std::string key = r.at("key");
    SCOPED_TRACE(key);
    const std::uint32_t h = d::flagd_hash(key, d::flagd_text::utf8);
    EXPECT_EQ(d::flagd_hash(key, d::flagd_text::js_core), h);  // ASCII: every flagd agrees
    const auto w = weights_of(r.at("weights"));
    if (r.contains("v1")) {
      EXPECT_EQ(d::flagd_fractional_v1(h, w.data(), w.size()), r.at("v1").get<std::size_t>());
    }
    if (r.contains("v2")) {
      EXPECT_EQ(d::flagd_fractional(h, w.data(), w.size()), r.at("v2").get<std::size_t>());
    }
    if (r.contains("bucket_of_100")) {
      EXPECT_EQ((static_cast<std::uint64_t>(h) * 100) >> 32,
                r.at("bucket_of_100").get<std::uint64_t>());
    }
  }
}

TEST(PeerHash, EdgeCasesOfTheWeightRules) {
  const std::uint32_t zero[] = {0, 0};
  EXPECT_FALSE(d::flagd_fractional(123, zero, 2));
  EXPECT_FALSE(d::flagd_fractional_v1(123, zero, 2));
  EXPECT_FALSE(d::unleash_pick_variant("g", "u", zero, 2, d::unleash_text::utf8));
  const std::uint32_t over[] = {0x7FFFFFFFu, 1};
  EXPECT_FALSE(d::flagd_fractional(123, over, 2));  // flagd refuses sums above 2^31 - 1
  const std::uint32_t half[] = {50, 50};
  // v1: a hash of 2^31 is |int32| = 2^31 > MaxInt32, so its bucket lies just above 100.
  EXPECT_FALSE(d::flagd_fractional_v1(0x80000000u, half, 2));
  EXPECT_EQ(d::flagd_fractional(0xFFFFFFFFu, half, 2), std::optional<std::size_t>(1));
  EXPECT_FALSE(d::unleash_in_rollout("g", "u", 0, d::unleash_text::utf8));
  EXPECT_TRUE(d::unleash_in_rollout("g", "u", 100, d::unleash_text::utf8));
}

}  // namespace
