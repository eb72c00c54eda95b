// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file canary.hpp
/// @brief The canary judge: compares each metric of a canary against its baseline (and against
///        absolute gates), scores the result and decides PASS / HOLD / ROLLBACK.
///
/// @par Usage
/// @code
///   rollgate::analysis a = rollgate::judge(config_json, baseline_json, canary_json);
///   if (a.verdict == rollgate::decision::rollback) { ... }
///   std::string report = rollgate::to_json(a);    // camelCase JSON, see docs/canary.md
/// @endcode
///
/// Inputs (JSON text; docs/canary.md is the normative description, with examples):
/// - config: {"metrics": [{"name", "kind": "continuous"|"rate", "direction": "increase"|
///   "decrease"|"either", "allowedChange": {"relative", "absolute"}, "critical", "group",
///   "weight", "test", "quantiles", "gates": [{"stat", "max"|"min"}], ...}], "alpha",
///   "scoreThresholds": {"pass", "marginal"}, "groupWeights": {...}}
/// - baseline / canary: {"metrics": {name: data}}, data being raw samples [numbers], a quantile
///   sketch (JSON of sketch.hpp) or counts {"events", "total"}.
///
/// Semantics follow Kayenta's NetflixACAJudge where they fit (directions, critical metrics,
/// group weights, pass/marginal thresholds); docs/canary.md lists where and why we differ.
/// NoData (no data, too little data, NaN, inconclusive) is an explicit outcome with a reason and
/// never counts as a pass.
#ifndef ROLLGATE_CANARY_HPP
#define ROLLGATE_CANARY_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate {

/// @brief Outcome for one metric (or one check of a metric).
enum class classification { pass, high, low, no_data };

/// @brief "Pass", "High", "Low" or "NoData" (the JSON spelling).
const char* to_string(classification c) noexcept;

/// @brief Overall decision.
enum class decision { pass, hold, rollback };

/// @brief "PASS", "HOLD" or "ROLLBACK" (the JSON spelling).
const char* to_string(decision d) noexcept;

/// @brief One check of a metric: the comparison of a location shift, of a tail quantile, of a
///        rate, or an absolute gate. Numbers that do not apply are NaN (null in JSON).
struct check_result {
  std::string check;  ///< "shift", "quantile", "rate" or "gate"
  std::string label;  ///< e.g. "mannWhitney", "p99", "fisher", "p99 <= 500"
  classification outcome = classification::no_data;
  double p_value;   ///< two-sided p-value of the test used, NaN if none
  double estimate;  ///< canary - baseline (shift, quantile, rate difference) or the gated value
  double lower;     ///< confidence interval of the estimate (NaN if none)
  double upper;
  double allowed;      ///< allowed change (absolute units) or the gate's bound
  double baseline;     ///< the statistic in the baseline (median, quantile, rate), NaN if none
  double canary;       ///< the statistic in the canary
  std::string reason;  ///< one sentence
};

/// @brief Result for one metric.
struct metric_result {
  std::string name;
  std::string kind;       ///< "continuous" or "rate"
  std::string direction;  ///< "increase", "decrease" or "either" (the direction that is bad)
  std::string group;
  double weight = 1;
  bool critical = false;
  bool must_have_data = true;
  classification outcome = classification::no_data;
  std::string test;  ///< test of the primary comparison ("mannWhitney", "fisher", ...)
  double p_value;    ///< of the primary comparison (NaN if none)
  double estimate;   ///< primary effect: shift or rate difference, canary - baseline
  double lower;      ///< its confidence interval
  double upper;
  double baseline_count;  ///< samples (or trials) seen in the baseline
  double canary_count;
  std::vector<std::string> reasons;  ///< why this outcome (never empty)
  std::vector<check_result> checks;  ///< every check that ran
};

/// @brief Score of one group: 100 * passing weight / classified weight.
struct group_score {
  std::string name;
  double weight;  ///< the group's configured weight (or its share of the rest)
  double score;   ///< NaN when no metric of the group had data
};

/// @brief The judge's whole answer.
struct analysis {
  std::vector<metric_result> metrics;  ///< in config order
  std::vector<group_score> groups;     ///< in order of first appearance
  double score;                        ///< 0..100, NaN when nothing could be scored
  decision verdict = decision::hold;
  std::vector<std::string> critical_failures;  ///< names of critical metrics that failed
  std::vector<std::string> reasons;            ///< why this decision (never empty)
};

/// @brief Checks a canary config and lists every problem.
/// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.canary.501..509] with JSON
///         Pointers, every problem found.
void validate_canary_config(std::string_view canary_config_json);

/// @brief Judges the canary against the baseline.
/// @param canary_config_json the metric list and judge options (validated here)
/// @param baseline_json {"metrics": {name: data}}
/// @param canary_json {"metrics": {name: data}}
/// @return per-metric outcomes, score and decision: a failing critical metric → ROLLBACK; every
///         metric Pass (and score >= scoreThresholds.pass) → PASS; score below
///         scoreThresholds.marginal → ROLLBACK; otherwise HOLD.
/// @throws rollgate::error config problems as validate_canary_config; [rollgate.canary.510..512]
///         for malformed data (wrong shapes, events > total, bad sketch) with JSON Pointers.
analysis judge(std::string_view canary_config_json, std::string_view baseline_json,
               std::string_view canary_json);

/// @brief The analysis as JSON text (camelCase; NaN numbers become null). See docs/canary.md.
std::string to_json(const analysis& result);

/// @brief Reads an analysis back from its JSON text (what to_json wrote, e.g. stored by a
///        coordinator). Only "decision" is required; "criticalFailures", "reasons", "score",
///        "groups" and "metrics" are read when present (null numbers become NaN), so a minimal
///        {"decision": "PASS"} is a valid analysis for the rollout state machine.
/// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.plan.611] wrong shapes, each
///         with its JSON Pointer.
analysis parse_analysis(std::string_view json_text);

}  // namespace rollgate

#endif  // ROLLGATE_CANARY_HPP
