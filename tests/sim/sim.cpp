// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The committed simulation of docs/canary.md ("Simulation"): does the judge keep false rollbacks
// at most alpha + 1% over many A/A windows with repeated looks, and how many units does it need to
// catch a 5% relative drop in a 10% conversion rate in 80% of runs?
//
// Traffic: units (users) with a heterogeneous purchase propensity (Beta, mean 10%), a few
// requests each spread over 4 isolates, 1 + Poisson(0.4) purchases per converting unit, values
// log-normal (median 33, sigma 1) with 0.2% "whale" orders worth 100 times more. Every A/A
// window goes through the real path: per-isolate unit_summary, merged per arm, its JSON read by
// judge(). Looks: the conversion gate is judged at 5 looks per window (as a coordinator does
// every few seconds); the full configs at the window's end. Power runs draw conversions per unit
// directly (Binomial counts: units are independent), which is what the summaries hold exactly
// below their cap (tests/native/units_test.cpp).
//
// Usage: rollgate_sim [--windows N] [--units N] [--runs N] [--seed N]
// Exit status 1 when a figure misses its bound (false rollbacks > alpha + 1%, power < 80%).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "rollgate/canary.hpp"
#include "rollgate/units.hpp"

namespace {

constexpr double kAlpha = 0.05;
constexpr double kRate = 0.10;
constexpr int kIsolates = 4;
constexpr int kLooks = 10;   // looks per power run
constexpr int kAaLooks = 5;  // looks per A/A window (each merges the isolates' summaries)

// Conversion with no allowance (any confirmed drop rolls back): the strictest gate, where false
// rollbacks are largest. `test` is sequential (always valid) or proportions (fixed-sample).
std::string strict_conversion(const char* test) {
  return std::string(R"({"alpha":0.05,"metrics":[{"name":"conversion","kind":"rate",)") +
         R"("direction":"decrease","event":"purchase","test":")" + test + R"("}]})";
}
// Conversion with the default plan's 5% allowance, sequential, and revenue per exposed unit.
const char* kDefaultGates = R"({"alpha":0.05,"metrics":[
  {"name":"conversion","kind":"rate","direction":"decrease","event":"purchase",
   "allowedChange":{"relative":0.05},"test":"sequential"},
  {"name":"revenue","kind":"continuous","direction":"decrease","event":"purchase",
   "allowedChange":{"relative":0.05},"test":"sequential"}]})";
const char* kStrictGates = R"({"alpha":0.05,"metrics":[
  {"name":"conversion","kind":"rate","direction":"decrease","event":"purchase","test":"sequential"},
  {"name":"revenue","kind":"continuous","direction":"decrease","event":"purchase",
   "test":"sequential"}]})";

std::string counts(double events, double total) {
  char b[96];
  std::snprintf(b, sizeof b, R"({"events":%.0f,"total":%.0f})", events, total);
  return b;
}
std::string doc(const std::string& name, const std::string& data) {
  return R"({"metrics":{")" + name + R"(":)" + data + "}}";
}

struct traffic {
  std::mt19937_64 rng;
  std::gamma_distribution<double> ga{0.5, 1.0}, gb{4.5, 1.0};  // Beta(0.5, 4.5): mean 10%
  std::poisson_distribution<int> extra_buys{0.4};
  std::poisson_distribution<int> requests{2.0};
  std::lognormal_distribution<double> value{3.5, 1.0};
  std::uniform_real_distribution<double> u{0.0, 1.0};
  std::uniform_int_distribution<int> iso{0, kIsolates - 1};

  explicit traffic(std::uint64_t seed) : rng(seed) {}
  double propensity() {
    const double a = ga(rng), b = gb(rng);
    return a / (a + b);
  }
  /// One unit's visit: exposures in random isolates, then its purchases (none, mostly).
  void unit(const std::string& id, std::vector<rollgate::unit_summary>& isolates, double lift) {
    const int n = 1 + requests(rng);
    for (int r = 0; r < n; ++r) isolates[iso(rng)].expose(id);
    if (u(rng) >= propensity() * lift) return;
    const int buys = 1 + extra_buys(rng);
    for (int k = 0; k < buys; ++k) {
      double v = value(rng);
      if (u(rng) < 0.002) v *= 100;  // a whale order
      isolates[iso(rng)].record(id, "purchase", v, true);
    }
  }
};

rollgate::unit_summary merged(const std::vector<rollgate::unit_summary>& isolates) {
  rollgate::unit_summary s = isolates[0];
  for (int i = 1; i < kIsolates; ++i) s.merge(isolates[i]);
  return s;
}

struct aa_figures {
  int windows = 0;
  int seq_looks = 0, prop_looks = 0, strict_end = 0, default_any = 0, default_pass = 0;
};

aa_figures run_aa(int windows, int units_per_window, std::uint64_t seed) {
  aa_figures f;
  traffic t(seed);
  const std::string seq = strict_conversion("sequential");
  const std::string prop = strict_conversion("proportions");
  std::bernoulli_distribution coin(0.5);
  for (int w = 0; w < windows; ++w) {
    std::vector<rollgate::unit_summary> arms[2] = {std::vector<rollgate::unit_summary>(kIsolates),
                                                   std::vector<rollgate::unit_summary>(kIsolates)};
    bool seq_rb = false, prop_rb = false;
    for (int look = 1; look <= kAaLooks; ++look) {
      const int upto = units_per_window * look / kAaLooks;
      for (int i = units_per_window * (look - 1) / kAaLooks; i < upto; ++i) {
        const std::string id = "w" + std::to_string(w) + "-u" + std::to_string(i);
        t.unit(id, arms[coin(t.rng) ? 1 : 0], 1.0);
      }
      const auto mb = merged(arms[0]).metric("purchase");
      const auto mc = merged(arms[1]).metric("purchase");
      const std::string b = doc("conversion", counts(mb.converted, mb.exposed));
      const std::string c = doc("conversion", counts(mc.converted, mc.exposed));
      seq_rb = seq_rb || rollgate::judge(seq, b, c).verdict == rollgate::decision::rollback;
      prop_rb = prop_rb || rollgate::judge(prop, b, c).verdict == rollgate::decision::rollback;
    }
    // The window's end through the whole path: summary JSON as the metrics' data.
    const std::string sb = merged(arms[0]).to_json(), sc = merged(arms[1]).to_json();
    const std::string b = R"({"metrics":{"conversion":)" + sb + R"(,"revenue":)" + sb + "}}";
    const std::string c = R"({"metrics":{"conversion":)" + sc + R"(,"revenue":)" + sc + "}}";
    const auto strict = rollgate::judge(kStrictGates, b, c);
    const auto dflt = rollgate::judge(kDefaultGates, b, c);
    f.seq_looks += seq_rb;
    f.prop_looks += prop_rb;
    f.strict_end += strict.verdict == rollgate::decision::rollback;
    f.default_any += dflt.verdict == rollgate::decision::rollback;
    f.default_pass += dflt.verdict == rollgate::decision::pass;
    ++f.windows;
  }
  return f;
}

/// Share of runs in which a canary converting at kRate * (1 - drop) is rolled back at some look.
double run_power(const std::string& config, int units_per_arm, double drop, int runs,
                 std::mt19937_64& rng) {
  int caught = 0;
  for (int r = 0; r < runs; ++r) {
    double eb = 0, ec = 0, n = 0;
    bool rb = false;
    for (int look = 1; look <= kLooks; ++look) {
      const double step = static_cast<double>(units_per_arm) / kLooks;
      std::binomial_distribution<long long> bb(static_cast<long long>(step), kRate);
      std::binomial_distribution<long long> bc(static_cast<long long>(step), kRate * (1 - drop));
      eb += static_cast<double>(bb(rng));
      ec += static_cast<double>(bc(rng));
      n += std::floor(step);
      if (rollgate::judge(config, doc("conversion", counts(eb, n)),
                          doc("conversion", counts(ec, n)))
              .verdict == rollgate::decision::rollback) {
        rb = true;
        break;
      }
    }
    caught += rb;
  }
  return static_cast<double>(caught) / runs;
}

/// Smallest canary size (baseline `ratio` times larger) at which an exact A/A window of the
/// default conversion gate (allowance 5% relative, fixed-sample test) PASSes: the power rule.
double units_to_pass(double ratio, const char* test) {
  const std::string cfg =
      std::string(R"({"alpha":0.05,"metrics":[{"name":"conversion",)") +
      R"("kind":"rate","direction":"decrease","allowedChange":{"relative":0.05},)" + R"("test":")" +
      test + R"("}]})";
  double lo = 100, hi = 1e8;
  while (hi / lo > 1.001) {
    const double mid = std::sqrt(lo * hi);
    const double nc = std::round(mid), nb = std::round(mid * ratio);
    const auto a = rollgate::judge(cfg, doc("conversion", counts(std::round(nb * kRate), nb)),
                                   doc("conversion", counts(std::round(nc * kRate), nc)));
    (a.verdict == rollgate::decision::pass ? hi : lo) = mid;
  }
  return std::round(hi);
}

}  // namespace

int main(int argc, char** argv) {
  int windows = 1000, units = 10000, runs = 500;
  std::uint64_t seed = 17;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--windows")) windows = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--units")) units = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  bool ok = true;
  const aa_figures f = run_aa(windows, units, seed);
  auto share = [&](int k) { return static_cast<double>(k) / f.windows; };
  std::printf("A/A: %d windows of %d units (50/50, 4 isolates, %d looks), alpha %.2f\n", f.windows,
              units, kAaLooks, kAlpha);
  std::printf("  strict conversion, sequential, rolled back at any look: %.1f%%\n",
              100 * share(f.seq_looks));
  std::printf("  strict conversion, proportions (fixed-sample), at any look: %.1f%%\n",
              100 * share(f.prop_looks));
  std::printf("  strict conversion + revenue per unit (summary JSON), at the end: %.1f%%\n",
              100 * share(f.strict_end));
  std::printf(
      "  business gates, 5%% allowance, sequential (summary JSON): rolled back %.1f%%, "
      "passed %.1f%%\n",
      100 * share(f.default_any), 100 * share(f.default_pass));
  ok = ok && share(f.seq_looks) <= kAlpha + 0.01 && share(f.strict_end) <= kAlpha + 0.01 &&
       share(f.default_any) <= kAlpha + 0.01;

  std::mt19937_64 rng(seed + 1);
  std::printf("Power: 10%% conversion, 5%% relative drop (to 9.5%%), 50/50, %d runs, %d looks\n",
              runs, kLooks);
  const std::string seq = strict_conversion("sequential");
  const std::string prop = strict_conversion("proportions");
  double at_stated = 0;
  for (int n : {50000, 100000, 150000, 200000, 250000}) {
    const double ps = run_power(seq, n, 0.05, runs, rng);
    const double pp = run_power(prop, n, 0.05, runs, rng);
    std::printf("  %7d units per arm: caught %.1f%% (sequential), %.1f%% (proportions)\n", n,
                100 * ps, 100 * pp);
    if (n == 150000) at_stated = ps;
  }
  ok = ok && at_stated >= 0.8;
  std::printf(
      "No PASS without power: an exact A/A window of the default conversion gate "
      "(10%%, allowance 5%% relative, 80%% power) passes from\n");
  std::printf("  50/50: %.0f canary units (fixed-sample), %.0f (sequential)\n",
              units_to_pass(1, "proportions"), units_to_pass(1, "sequential"));
  std::printf("  10%% stage (baseline 9x): %.0f canary units (fixed-sample)\n",
              units_to_pass(9, "proportions"));
  std::printf("%s\n",
              ok ? "OK: every figure within its bound" : "FAILED: a figure is out of bounds");
  return ok ? 0 : 1;
}
