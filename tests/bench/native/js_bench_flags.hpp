// The flag, configuration and contexts of the node benchmark (tests/bench/node/flags.mjs) in C++:
// two targeting rules ("groups contains beta" -> on, "country in DE/FR" -> off) and a 50% rollout
// of one "on" variation, over 10-attribute contexts. One definition for the native benchmark
// (flags_bench.cpp) and the in-WebAssembly loop (tests/bench/wasm/flags_loop.cpp), so that the
// three figures (native, core in WASM, from JS) are of the same work.
#ifndef ROLLGATE_BENCH_JS_BENCH_FLAGS_HPP
#define ROLLGATE_BENCH_JS_BENCH_FLAGS_HPP

#include <cstddef>  // std::size_t
#include <string>   // std::string, std::to_string

#include "rollgate/flags.hpp"

namespace rollgate_bench {

/// The benchmark's flag under `key`.
inline std::string js_flag(const std::string& key) {
  return R"({"key": ")" + key +
         R"(", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
  "defaultVariation": "off",
  "rules": [
    {"id": "beta", "conditions": [{"attribute": "groups", "op": "contains", "value": "beta"}], "serve": {"variation": "on"}},
    {"id": "eu", "conditions": [{"attribute": "country", "op": "in", "values": ["DE", "FR"]}], "serve": {"variation": "off"}}],
  "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 100}], "coverage": 50}}})";
}

/// User `i`'s context, as tests/bench/node/flags.mjs builds it (10 attributes, 3 of them used).
inline std::string js_context(std::size_t i) {
  const char* countries[] = {"DE", "FR", "US", "JP", "GB", "BR", "IN"};
  const bool beta = i % 10 == 0;
  return R"({"targetingKey": "user-)" + std::to_string(i) + R"(", "country": ")" +
         countries[i % 7] + R"(", "groups": )" + (beta ? R"(["beta", "news"])" : R"(["news"])") +
         R"(, "email": "u)" + std::to_string(i) + R"(@example.org", "plan": ")" +
         (i % 3 ? "free" : "pro") + R"(", "appVersion": "2.)" + std::to_string(i % 10) +
         R"(.1", "platform": "web", "age": )" + std::to_string(18 + i % 50) + R"(, "beta": )" +
         (beta ? "true" : "false") + R"(, "createdAt": "2025-01-01T00:00:00Z"})";
}

/// The configuration of `flags` such flags, flag-0 to flag-<flags - 1>.
inline rollgate::evaluator js_evaluator(int flags) {
  std::string list;
  for (int f = 0; f < flags; ++f) list += (f ? "," : "") + js_flag("flag-" + std::to_string(f));
  return rollgate::compile(R"({"schemaVersion": 1, "flags": [)" + list + "]}");
}

}  // namespace rollgate_bench

#endif  // ROLLGATE_BENCH_JS_BENCH_FLAGS_HPP
