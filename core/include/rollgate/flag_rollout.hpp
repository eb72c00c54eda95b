// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file flag_rollout.hpp
/// @brief Guarded flag rollouts: a coordinator rollout whose traffic is one flag's variation
///        rather than an origin. The plan's serving percentage becomes the coverage of that
///        variation in the configuration the edge serves.
///
/// @par Usage
/// @code
///   auto t = rollgate::parse_flag_target(R"({"flag":"new-checkout","variation":"on"})",
///   "/target"); std::string served = rollgate::with_flag_rollout(stored_config, t, 10.0,
///   std::nullopt, "/target");
///   // `served` is stored_config with new-checkout's fallthrough replaced by
///   // {"rollout":{"coverage":10,"weights":[{"variation":"on","weight":100}]}}
/// @endcode
///
/// The stored configuration is never rewritten: callers keep it and derive the served form from
/// it and the rollout's current action. docs/flag-delivery.md describes the whole flow.
#ifndef ROLLGATE_FLAG_ROLLOUT_HPP
#define ROLLGATE_FLAG_ROLLOUT_HPP

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "rollgate/error.hpp"  // rollgate::error

namespace rollgate {

/// @brief What a guarded flag rollout ramps: the serve of one rule of a flag (by rule id), or
/// the flag's fallthrough when `rule` is empty, becomes a rollout of `variation`.
struct flag_target {
  std::string flag;                 ///< the flag's key
  std::string variation;            ///< the variation being rolled out
  std::optional<std::string> rule;  ///< a rule id; nullopt targets the fallthrough

  /// @brief {"flag","variation"[,"rule"]} as one line of JSON.
  std::string to_json() const;
};

/// @brief A later coverage announced ahead (rollout.hpp's pending increase): from `at_ms` (Unix
/// epoch milliseconds) the coverage is `percent`, so that every page and isolate switches at the
/// same instant.
struct coverage_step {
  std::int64_t at_ms = 0;
  double percent = 0;
};

/// @brief Parses and checks a target, {flag, variation, rule?}: non-empty strings of at most 200
/// bytes, no other members.
/// @param pointer where the target sits in the caller's document ("/target" in a start request);
///        problems' pointers start with it
/// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.plan.620] with the pointer of
///         every problem
flag_target parse_flag_target(std::string_view json_text, std::string_view pointer = "");

/// @brief The flag configuration `config_json` with the target's serve replaced by a rollout of
/// the target variation at coverage `percent`, and, when `next` is given, a ramp from `percent`
/// (at time 0) to next->percent at next->at_ms. Every other member is kept as it is; the result is
/// not compiled (compile() it where it must be checked).
/// @param target_pointer where the target sits in the caller's document, for problems' pointers
/// @throws rollgate::error [rollgate.json.1xx] the configuration is not JSON within compile()'s
///         limits; [rollgate.plan.621] the configuration has no such flag, variation or rule (the
///         pointer names the target's member); [rollgate.plan.622] a percentage not in [0, 100]
///         or a negative instant
std::string with_flag_rollout(std::string_view config_json, const flag_target& target,
                              double percent, const std::optional<coverage_step>& next,
                              std::string_view target_pointer = "");

}  // namespace rollgate

#endif  // ROLLGATE_FLAG_ROLLOUT_HPP
