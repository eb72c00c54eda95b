// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file rollout.hpp
/// @brief Rollout plans (stages of traffic, minimum windows, gates) and the pure state machine
///        that turns (plan, state, analysis, clock) into the next action.
///
/// @par Usage
/// @code
///   std::string plan = rollgate::default_plan(rollgate::risk::medium);   // 1% → 10% → 50% → 100%
///   std::string state = rollgate::initial_state(now_ms);                 // stage 0, running
///   // ... every few minutes: judge the current stage's metrics, then
///   std::string config = rollgate::stage_canary_config(plan, stage);     // gates of that stage
///   rollgate::analysis a = rollgate::judge(config, baseline, canary);    // canary.hpp
///   rollgate::rollout_action act =
///       rollgate::next_action(plan, state, rollgate::to_json(a), now_ms);
///   // act.kind: advance / hold / rollback / complete; act.percent: traffic to route;
///   // act.state_json: store it and pass it back next time.
/// @endcode
///
/// Everything crosses the API as JSON text so that the WASM binding and the JS edge coordinator
/// use the same shapes; docs/rollout.md documents them with examples. The state machine is pure:
/// no clock, no I/O, the same inputs always give the same action.
#ifndef ROLLGATE_ROLLOUT_HPP
#define ROLLGATE_ROLLOUT_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate {

/// @brief How risky a change is; picks step sizes and windows of the default plan.
enum class risk { low, medium, high };

/// @brief "low", "medium" or "high".
const char* to_string(risk r) noexcept;

/// @brief Parses "low", "medium" or "high".
/// @throws rollgate::error [rollgate.plan.612] for any other text.
risk parse_risk(std::string_view text);

/// @brief The default plan for a risk profile, as JSON text (a valid plan).
/// @return medium is the classic plan: 1% for 15 min (error rate < 0.1%, p99 < 500 ms) →
///         10% for 1 h (+ no conversion regression) → 50% for 4 h (all metrics, no anomalies) →
///         100% watched for 24 h. low takes bigger, shorter steps; high smaller, longer ones.
std::string default_plan(risk r);

/// @brief Checks a plan and lists every problem.
/// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.plan.601..608] (all problems,
///         with JSON Pointers), including [rollgate.canary.5xx] problems of inline gate configs.
void validate_plan(std::string_view plan_json);

/// @brief The canary config (JSON text, for judge()) that gates stage `stage` of a plan: the
///        stage's inline config, or the plan's "canary" config restricted to the metrics the
///        stage names.
/// @throws rollgate::error as validate_plan; [rollgate.plan.610] if stage is out of range.
std::string stage_canary_config(std::string_view plan_json, std::size_t stage);

/// @brief The state of a new rollout started at now_ms (stage 0, running, empty history).
std::string initial_state(std::int64_t now_ms);

/// @brief What the coordinator should do now.
enum class action_kind { advance, hold, rollback, complete };

/// @brief "advance", "hold", "rollback" or "complete".
const char* to_string(action_kind k) noexcept;

/// @brief The result of next_action().
struct rollout_action {
  action_kind kind = action_kind::hold;
  double percent = 0;     ///< traffic share (0..100) the canary should receive after acting
  std::size_t stage = 0;  ///< stage index after acting
  std::string status;     ///< "running", "paused", "rolledBack" or "completed" after acting
  std::vector<std::string> reasons;  ///< why, in words (never empty)
  std::string state_json;            ///< the new state; pass it to the next call
};

/// @brief The pure state machine.
/// @param plan_json a plan (validated here)
/// @param state_json {"stage","stageStartMs","status","history"} as made by initial_state()
///        or returned in rollout_action::state_json
/// @param analysis_json to_json(analysis) of the current stage, or "null"/"" when none yet
/// @param now_ms the clock, epoch milliseconds
/// @return rules, in order: rolledBack stays rolled back (hold at 0%); completed stays
///         completed; a critical failure rolls back at once (even paused, even before the
///         window); paused holds; before the stage's minimum window: hold; ROLLBACK rolls back;
///         past maxDurationMs without PASS: roll back; PASS advances (or completes at the last
///         stage); otherwise hold.
/// @throws rollgate::error plan problems as validate_plan; [rollgate.plan.610] bad state;
///         [rollgate.plan.611] bad analysis; [rollgate.json.1xx] unparsable input.
rollout_action next_action(std::string_view plan_json, std::string_view state_json,
                           std::string_view analysis_json, std::int64_t now_ms);

/// @brief {"action","percent","stage","status","reasons","state"} (camelCase, see docs/rollout.md).
std::string to_json(const rollout_action& action);

}  // namespace rollgate

#endif  // ROLLGATE_ROLLOUT_HPP
