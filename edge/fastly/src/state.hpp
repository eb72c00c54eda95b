// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file state.hpp
/// @brief The rollout state the service acts on: the JSON of the coordinator's
/// `GET /__rollgate/internal/state` (docs/edge.md), as the Cloudflare worker's
/// `/__rollgate/peer/state` hands it to the service (coordinator.hpp). Checked as worker.js's
/// checkState checks it, so a state one provider refuses is refused by the other too, and applied
/// at a clock time as worker.js's inForce does.
#ifndef ROLLGATE_FASTLY_STATE_HPP
#define ROLLGATE_FASTLY_STATE_HPP

#include <cstdint>      // std::int64_t, std::uint32_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate_fastly {

/// @brief An announced increase: every instance switches to `coverage` at `at_ms` (epoch ms).
struct next_step {
  std::uint32_t coverage = 0;  ///< out of rollgate::kScale
  double window = 0;
  double at_ms = 0;
};

/// @brief The rollout's dark launch (`shadow` in the state; coordinator/spec.js fills it in).
struct shadow_config {
  double sample_rate = 0;  ///< share of eligible requests shadowed
  double noise_rate = 0;   ///< share of those re-sent to the served backend (absent: none)
  std::vector<std::string> methods;  ///< eligible methods, as the coordinator upper-cased them
  std::string diff_options;          ///< `diff` as JSON text for the core ("" = defaults)
  /// `report`: the mismatch report's limits; absent members keep the core's defaults.
  std::uint64_t max_paths = 1000, max_examples = 3, max_example_length = 200;
  bool limits_are_integers = true;  ///< false: a limit is not a non-negative integer
  double max_body_bytes = 0;        ///< `maxBodyBytes`; 0 (absent) means ROLLGATE_MAX_DIFF_BYTES
};

struct rollout_state {
  std::string rollout;  ///< empty while no rollout runs (`"rollout": null`)
  double window = 0;
  std::uint32_t coverage = 0;  ///< share served by the canary, out of rollgate::kScale
  std::string salt;            ///< bucketing salt; required when coverage > 0
  bool has_canary = false;     ///< `origins.canary` is set: the rollout has a canary arm
  bool has_shadow = false;     ///< `origins.shadow` is set: the rollout may shadow requests
  std::optional<next_step> next;
  std::optional<shadow_config> shadow;  ///< a truthy `shadow`
};

/// @brief A parsed state, or why it cannot be used (`problem` non-empty).
struct state_result {
  rollout_state state;
  std::string problem;
};

/// @brief The state while no rollout exists (no item in the store): everything is stable.
rollout_state idle_state();

/// @brief Parses and checks a state document (the coordinator's answer, at most 64 KiB).
state_result parse_state(std::string_view json_text);

/// @brief The state as it applies at `now_ms`: `next` once its time has come.
rollout_state in_force(rollout_state state, std::int64_t now_ms);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_STATE_HPP
