// Cost of evaluating flags with the compiled evaluator, beside the peer a user would otherwise
// write: the same three rules and rollout hand-coded in C++ (string compares + bucketer), i.e.
// the floor a generic evaluator can approach.
//
// - FlagEval/prebuilt: one flag (3 rules + a 2-variant rollout at 50% coverage) for a 10-attribute
//   context built once through attribute ids (the WASM hot path). Goal: < 100 ns.
// - FlagEval/from_json: the same, refilling a reused context from JSON text every time.
// - EvaluateAll/100 flags: evaluate_all into a reused vector; items/s = evaluations per second.
// - FlagEval/js_bench, EvaluateAll/js_bench_20: the flag and contexts of the node benchmark
//   (tests/bench/node/flags.mjs), the native twin of its WASM figures; FlagEval/js_bench_fill
//   refills the context from values each time, as one JS evaluate() must.
// - FlagEval/flagd: the same flag written as an OpenFeature flagd definition (JSON Logic `if`
//   chain, `sem_ver`, `in`, a `fractional` with a null bucket for the uncovered half), compiled
//   with config_format::flagd: the cost of flagd's semantics in rollgate's evaluator.
// Each benchmark cycles over 256 contexts (distinct targeting keys and attribute values).
// Run: build/<dir>/tests/bench/native/rollgate_bench
// --benchmark_filter='FlagEval|EvaluateAll|HandWritten'
#include <benchmark/benchmark.h>

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "detail/semver.hpp"   // the peer's semver comparison (the same one a user could reuse)
#include "js_bench_flags.hpp"  // the node benchmark's flag and contexts
#include "rollgate/bucket.hpp"
#include "rollgate/flags.hpp"

namespace {

constexpr std::size_t kContexts = 256;

const char* const kFlag = R"({"key": "checkout", "variations": [
    {"key": "on", "value": true}, {"key": "off", "value": false}],
  "defaultVariation": "off",
  "rules": [
    {"conditions": [{"attribute": "country", "op": "equals", "value": "XX"}], "serve": {"variation": "off"}},
    {"conditions": [{"attribute": "appVersion", "op": "semverLt", "value": "1.0.0"}], "serve": {"variation": "off"}},
    {"conditions": [{"attribute": "plan", "op": "in", "values": ["internal", "staff"]}], "serve": {"variation": "on"}}],
  "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}],
                              "coverage": 50}}})";

std::string config_one() {
  return std::string(R"({"schemaVersion": 1, "flags": [)") + kFlag + "]}";
}

std::string context_json(std::size_t i) {
  const char* countries[] = {"DE", "FR", "US", "JP"};
  return R"({"targetingKey": "user-)" + std::to_string(i * 7919) + R"(", "country": ")" +
         countries[i % 4] + R"(", "appVersion": "2.)" + std::to_string(i % 10) +
         R"(.1", "plan": ")" + (i % 3 ? "free" : "pro") + R"(", "email": "u)" + std::to_string(i) +
         R"(@example.org", "age": )" + std::to_string(18 + i % 50) +
         R"(, "beta": false, "platform": "web", "groups": ["a", "b"], "createdAt": "2025-01-01T00:00:00Z"})";
}

void FlagEval_prebuilt(benchmark::State& state) {
  const auto ev = rollgate::compile(config_one());
  std::vector<rollgate::context> contexts;
  for (std::size_t i = 0; i < kContexts; ++i)
    contexts.push_back(rollgate::context::from_json(ev, context_json(i)));
  const std::size_t flag = *ev.flag_index("checkout");
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ev.evaluate(flag, contexts[i++ % kContexts], 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(FlagEval_prebuilt)->Name("FlagEval/prebuilt");

const char* const kFlagdConfig = R"({"flags": {"checkout": {"state": "ENABLED",
  "variants": {"on": true, "off": false}, "defaultVariant": "off",
  "targeting": {"if": [
    {"==": [{"var": "country"}, "XX"]}, "off",
    {"sem_ver": [{"var": "appVersion"}, "<", "1.0.0"]}, "off",
    {"in": [{"var": "plan"}, ["internal", "staff"]]}, "on",
    {"fractional": [["on", 25], ["off", 25], [null, 50]]}]}}}})";

void FlagEval_flagd(benchmark::State& state) {
  const auto ev = rollgate::compile(kFlagdConfig, rollgate::config_format::flagd);
  std::vector<rollgate::context> contexts;
  for (std::size_t i = 0; i < kContexts; ++i)
    contexts.push_back(rollgate::context::from_json(ev, context_json(i)));
  const std::size_t flag = *ev.flag_index("checkout");
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ev.evaluate(flag, contexts[i++ % kContexts], 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(FlagEval_flagd)->Name("FlagEval/flagd");

void FlagEval_from_json(benchmark::State& state) {
  const auto ev = rollgate::compile(config_one());
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < kContexts; ++i) texts.push_back(context_json(i));
  rollgate::context ctx(ev);
  const std::size_t flag = *ev.flag_index("checkout");
  std::size_t i = 0;
  for (auto _ : state) {
    ctx.assign_json(ev, texts[i++ % kContexts]);
    benchmark::DoNotOptimize(ev.evaluate(flag, ctx, 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(FlagEval_from_json)->Name("FlagEval/from_json");

// The peer: the same decision hand-coded against plain strings.
struct plain_context {
  std::string key, country, app_version, plan;
};

void HandWritten_same_rules(benchmark::State& state) {
  std::vector<plain_context> contexts;
  const char* countries[] = {"DE", "FR", "US", "JP"};
  for (std::size_t i = 0; i < kContexts; ++i) {
    contexts.push_back({"user-" + std::to_string(i * 7919), countries[i % 4],
                        "2." + std::to_string(i % 10) + ".1", i % 3 ? "free" : "pro"});
  }
  const rollgate::bucketer b("checkout");
  const auto min_version = *rollgate::detail::parse_semver("1.0.0");
  const std::uint32_t weights[] = {50000, 50000};
  std::size_t i = 0;
  for (auto _ : state) {
    const plain_context& c = contexts[i++ % kContexts];
    bool on;
    const auto v = rollgate::detail::parse_semver(c.app_version);
    if (c.country == "XX")
      on = false;
    else if (v && rollgate::detail::compare_semver(*v, min_version) < 0)
      on = false;
    else if (c.plan == "internal" || c.plan == "staff")
      on = true;
    else if (!b.in_coverage(c.key, 50000))
      on = false;
    else
      on = b.pick_variant(c.key, weights) == 0;
    benchmark::DoNotOptimize(on);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(HandWritten_same_rules)->Name("HandWritten/same_rules");

void EvaluateAll_100_flags(benchmark::State& state) {
  std::string flags;
  for (int f = 0; f < 100; ++f) {
    std::string one = kFlag;
    one.replace(one.find("checkout"), 8, "flag-" + std::to_string(f));
    if (f % 4 == 1) one.replace(one.find("\"defaultVariation\""), 0, "\"enabled\": false, ");
    flags += (f ? "," : "") + one;
  }
  const auto ev = rollgate::compile(R"({"schemaVersion": 1, "flags": [)" + flags + "]}");
  std::vector<rollgate::context> contexts;
  for (std::size_t i = 0; i < kContexts; ++i)
    contexts.push_back(rollgate::context::from_json(ev, context_json(i)));
  std::vector<rollgate::evaluation> out;
  std::size_t i = 0;
  for (auto _ : state) {
    ev.evaluate_all(contexts[i++ % kContexts], 0, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(EvaluateAll_100_flags)->Name("EvaluateAll/100_flags");

// The flag and contexts of the node benchmark (tests/bench/node/flags.mjs), so that the WASM
// figure there has its native twin: js_bench_flags.hpp.
using rollgate_bench::js_context;
using rollgate_bench::js_evaluator;

void FlagEval_js_bench(benchmark::State& state) {
  const auto ev = js_evaluator(20);
  std::vector<rollgate::context> contexts;
  for (std::size_t i = 0; i < kContexts; ++i)
    contexts.push_back(rollgate::context::from_json(ev, js_context(i)));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ev.evaluate(std::size_t{0}, contexts[i++ % kContexts], 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(FlagEval_js_bench)->Name("FlagEval/js_bench");

// The same, filling a reused context from values on every iteration (clear, then one set() per
// attribute the configuration uses, as the WASM binding does from JS's encoded buffer): the
// native cost of what one JS evaluate() call must do.
void FlagEval_js_bench_fill(benchmark::State& state) {
  const auto ev = js_evaluator(20);
  const char* countries[] = {"DE", "FR", "US", "JP", "GB", "BR", "IN"};
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < kContexts; ++i) keys.push_back("user-" + std::to_string(i));
  const std::vector<std::string_view> beta = {"beta", "news"};
  const std::vector<std::string_view> news = {"news"};
  const auto key_id = ev.attribute("targetingKey");
  const auto country_id = ev.attribute("country");
  const auto groups_id = ev.attribute("groups");
  rollgate::context ctx(ev);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t u = i++ % kContexts;
    ctx.clear();
    ctx.set(key_id, std::string_view(keys[u]));
    ctx.set(country_id, countries[u % 7]);
    ctx.set(groups_id, u % 10 == 0 ? beta : news);
    benchmark::DoNotOptimize(ev.evaluate(std::size_t{0}, ctx, 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(FlagEval_js_bench_fill)->Name("FlagEval/js_bench_fill");

void EvaluateAll_js_bench_20(benchmark::State& state) {
  const auto ev = js_evaluator(20);
  std::vector<rollgate::context> contexts;
  for (std::size_t i = 0; i < kContexts; ++i)
    contexts.push_back(rollgate::context::from_json(ev, js_context(i)));
  std::vector<rollgate::evaluation> out;
  std::size_t i = 0;
  for (auto _ : state) {
    ev.evaluate_all(contexts[i++ % kContexts], 0, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 20);
}
BENCHMARK(EvaluateAll_js_bench_20)->Name("EvaluateAll/js_bench_20");

}  // namespace
