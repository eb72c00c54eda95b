// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Rollout plans and the state machine (rollout.hpp) through Embind. Every call takes and gives
// JSON text, parsed into the core's typed values here and nowhere else; "" means an error was
// recorded (see common.hpp). One call per coordinator decision, so JSON's cost does not matter.
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS, function

#include <cmath>     // std::isfinite, std::fabs
#include <cstdint>   // std::int64_t
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "common.hpp"
#include "rollgate/canary.hpp"         // rollgate::parse_analysis
#include "rollgate/flag_rollout.hpp"   // rollgate::parse_flag_target, with_flag_rollout
#include "rollgate/rollout.hpp"        // rollgate::rollout_plan, next_action, ...
#include "rollgate/serving_state.hpp"  // rollgate::parse_serving_state

namespace {

using rollgate::wasm::guard;
using rollgate::wasm::json_quote;
using rollgate::wasm::split_nul;

std::int64_t ms(double v) {
  return static_cast<std::int64_t>(v);
}

std::string default_plan(std::string risk) {
  return guard(std::string(),
               [&] { return rollgate::default_plan(rollgate::parse_risk(risk)).to_json(); });
}

bool validate_plan(std::string plan, bool check_measurable, std::string measurable) {
  return guard(false, [&] {
    const auto p = rollgate::rollout_plan::parse(plan);
    if (check_measurable) p.require_measurable(split_nul(measurable));
    return true;
  });
}

/// {"plan": plan, "dropped": [names]}
std::string restrict_plan(std::string plan, std::string measurable) {
  return guard(std::string(), [&] {
    std::vector<std::string> dropped;
    const auto p =
        rollgate::rollout_plan::parse(plan).restricted_to(split_nul(measurable), &dropped);
    std::string out = "{\"plan\":" + p.to_json() + ",\"dropped\":[";
    for (std::size_t i = 0; i < dropped.size(); ++i) out += (i ? "," : "") + json_quote(dropped[i]);
    return out + "]}";
  });
}

std::string stage_canary_config(std::string plan, double stage) {
  return guard(std::string(), [&] {
    return rollgate::rollout_plan::parse(plan).stage_canary_config(static_cast<std::size_t>(stage));
  });
}

/// A guarded flag rollout's target, checked ({flag, variation, rule?} as JSON).
std::string flag_target(std::string target, std::string pointer) {
  return guard(std::string(),
               [&] { return rollgate::parse_flag_target(target, pointer).to_json(); });
}

/// The served form of a flag configuration under a guarded flag rollout (flag_rollout.hpp);
/// has_next false means no increase is announced.
std::string with_flag_rollout(std::string config, std::string target, std::string pointer,
                              double percent, bool has_next, double next_at, double next_percent) {
  return guard(std::string(), [&] {
    std::optional<rollgate::coverage_step> next;
    // A NaN or out-of-range instant becomes -1, which the core refuses (rollgate.plan.622).
    const bool finite_at = std::isfinite(next_at) && std::fabs(next_at) < 9e18;
    if (has_next) next = rollgate::coverage_step{finite_at ? ms(next_at) : -1, next_percent};
    return rollgate::with_flag_rollout(config, rollgate::parse_flag_target(target, pointer),
                                       percent, next, pointer);
  });
}

std::string initial_state(double now_ms) {
  return guard(std::string(), [&] { return rollgate::initial_state(ms(now_ms)).to_json(); });
}

/// analysis "" / "null": none yet. has_units false: no sample-ratio check.
std::string next_action(std::string plan, std::string state, std::string analysis, double now_ms,
                        double announce_ms, bool has_units, double stable_units,
                        double canary_units, double srm_alpha) {
  return guard(std::string(), [&] {
    const auto p = rollgate::rollout_plan::parse(plan);
    const auto s = rollgate::rollout_state::parse(state);
    std::optional<rollgate::analysis> a;
    if (!analysis.empty() && analysis != "null") a = rollgate::parse_analysis(analysis);
    std::optional<rollgate::srm_check> srm;
    if (has_units) {
      srm = rollgate::sample_ratio_check(ms(stable_units), ms(canary_units),
                                         rollgate::serving(p, s), srm_alpha);
    }
    rollgate::step_inputs in;
    in.now_ms = ms(now_ms);
    in.judged = a ? &*a : nullptr;
    in.srm = srm ? &*srm : nullptr;
    in.announce_ms = ms(announce_ms);
    return rollgate::to_json(rollgate::next_action(p, s, in));
  });
}

/// The action, or "null" when nothing was due.
std::string settle(std::string plan, std::string state, double now_ms) {
  return guard(std::string(), [&] {
    const auto a = rollgate::settle(rollgate::rollout_plan::parse(plan),
                                    rollgate::rollout_state::parse(state), ms(now_ms));
    return a ? rollgate::to_json(*a) : std::string("null");
  });
}

std::string step(std::string plan, std::string state, std::string baseline, std::string canary,
                 double stable_units, double canary_units, double now_ms, double announce_ms,
                 double srm_alpha) {
  return guard(std::string(), [&] {
    rollgate::window_data w{std::move(baseline), std::move(canary), ms(stable_units),
                            ms(canary_units)};
    return rollgate::to_json(rollgate::step(rollgate::rollout_plan::parse(plan),
                                            rollgate::rollout_state::parse(state), w,
                                            {ms(now_ms), ms(announce_ms), srm_alpha}));
  });
}

std::string start_rollout(std::string plan, double now_ms, std::string reason) {
  return guard(std::string(), [&] {
    return rollgate::to_json(
        rollgate::start_rollout(rollgate::rollout_plan::parse(plan), ms(now_ms), reason));
  });
}

std::string apply_command(std::string plan, std::string state, std::string command, double now_ms,
                          std::string reason) {
  return guard(std::string(), [&] {
    return rollgate::to_json(rollgate::apply_command(
        rollgate::rollout_plan::parse(plan), rollgate::rollout_state::parse(state),
        rollgate::parse_command(command), ms(now_ms), reason));
  });
}

/// Why an edge cannot serve by this state, or "" when it can (never an error: a value).
std::string serving_state_problem(std::string state) {
  return rollgate::parse_serving_state(state).problem;
}

}  // namespace

EMSCRIPTEN_BINDINGS(rollgate_rollout) {
  using namespace emscripten;
  function("defaultPlan", &default_plan);
  function("validatePlan", &validate_plan);
  function("restrictPlan", &restrict_plan);
  function("stageCanaryConfig", &stage_canary_config);
  function("initialState", &initial_state);
  function("flagTarget", &flag_target);
  function("withFlagRollout", &with_flag_rollout);
  function("nextAction", &next_action);
  function("settleRollout", &settle);
  function("rolloutStep", &step);
  function("startRollout", &start_rollout);
  function("applyCommand", &apply_command);
  function("servingStateProblem", &serving_state_problem);
}
