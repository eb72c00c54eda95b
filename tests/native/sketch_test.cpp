// quantile_sketch: the relative-error guarantee on several distributions (against exact order
// statistics, numpy's method='lower'), merge == sketch of the union, serialisation round trips,
// collapsing, and validation of untrusted wire forms. Properties, not golden numbers: the
// guarantee itself is the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "rollgate/error.hpp"
#include "rollgate/sketch.hpp"
#include "stats_support.hpp"

namespace {
using rollgate::quantile_sketch;
using rollgate::test::error_of;

std::vector<double> draw(const std::string& dist, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> v(n);
  std::normal_distribution<double> nd;
  std::lognormal_distribution<double> ln(3.0, 1.2);
  std::exponential_distribution<double> ex(0.01);
  std::uniform_real_distribution<double> un(-1e6, 1e6);
  for (auto& x : v) {
    if (dist == "normal")
      x = nd(rng) * 50;  // both signs
    else if (dist == "lognormal")
      x = ln(rng);
    else if (dist == "exponential")
      x = ex(rng);
    else if (dist == "pareto")
      x = std::pow(1 - std::uniform_real_distribution<double>()(rng), -1 / 1.1);
    else if (dist == "uniform")
      x = un(rng);
    else if (dist == "with_zeros")
      x = (rng() % 4 == 0) ? 0.0 : ln(rng);
    else if (dist == "negative")
      x = -ln(rng);
    else
      x = std::ldexp(1.0 + static_cast<double>(rng() % 1000) / 1000,
                     static_cast<int>(rng() % 1200) - 600);
  }
  return v;
}

const char* const kDists[] = {"normal",  "lognormal",  "exponential", "pareto",
                              "uniform", "with_zeros", "negative",    "wide_exponents"};
const double kQs[] = {0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

TEST(Sketch, EveryQuantileWithinRelativeAccuracy) {
  for (double alpha : {0.01, 0.001, 0.05}) {
    for (const char* dist : kDists) {
      // At 0.1% the 2^-600..2^600 range needs ~416000 buckets, beyond the largest budget.
      if (alpha < 0.01 && std::string(dist) == "wide_exponents") continue;
      auto v = draw(dist, 20000, 11);
      quantile_sketch s(alpha, 65536);  // wide_exponents spans 2^-600..2^600: ~41600 buckets at 1%
      s.add_all(v);
      std::sort(v.begin(), v.end());
      ASSERT_FALSE(s.collapsed()) << dist << " alpha " << alpha;
      for (double q : kQs) {
        const double exact = v[static_cast<std::size_t>(std::floor(q * (v.size() - 1)))];
        const double got = s.quantile(q);
        if (exact == 0)
          EXPECT_EQ(got, 0.0) << dist << " q=" << q;
        else
          EXPECT_LE(std::fabs(got - exact), (alpha + 1e-12) * std::fabs(exact))
              << dist << " alpha=" << alpha << " q=" << q << " exact=" << exact << " got=" << got;
      }
      EXPECT_EQ(s.min(), v.front());
      EXPECT_EQ(s.max(), v.back());
      EXPECT_EQ(s.count(), v.size());
    }
  }
}

TEST(Sketch, MergeEqualsSketchOfUnion) {
  std::mt19937_64 rng(5);
  for (std::size_t budget : {std::size_t{2048}, std::size_t{16}}) {  // 16: collapsing on
    for (const char* dist : kDists) {
      const auto v = draw(dist, 5000, 21);
      quantile_sketch whole(0.01, budget),
          parts[3] = {quantile_sketch(0.01, budget), quantile_sketch(0.01, budget),
                      quantile_sketch(0.01, budget)};
      for (double x : v) {
        whole.add(x);
        parts[rng() % 3].add(x);
      }
      quantile_sketch merged = parts[2];
      merged.merge(parts[0]);
      merged.merge(parts[1]);
      EXPECT_TRUE(merged == whole) << dist << " budget " << budget;
      EXPECT_NEAR(merged.sum(), whole.sum(), 1e-9 * std::fabs(whole.sum()) + 1e-9);
      for (double q : kQs) EXPECT_EQ(merged.quantile(q), whole.quantile(q)) << dist << q;
    }
  }
}

TEST(Sketch, CollapsingKeepsHighQuantilesAccurate) {
  // lognormal(3, 1.2), this seed: median 19.5, p99 325, max 5938. 256 buckets at 1% cover a
  // factor e^5.1 below the max (down to ~36): p99 keeps its guarantee, the median is folded.
  auto v = draw("lognormal", 20000, 3);
  quantile_sketch s(0.01, 256);
  s.add_all(v);
  EXPECT_TRUE(s.collapsed());
  EXPECT_LE(s.bucket_count(), 256u);
  EXPECT_GT(s.quantile(0.5), 30.0);  // folded upwards: the documented loss
  std::sort(v.begin(), v.end());
  for (double q : {0.99, 0.999, 1.0}) {
    const double exact = v[static_cast<std::size_t>(std::floor(q * (v.size() - 1)))];
    EXPECT_LE(std::fabs(s.quantile(q) - exact), 0.01 * exact * (1 + 1e-9)) << q;
  }
}

TEST(Sketch, JsonAndBase64RoundTrip) {
  for (const char* dist : kDists) {
    quantile_sketch s;
    s.add_all(draw(dist, 3000, 8));
    const auto j = quantile_sketch::from_json(s.to_json());
    EXPECT_TRUE(j == s) << dist;
    EXPECT_EQ(j.sum(), s.sum());
    EXPECT_EQ(j.to_json(), s.to_json());
    const auto b = quantile_sketch::from_base64(s.to_base64());
    EXPECT_TRUE(b == s) << dist;
    EXPECT_EQ(b.sum(), s.sum());
    for (double q : kQs) EXPECT_EQ(j.quantile(q), s.quantile(q));
  }
  const quantile_sketch empty;
  EXPECT_TRUE(quantile_sketch::from_json(empty.to_json()) == empty);
  EXPECT_TRUE(quantile_sketch::from_base64(empty.to_base64()) == empty);
}

TEST(Sketch, JsonFormIsTheDocumentedOne) {
  quantile_sketch s;
  s.add(1.0);
  s.add(0.0);
  s.add(-2.0);
  const auto doc = nlohmann::json::parse(s.to_json());
  EXPECT_EQ(doc.at("type"), "rollgate.ddsketch");
  EXPECT_EQ(doc.at("version"), 1);
  EXPECT_EQ(doc.at("alpha"), 0.01);
  EXPECT_EQ(doc.at("count"), 3);
  EXPECT_EQ(doc.at("zeroCount"), 1);
  // 1.0 is gamma^0: bucket 0; 2.0: ceil(log 2 / log(1.01/0.99)) = 35.
  EXPECT_EQ(doc.at("positive"), nlohmann::json::parse(R"({"offset":0,"counts":[1]})"));
  EXPECT_EQ(doc.at("negative"), nlohmann::json::parse(R"({"offset":35,"counts":[1]})"));
}

TEST(Sketch, LatencySketchIsAFewKilobytes) {
  quantile_sketch s;
  s.add_all(draw("lognormal", 100000, 1));  // ~1 ms .. 10 s
  EXPECT_LT(s.to_json().size(), 4096u);
  EXPECT_LT(s.to_base64().size(), 2048u);
}

TEST(Sketch, BadInputIsRejected) {
  EXPECT_EQ(error_of([] { quantile_sketch s(0.0); }),
            "[rollgate.stats.406] /alpha: relative accuracy must be in [1e-05, 0.5], got 0.0");
  EXPECT_EQ(error_of([] { quantile_sketch s(0.01, 8); }),
            "[rollgate.stats.406] /maxBuckets: bucket budget must be in [16, 65536], got 8");
  quantile_sketch s;
  EXPECT_EQ(error_of([&] { s.add(NAN); }), "[rollgate.stats.402] /value: value is NaN");
  EXPECT_EQ(error_of([&] {
              s.add_all({1.0, INFINITY});
            }),
            "[rollgate.stats.403] /values/1: value is infinite");
  EXPECT_EQ(s.count(), 0u);  // the batch was rejected whole
  EXPECT_EQ(error_of([&] { s.quantile(0.5); }), "[rollgate.stats.412] sketch is empty");
  s.add(3.0);
  EXPECT_EQ(error_of([&] { s.quantile(-0.1); }),
            "[rollgate.stats.409] /q: quantile must be in [0, 1], got -0.1");
  quantile_sketch other(0.02);
  EXPECT_EQ(error_of([&] { s.merge(other); }),
            "[rollgate.stats.411] /alpha: cannot merge sketches with different relative accuracy "
            "(0.01 and 0.02)");
}

TEST(Sketch, UntrustedJsonIsValidated) {
  EXPECT_EQ(error_of([] { quantile_sketch::from_json("{\"type\":"); }).substr(0, 20),
            "[rollgate.json.101] ");
  EXPECT_EQ(error_of([] { quantile_sketch::from_json("[]"); }),
            "[rollgate.stats.410] sketch must be a JSON object, got array");
  quantile_sketch s;
  s.add(5.0);
  auto doc = nlohmann::json::parse(s.to_json());
  doc["positive"]["counts"] = {-1};
  doc["count"] = 7;
  doc["extra"] = true;
  try {
    quantile_sketch::from_json(doc.dump());
    FAIL() << "expected an error";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].to_string(), "[rollgate.stats.410] /extra: unknown field");
    EXPECT_EQ(e.problems()[1].to_string(),
              "[rollgate.stats.410] /positive/counts/0: must be >= 0, got -1");
  }
  doc = nlohmann::json::parse(s.to_json());
  doc["count"] = 2;
  EXPECT_EQ(error_of([&] { quantile_sketch::from_json(doc.dump()); }),
            "[rollgate.stats.410] /count: is 2 but the buckets hold 1 values");
  doc = nlohmann::json::parse(s.to_json());
  doc["alpha"] = 0.02;  // a sketch that claims another accuracy merges only with its own kind
  const auto other = quantile_sketch::from_json(doc.dump());
  EXPECT_EQ(rollgate::test::error_of([&] { s.merge(other); }).substr(0, 27),
            "[rollgate.stats.411] /alpha");
  doc = nlohmann::json::parse(s.to_json());
  doc["positive"]["offset"] = 1e12;
  EXPECT_EQ(error_of([&] { quantile_sketch::from_json(doc.dump()); }),
            "[rollgate.stats.410] /positive/offset: must be in [-40000000, 40000000], got "
            "1000000000000.0");
}

TEST(Sketch, UntrustedBase64IsValidated) {
  quantile_sketch s;
  s.add(5.0);
  const std::string good = s.to_base64();
  EXPECT_EQ(error_of([] { quantile_sketch::from_base64("@@@@"); }),
            "[rollgate.stats.410] binary sketch: not valid base64");
  EXPECT_EQ(error_of([&] { quantile_sketch::from_base64(good.substr(0, good.size() - 4)); }),
            "[rollgate.stats.410] binary sketch: truncated");
  // Every single-byte corruption is either rejected or decodes to a valid sketch; never a crash.
  std::string raw;
  for (std::size_t i = 0; i + 4 <= good.size(); i += 4) {
    for (char c : {'A', '/', 'z'}) {
      std::string bad = good;
      bad[i + 1] = c;
      try {
        auto t = quantile_sketch::from_base64(bad);
        if (!t.empty()) (void)t.quantile(0.5);
      } catch (const rollgate::error& e) {
        EXPECT_EQ(std::string(e.code()), "rollgate.stats.410");
      }
    }
  }
}

}  // namespace

namespace {
TEST(Sketch, RandomlyCorruptedJsonNeverCrashes) {
  rollgate::quantile_sketch s;
  s.add_all(draw("normal", 500, 4));
  const std::string good = s.to_json();
  std::mt19937_64 rng(99);
  const char repl[] = {'-', '9', '0', '"', '[', ']', '{', '}', ',', ':', 'e', '.', ' '};
  int rejected = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string bad = good;
    for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] = repl[rng() % sizeof repl];
    try {
      const auto t = quantile_sketch::from_json(bad);
      if (!t.empty()) (void)t.quantile(0.99);
      (void)t.to_json();
    } catch (const rollgate::error& e) {
      ++rejected;
      const std::string id = e.code();
      EXPECT_TRUE(id == "rollgate.stats.410" || id.rfind("rollgate.json.", 0) == 0) << id;
    }
  }
  EXPECT_GT(rejected, 1000);  // most corruptions must be caught, none may crash
}

TEST(Sketch, IntegerValuedFloatsAreAcceptedAsCounts) {
  // Some JSON writers print 3 as 3.0; the wire form must still load.
  rollgate::quantile_sketch s;
  s.add(2.0);
  s.add(2.0);
  auto doc = nlohmann::json::parse(s.to_json());
  doc["count"] = 2.0;
  doc["positive"]["counts"] = {2.0};
  EXPECT_TRUE(quantile_sketch::from_json(doc.dump()) == s);
  doc["positive"]["counts"] = {1.5};
  EXPECT_EQ(error_of([&] { quantile_sketch::from_json(doc.dump()); }),
            "[rollgate.stats.410] /positive/counts/0: must be an integer in [0, 9007199254740992], "
            "got 1.5");
}
}  // namespace
