// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file rollout.hpp
/// @brief Rollout plans (stages of traffic, minimum windows, gates) and the pure state machine
///        that owns the whole rollout policy: when to advance, hold, roll back or complete, what
///        an operator's pause / resume / rollback does, when a sample-ratio mismatch blocks
///        advancing, and when a traffic increase takes effect.
///
/// @par Usage
/// @code
///   rollgate::rollout_plan plan = rollgate::default_plan(rollgate::risk::medium);  // 1→10→50→100%
///   rollgate::rollout_action act = rollgate::start_rollout(plan, now_ms);
///   store(act.state);                         // route act.serving_coverage of traffic (kScale
///   units)
///   // ... every few seconds, with the current window's data:
///   rollgate::window_data w{baseline_json, canary_json, stable_new_units, canary_new_units};
///   rollgate::rollout_step s = rollgate::step(plan, state, w, {now_ms, announce_ms, srm_alpha});
///   // s.analysis: the judge's verdict (canary.hpp); s.srm: the sample-ratio check;
///   // s.action: advance / hold / rollback / complete, the traffic to serve, the new state.
///   // An operator:
///   act = rollgate::apply_command(plan, state, rollgate::command::pause, now_ms, "freeze");
/// @endcode
///
/// Everything is pure: no clock, no I/O; the same inputs always give the same action. JSON is
/// only at the edges of this API (parse() / to_json(), for bindings, storage and the CLI); the
/// formats are documented in docs/rollout.md with examples.
#ifndef ROLLGATE_ROLLOUT_HPP
#define ROLLGATE_ROLLOUT_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint32_t, std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/canary.hpp"  // rollgate::analysis

namespace rollgate {

// ---------------------------------------------------------------------------------------------
// Plans

/// @brief How risky a change is; picks step sizes and windows of the default plan.
enum class risk { low, medium, high };

/// @brief "low", "medium" or "high".
const char* to_string(risk r) noexcept;

/// @brief Parses "low", "medium" or "high".
/// @throws rollgate::error [rollgate.plan.612] for any other text.
risk parse_risk(std::string_view text);

/// @brief One stage of a plan, as validated.
struct plan_stage {
  std::string name;                   ///< "" when the plan gives none
  double percent = 0;                 ///< share of traffic on the new version, (0, 100]
  std::uint32_t coverage = 0;         ///< the same share in kScale units (bucket.hpp), exact
  std::int64_t min_duration_ms = 0;   ///< never leave the stage earlier (except by rolling back)
  std::int64_t max_duration_ms = -1;  ///< roll back if not passed by then; -1: no maximum
  bool has_gates = false;             ///< false: a time-only stage
  std::vector<std::string> gates;     ///< metric names the stage is judged on (in config order)
  std::vector<std::string> watch;     ///< metric names to display (informational)
};

/// @brief The metrics a client measures from the requests it serves (metric_sources::requests),
/// by the names rollgate's plans use. A Server-Timing name or an event may not take one of them.
inline constexpr const char* kRequestMetrics[] = {"errorRate", "latency"};

/// @brief What a client measures (rollout_plan::measurable_from).
struct metric_sources {
  bool requests = true;                    ///< kRequestMetrics, from the requests served
  std::vector<std::string> server_timing;  ///< Server-Timing names collected (server_timing.hpp)
  std::vector<std::string> events;         ///< event names accepted (units.hpp summaries)
};

/// @brief A validated rollout plan (docs/rollout.md, "Plan"). Immutable; cheap enough to copy.
class rollout_plan {
 public:
  /// @brief Parses and validates a plan, listing every problem.
  /// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.plan.601..608] with JSON
  ///         Pointers (every problem found), including [rollgate.canary.5xx] problems of gate
  ///         configs.
  static rollout_plan parse(std::string_view json_text);

  /// @brief The plan as JSON text (the document it was parsed from, normalised).
  /// @param indent -1 for one line, else spaces per level.
  std::string to_json(int indent = -1) const;

  const std::string& name() const noexcept { return name_; }
  const std::vector<plan_stage>& stages() const noexcept { return stages_; }

  /// @brief The canary config (JSON text, for judge()) that gates stage `stage`: the stage's
  ///        inline config, or the plan's "canary" config restricted to the metrics it names;
  ///        "null" for a time-only stage.
  /// @throws rollgate::error [rollgate.plan.610] if stage is out of range.
  std::string stage_canary_config(std::size_t stage) const;

  /// @brief Every metric name that some stage gates on, sorted, without duplicates.
  std::vector<std::string> gated_metrics() const;

  /// @brief This plan with every gate on a metric outside `measurable` removed (from the plan's
  ///        canary config, stage gate lists, inline gate configs and watch lists), for a client
  ///        that picked a default plan and cannot measure everything it gates on.
  /// @param dropped when given, receives the names removed (sorted)
  /// @throws rollgate::error as parse(), should the result not be a valid plan.
  rollout_plan restricted_to(const std::vector<std::string>& measurable,
                             std::vector<std::string>* dropped = nullptr) const;

  /// @brief Refuses a plan that gates on a metric the client cannot measure: such a stage would
  ///        hold until its maximum window and then roll a healthy canary back.
  /// @throws rollgate::error [rollgate.plan.613] for each such gate, pointer
  ///         "/stages/i/gates/k" (or "/stages/i/gates/metrics/k" for an inline config).
  void require_measurable(const std::vector<std::string>& measurable) const;

  /// @brief The metrics this plan gates on that a client with these sources can measure (for
  ///        require_measurable / restricted_to): request metrics `errorRate` and `latency` when
  ///        `requests`; a continuous metric whose name is a collected Server-Timing name; a metric
  ///        whose event (its "event", else its name) is an accepted event name. Sorted.
  std::vector<std::string> measurable_from(const struct metric_sources& sources) const;

 private:
  std::string json_;  // the validated document, compact
  std::string name_;
  std::vector<plan_stage> stages_;
  std::vector<std::string> stage_configs_;  // JSON text per stage, "null" for time-only ones
};

/// @brief The default plan for a risk profile.
/// @return medium is the classic plan: 1% for 15 min (error rate < 0.1%, p99 < 500 ms) →
///         10% for 1 h (+ no conversion regression) → 50% for 4 h (all metrics, no anomalies) →
///         100% watched for 24 h. low takes bigger, shorter steps; high smaller, longer ones.
rollout_plan default_plan(risk r);

// ---------------------------------------------------------------------------------------------
// State

/// @brief Where a rollout stands.
enum class rollout_status { running, paused, rolled_back, completed };

/// @brief "running", "paused", "rolledBack" or "completed" (the JSON spelling).
const char* to_string(rollout_status s) noexcept;

/// @brief What happened (an action of the state machine, or an operator's command).
enum class action_kind { advance, hold, rollback, complete, start, pause, resume };

/// @brief "advance", "hold", "rollback", "complete", "start", "pause" or "resume".
const char* to_string(action_kind k) noexcept;

/// @brief One recorded transition (holds are not recorded).
struct history_entry {
  std::int64_t at_ms = 0;
  action_kind action = action_kind::hold;
  std::string actor;  ///< "coordinator" (the state machine) or "operator" (a command)
  std::size_t from_stage = 0;
  std::size_t to_stage = 0;
  double percent = 0;  ///< target percentage after the transition
  std::string reason;
};

/// @brief An announced increase: clients switch to the new percentage at `at_ms`, all at once.
struct pending_increase {
  double from_percent = 0;  ///< what is served until at_ms
  std::uint32_t from_coverage = 0;
  std::int64_t at_ms = 0;  ///< when the stage's percentage takes effect
};

/// @brief The rollout's state (docs/rollout.md, "State"). Store it between calls.
struct rollout_state {
  /// At most this many history entries are kept; older ones are dropped and counted.
  static constexpr std::size_t kMaxHistory = 200;

  std::size_t stage = 0;
  std::int64_t stage_start_ms = 0;  ///< when the stage's percentage took effect
  rollout_status status = rollout_status::running;
  /// Id of the measurement window: a new window starts whenever the served percentage changes
  /// (and at a rollback), so each window's data comes from one percentage only.
  std::uint64_t window = 1;
  std::optional<pending_increase> pending;  ///< an increase decided but not yet in force
  std::vector<history_entry> history;       ///< oldest first, at most kMaxHistory
  std::uint64_t history_dropped = 0;        ///< entries dropped from the front

  /// @brief Parses a stored state ({"stage","stageStartMs","status","history"} and the optional
  ///        "window", "pending", "historyDropped").
  /// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.plan.610] (every problem).
  static rollout_state parse(std::string_view json_text);
  /// @brief The state as compact JSON text (camelCase keys).
  std::string to_json() const;
};

/// @brief The state of a new rollout started at now_ms (stage 0, running, window 1).
rollout_state initial_state(std::int64_t now_ms) noexcept;

/// @brief Traffic to send to the new version: a percentage and the same share in kScale units.
struct traffic {
  double percent = 0;
  std::uint32_t coverage = 0;
};

/// @brief What clients serve now: 0 after a rollback, 100 once completed, the previous stage's
///        share while an increase is announced, else the stage's.
/// @throws rollgate::error [rollgate.plan.610] if state.stage is out of the plan's range.
traffic serving(const rollout_plan& plan, const rollout_state& state);

// ---------------------------------------------------------------------------------------------
// Transitions

/// @brief The sample-ratio check of one window: did each arm get its configured share of the
///        units? A mismatch means the comparison is not trustworthy (broken assignment, a cache
///        serving one arm, bots), so the rollout never advances on it.
struct srm_check {
  bool checked = false;  ///< false when the window is too small or the split is 0% / 100%
  bool failed = false;   ///< checked and p_value < alpha
  double statistic = 0;  ///< chi-square statistic (when checked)
  double p_value = 1;
  double df = 1;
  double alpha = 0.001;
  std::int64_t stable_units = 0;
  std::int64_t canary_units = 0;
  double canary_percent = 0;  ///< the configured canary share the units are compared with
  std::string reason;         ///< one sentence (why unchecked, or the result)
};

/// @brief Chi-square test of units per arm against the served split. Checked only when
///        0 < canary_percent < 100 and the smaller arm expects at least 5 units (where the
///        chi-square approximation holds).
/// @param stable_units,canary_units units first seen in the window, per arm: each unit exists
///        once and falls in the canary with probability p on its own (requests are not
///        independent: a returning user brings all their requests to one arm).
/// @throws rollgate::error [rollgate.stats.404] negative counts, [rollgate.stats.406] alpha
///         outside (0, 1).
srm_check sample_ratio_check(std::int64_t stable_units, std::int64_t canary_units,
                             const traffic& served, double alpha);

/// @brief Inputs of one step of the state machine besides plan and state.
struct step_inputs {
  std::int64_t now_ms = 0;           ///< the clock, epoch milliseconds (>= 0)
  const analysis* judged = nullptr;  ///< the current window's analysis, or nullptr (none yet)
  const srm_check* srm = nullptr;    ///< the window's sample-ratio check, or nullptr
  /// Increases take effect this long after they are decided (clients that cache the state for
  /// up to this long then all switch at the same instant, so no unit flips back from the new
  /// version to the old). Decreases are never delayed. 0: at once.
  std::int64_t announce_ms = 0;
};

/// @brief The result of a transition.
struct rollout_action {
  action_kind kind = action_kind::hold;
  traffic target;  ///< the stage's traffic after acting (0 after a rollback)
  traffic serve;   ///< what clients serve now (differs from target while announced)
  std::size_t stage = 0;
  rollout_status status = rollout_status::running;
  bool new_window = false;           ///< a new measurement window starts: discard the window's data
  std::vector<std::string> reasons;  ///< why, in words (never empty)
  rollout_state state;               ///< the new state; store it and pass it back next time
};

/// @brief The pure state machine: what to do now.
/// @return rules, in order (docs/rollout.md): an announced increase that is due takes effect;
///         rolledBack stays rolled back (hold at 0%); completed stays completed; a critical
///         failure rolls back at once (even paused, even before the window); paused holds;
///         before the stage's minimum window: hold; ROLLBACK rolls back; past maxDurationMs
///         without PASS: roll back; a failed sample-ratio check holds; PASS advances (announced
///         when announce_ms > 0 and traffic is already flowing) or completes at the last stage;
///         otherwise hold.
/// @throws rollgate::error [rollgate.plan.610] state out of the plan's range or now_ms < 0.
rollout_action next_action(const rollout_plan& plan, const rollout_state& state,
                           const step_inputs& inputs);

/// @brief Applies an announced increase once it is due (call it often: each window must start
///        when the new percentage takes effect).
/// @return the action (kind hold, new_window true) when one took effect, else nullopt.
std::optional<rollout_action> settle(const rollout_plan& plan, const rollout_state& state,
                                     std::int64_t now_ms);

/// @brief The data of one measurement window, for step().
struct window_data {
  std::string baseline_json;      ///< judge input of the stable arm: {"metrics": {name: data}}
  std::string canary_json;        ///< judge input of the canary arm
  std::int64_t stable_units = 0;  ///< units first seen in this window, per arm (SRM sample)
  std::int64_t canary_units = 0;
};

/// @brief Options of step().
struct step_options {
  std::int64_t now_ms = 0;
  std::int64_t announce_ms = 0;  ///< see step_inputs::announce_ms
  double srm_alpha = 0.001;      ///< level of the sample-ratio check
};

/// @brief What step() decided, and on what evidence.
struct rollout_step {
  std::optional<analysis> judged;  ///< the window's analysis; none for time-only stages
  srm_check srm;
  rollout_action action;
};

/// @brief One evaluation of a running rollout: judges the window against the current stage's
///        gates (skipped when the rollout is over or the stage is time-only), checks the sample
///        ratio, and runs next_action on both.
/// @throws rollgate::error as next_action; judge()'s [rollgate.canary.510..512] for malformed
///         window data.
rollout_step step(const rollout_plan& plan, const rollout_state& state, const window_data& window,
                  const step_options& options);

/// @brief The state and first action of a new rollout started at now_ms (recorded as "start"
///        by the operator).
rollout_action start_rollout(const rollout_plan& plan, std::int64_t now_ms,
                             std::string_view reason = {});

/// @brief An operator's command.
enum class command { pause, resume, rollback };

/// @brief Parses "pause", "resume" or "rollback".
/// @throws rollgate::error [rollgate.plan.614] for any other text.
command parse_command(std::string_view text);

/// @brief Applies an operator's command: pause (running → paused, traffic stays), resume
///        (paused → running), rollback (anything but rolledBack → rolledBack at 0% at once, a new
///        window, any announced increase cancelled).
/// @param reason recorded in the history ("<command> requested by an operator" when empty)
/// @throws rollgate::error [rollgate.plan.614] when the command does not apply to the status
///         (e.g. pausing a paused rollout), [rollgate.plan.610] bad state.
rollout_action apply_command(const rollout_plan& plan, const rollout_state& state, command cmd,
                             std::int64_t now_ms, std::string_view reason = {});

/// @brief The action as JSON text: {"action", "percent", "coverage", "servingPercent",
///        "servingCoverage", "stage", "status", "newWindow", "reasons", "state"} (camelCase).
std::string to_json(const rollout_action& action);
/// @brief The sample-ratio check as JSON text.
std::string to_json(const srm_check& check);
/// @brief {"action": ..., "analysis": ...|null, "srm": ...}.
std::string to_json(const rollout_step& step);

}  // namespace rollgate

#endif  // ROLLGATE_ROLLOUT_HPP
