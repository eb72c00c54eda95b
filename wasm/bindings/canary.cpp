// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The canary judge (canary.hpp) and rollout plans (rollout.hpp) through Embind. Both APIs take and
// give JSON text, so each binding is one call: JSON in, JSON out, "" after recording an error.
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS, function

#include <cmath>    // std::isfinite
#include <cstdint>  // std::int64_t
#include <string>   // std::string

#include "common.hpp"
#include "rollgate/canary.hpp"   // rollgate::judge, validate_canary_config, to_json
#include "rollgate/rollout.hpp"  // rollgate::next_action, default_plan, ...

namespace {

using rollgate::wasm::guard;

std::string judge(std::string config, std::string baseline, std::string canary) {
  return guard(std::string(),
               [&] { return rollgate::to_json(rollgate::judge(config, baseline, canary)); });
}

bool validate_canary_config(std::string config) {
  return guard(false, [&] {
    rollgate::validate_canary_config(config);
    return true;
  });
}

std::string default_plan(std::string risk) {
  return guard(std::string(), [&] { return rollgate::default_plan(rollgate::parse_risk(risk)); });
}

bool validate_plan(std::string plan) {
  return guard(false, [&] {
    rollgate::validate_plan(plan);
    return true;
  });
}

std::string stage_canary_config(std::string plan, double stage) {
  return guard(std::string(), [&] {
    return rollgate::stage_canary_config(plan, static_cast<std::size_t>(stage));
  });
}

std::string initial_state(double now_ms) {
  return guard(std::string(),
               [&] { return rollgate::initial_state(static_cast<std::int64_t>(now_ms)); });
}

std::string next_action(std::string plan, std::string state, std::string analysis, double now_ms) {
  return guard(std::string(), [&] {
    return rollgate::to_json(
        rollgate::next_action(plan, state, analysis, static_cast<std::int64_t>(now_ms)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(rollgate_canary) {
  using namespace emscripten;
  function("judge", &judge);
  function("validateCanaryConfig", &validate_canary_config);
  function("defaultPlan", &default_plan);
  function("validatePlan", &validate_plan);
  function("stageCanaryConfig", &stage_canary_config);
  function("initialState", &initial_state);
  function("nextAction", &next_action);
}
