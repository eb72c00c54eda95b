// The canary judge and the rollout state machine.
// - judge on a 5-metric config (3 continuous, 2 rates), edge form (sketches + counts) and raw
//   samples (10k per arm per continuous metric);
// - peer: the bare statistics the judge runs on the same raw samples (stats.hpp calls, no JSON),
//   i.e. what a user wiring stats.hpp by hand would pay; the gap is parsing + classification;
// - next_action on the default plan; peer: parsing the same plan/state/analysis JSON alone.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollgate/canary.hpp"
#include "rollgate/rollout.hpp"
#include "rollgate/sketch.hpp"
#include "rollgate/stats.hpp"

namespace {

using json = nlohmann::json;

std::vector<double> lognormal(std::size_t n, double median, double sigma, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::lognormal_distribution<double> d(std::log(median), sigma);
  std::vector<double> out(n);
  for (auto& v : out) v = std::round(d(g) * 10) / 10;  // 0.1 ms resolution, as metrics arrive
  return out;
}

const char* kConfig = R"({"metrics":[
  {"name":"latency","direction":"increase","critical":true,"allowedChange":{"relative":0.1},
   "quantiles":[0.95,0.99],"gates":[{"stat":"p99","max":500}]},
  {"name":"ttfb","direction":"increase","allowedChange":{"relative":0.1},"quantiles":[0.99]},
  {"name":"cpu","direction":"increase","allowedChange":{"relative":0.15}},
  {"name":"errorRate","kind":"rate","direction":"increase","critical":true,
   "allowedChange":{"relative":0.2},"gates":[{"stat":"rate","max":0.001}]},
  {"name":"conversion","kind":"rate","direction":"decrease","allowedChange":{"relative":0.05}}]})";

struct arms {
  std::vector<double> lat_b, lat_c, ttfb_b, ttfb_c, cpu_b, cpu_c;
  std::string samples_b, samples_c, sketch_b, sketch_c;
};

const arms& data() {
  static const arms a = [] {
    arms x;
    const std::size_t n = 10000;
    x.lat_b = lognormal(n, 120, 0.35, 1);
    x.lat_c = lognormal(n, 122, 0.35, 2);
    x.ttfb_b = lognormal(n, 40, 0.5, 3);
    x.ttfb_c = lognormal(n, 40, 0.5, 4);
    x.cpu_b = lognormal(n, 40, 0.1, 5);
    x.cpu_c = lognormal(n, 41, 0.1, 6);
    auto counts = [](int e, int t) { return json{{"events", e}, {"total", t}}; };
    auto sk = [](const std::vector<double>& v) {
      rollgate::quantile_sketch s;
      s.add_all(v);
      return json::parse(s.to_json());
    };
    x.samples_b = json{{"metrics",
                        {{"latency", x.lat_b},
                         {"ttfb", x.ttfb_b},
                         {"cpu", x.cpu_b},
                         {"errorRate", counts(9, 100000)},
                         {"conversion", counts(3100, 100000)}}}}
                      .dump();
    x.samples_c = json{{"metrics",
                        {{"latency", x.lat_c},
                         {"ttfb", x.ttfb_c},
                         {"cpu", x.cpu_c},
                         {"errorRate", counts(12, 100000)},
                         {"conversion", counts(3050, 100000)}}}}
                      .dump();
    x.sketch_b = json{{"metrics",
                       {{"latency", sk(x.lat_b)},
                        {"ttfb", sk(x.ttfb_b)},
                        {"cpu", sk(x.cpu_b)},
                        {"errorRate", counts(9, 100000)},
                        {"conversion", counts(3100, 100000)}}}}
                     .dump();
    x.sketch_c = json{{"metrics",
                       {{"latency", sk(x.lat_c)},
                        {"ttfb", sk(x.ttfb_c)},
                        {"cpu", sk(x.cpu_c)},
                        {"errorRate", counts(12, 100000)},
                        {"conversion", counts(3050, 100000)}}}}
                     .dump();
    return x;
  }();
  return a;
}

void BM_CanaryJudge_Sketches5(benchmark::State& state) {
  const auto& d = data();
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::judge(kConfig, d.sketch_b, d.sketch_c));
  state.counters["inputBytes"] = static_cast<double>(d.sketch_b.size() + d.sketch_c.size());
}
BENCHMARK(BM_CanaryJudge_Sketches5)->Unit(benchmark::kMillisecond);

void BM_CanaryJudge_Samples10k5(benchmark::State& state) {
  const auto& d = data();
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::judge(kConfig, d.samples_b, d.samples_c));
  state.counters["inputBytes"] = static_cast<double>(d.samples_b.size() + d.samples_c.size());
}
BENCHMARK(BM_CanaryJudge_Samples10k5)->Unit(benchmark::kMillisecond);

// Peer: the same statistics called directly on vectors (no JSON, no classification).
void BM_Peer_StatsOnly_Samples10k5(benchmark::State& state) {
  const auto& d = data();
  namespace st = rollgate::stats;
  for (auto _ : state) {
    for (auto* pr : {&d.lat_b, &d.ttfb_b, &d.cpu_b}) {
      const auto& b = *pr;
      const auto& c = pr == &d.lat_b ? d.lat_c : pr == &d.ttfb_b ? d.ttfb_c : d.cpu_c;
      benchmark::DoNotOptimize(st::mannwhitneyu(c, b));
      benchmark::DoNotOptimize(st::hodges_lehmann(c, b));
      benchmark::DoNotOptimize(st::quantiles(c, {0.5, 0.95, 0.99}));
      benchmark::DoNotOptimize(st::quantiles(b, {0.5, 0.95, 0.99}));
    }
    benchmark::DoNotOptimize(st::two_proportion_z_test(12, 100000, 9, 100000));
    benchmark::DoNotOptimize(st::two_proportion_z_test(3050, 100000, 3100, 100000));
  }
}
BENCHMARK(BM_Peer_StatsOnly_Samples10k5)->Unit(benchmark::kMillisecond);

struct plan_inputs {
  std::string plan, state, analysis;
};
const plan_inputs& plan_data() {
  static const plan_inputs p = [] {
    plan_inputs x;
    x.plan = rollgate::default_plan(rollgate::risk::medium).to_json();
    x.state = rollgate::initial_state(1'700'000'000'000).to_json();
    x.analysis = rollgate::to_json(rollgate::judge(kConfig, data().sketch_b, data().sketch_c));
    return x;
  }();
  return p;
}

// What a binding does per evaluation: parse plan, state and analysis from JSON text, step the
// machine, write the action back as JSON.
void BM_RolloutNextAction(benchmark::State& state) {
  const auto& p = plan_data();
  for (auto _ : state) {
    const auto plan = rollgate::rollout_plan::parse(p.plan);
    const auto st = rollgate::rollout_state::parse(p.state);
    const auto a = rollgate::parse_analysis(p.analysis);
    rollgate::step_inputs in;
    in.now_ms = 1'700'000'000'000 + 3'600'000;
    in.judged = &a;
    benchmark::DoNotOptimize(rollgate::to_json(rollgate::next_action(plan, st, in)));
  }
}
BENCHMARK(BM_RolloutNextAction)->Unit(benchmark::kMicrosecond);

// The transition alone, on typed values (a native caller that keeps the plan parsed).
void BM_RolloutNextActionTyped(benchmark::State& state) {
  const auto& p = plan_data();
  const auto plan = rollgate::rollout_plan::parse(p.plan);
  const auto st = rollgate::rollout_state::parse(p.state);
  const auto a = rollgate::parse_analysis(p.analysis);
  rollgate::step_inputs in;
  in.now_ms = 1'700'000'000'000 + 3'600'000;
  in.judged = &a;
  for (auto _ : state) benchmark::DoNotOptimize(rollgate::next_action(plan, st, in));
}
BENCHMARK(BM_RolloutNextActionTyped)->Unit(benchmark::kMicrosecond);

// Peer: only parsing the same three JSON texts with nlohmann/json (the floor for a JSON API).
void BM_Peer_ParsePlanStateAnalysis(benchmark::State& state) {
  const auto& p = plan_data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(json::parse(p.plan));
    benchmark::DoNotOptimize(json::parse(p.state));
    benchmark::DoNotOptimize(json::parse(p.analysis));
  }
}
BENCHMARK(BM_Peer_ParsePlanStateAnalysis)->Unit(benchmark::kMicrosecond);

}  // namespace
