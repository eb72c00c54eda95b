// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file serving_state.hpp
/// @brief The rollout state an edge instance serves by: the JSON the coordinator hands every
///        Cloudflare isolate and Fastly instance (`GET /__rollgate/internal/state`, docs/edge.md).
///
/// Both edges check a state with parse_serving_state() before acting on it (the Cloudflare worker
/// through the package's `servingStateProblem`), so a state one provider refuses is refused by
/// the other with the same reason, and both fail open to the stable origin on it. in_force()
/// applies an announced increase at its instant, so every instance switches together and no
/// unit flips back from canary to stable.
///
/// @par Usage
/// @code
///   rollgate::serving_state_result r = rollgate::parse_serving_state(text);
///   if (!r.problem.empty()) return fail_open("state", r.problem);
///   const rollgate::serving_state st = rollgate::in_force(std::move(r.state), now_ms);
/// @endcode
///
/// Never throws: a bad state is a value (`problem`), as the Fastly service, built without
/// exceptions, needs.
#ifndef ROLLGATE_SERVING_STATE_HPP
#define ROLLGATE_SERVING_STATE_HPP

#include <cstdint>      // std::int64_t, std::uint32_t, std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate {

/// @brief An announced increase: every instance switches to `coverage` at `at_ms` (epoch ms).
struct serving_next {
  std::uint32_t coverage = 0;  ///< out of rollgate::kScale
  double window = 0;
  double at_ms = 0;
};

/// @brief The rollout's dark launch (`shadow` in the state), read as the edges use it.
struct shadow_settings {
  double sample_rate = 0;            ///< share of eligible requests shadowed
  double noise_rate = 0;             ///< share of those re-sent to the served origin (absent: none)
  std::vector<std::string> methods;  ///< eligible methods, as the coordinator upper-cased them
  std::string diff_options;          ///< `diff` as JSON text for the core ("" = defaults)
  /// `report`: the mismatch report's limits; absent members keep the core's defaults.
  std::uint64_t max_paths = 1000, max_examples = 3, max_example_length = 200;
  bool limits_are_integers = true;  ///< false: a limit is not a non-negative integer
  double max_body_bytes = 0;        ///< `maxBodyBytes`; 0 (absent) means the edge's own limit
};

/// @brief A usable serving state.
struct serving_state {
  std::string rollout;  ///< empty while no rollout runs (`"rollout": null`)
  double window = 0;
  std::uint32_t coverage = 0;  ///< share served by the canary, out of rollgate::kScale
  std::string salt;            ///< bucketing salt; required when coverage > 0 (origin rollouts)
  bool has_canary = false;     ///< `origins.canary` is set: the rollout has a canary arm
  bool has_shadow = false;     ///< `origins.shadow` is set: the rollout may shadow requests
  /// `target` is set: a guarded flag rollout (flag_rollout.hpp). Every request is served by the
  /// stable origin; the coverage is the flag variation's, so no canary origin is needed.
  bool has_target = false;
  std::optional<serving_next> next;
  std::optional<shadow_settings> shadow;  ///< a truthy `shadow`
};

/// @brief A parsed state, or why it cannot be used (`problem` non-empty: then `state` is idle).
struct serving_state_result {
  serving_state state;
  std::string problem;  ///< "state is not JSON", "coverage out of range", ... (docs/edge.md)
};

/// @brief The state while no rollout exists: everything is stable.
serving_state idle_serving_state();

/// @brief Parses and checks a state document. The problems, in the order they are checked:
/// "state is not JSON", "state is not an object", "coverage out of range" (not an integer in
/// [0, kScale]), "origins missing", "salt or canary origin missing" (coverage > 0 in an origin
/// rollout without both), "next out of range", "shadow.sampleRate out of range",
/// "shadow.methods missing".
serving_state_result parse_serving_state(std::string_view json_text);

/// @brief The state as it applies at `now_ms`: `next` replaces coverage and window once its
/// time has come.
serving_state in_force(serving_state state, std::int64_t now_ms);

}  // namespace rollgate

#endif  // ROLLGATE_SERVING_STATE_HPP
