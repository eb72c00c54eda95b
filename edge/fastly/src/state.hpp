// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file state.hpp
/// @brief The rollout state the service acts on: the JSON of the coordinator's
/// `GET /__rollgate/internal/state` (docs/edge.md), read from the config store `rollgate_state`
/// under the rollout's name. Checked as worker.js's checkState checks it, so a state one provider
/// refuses is refused by the other too, and applied at a clock time as worker.js's inForce does.
#ifndef ROLLGATE_FASTLY_STATE_HPP
#define ROLLGATE_FASTLY_STATE_HPP

#include <cstdint>      // std::int64_t, std::uint32_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace rollgate_fastly {

/// @brief An announced increase: every instance switches to `percent` at `at_ms` (epoch ms).
struct next_step {
  double percent = 0;
  double window = 0;
  double at_ms = 0;
};

struct rollout_state {
  std::string rollout;  ///< empty while no rollout runs (`"rollout": null`)
  double window = 0;
  double percent = 0;       ///< 0 to 100
  std::string salt;         ///< bucketing salt; required when percent > 0
  bool has_canary = false;  ///< `origins.canary` is set: the rollout has a canary arm
  std::optional<next_step> next;
};

/// @brief A parsed state, or why it cannot be used (`problem` non-empty).
struct state_result {
  rollout_state state;
  std::string problem;
};

/// @brief The state while no rollout exists (no item in the store): everything is stable.
rollout_state idle_state();

/// @brief Parses and checks a state document (at most a few KiB: config store items are small).
state_result parse_state(std::string_view json_text);

/// @brief The state as it applies at `now_ms`: `next` once its time has come.
rollout_state in_force(rollout_state state, std::int64_t now_ms);

/// @brief The coverage of `percent` out of rollgate::kScale, exactly as the Cloudflare worker
/// computes it (engine.js inCoverage: round(clamp(percent, 0, 100) * 1000)).
/// @note This belongs in the core (a noexcept coverage-of-percent next to percent_to_scale) so
///       that both clients call one function; until it exists, it lives here only.
std::uint32_t coverage_of_percent(double percent) noexcept;

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_STATE_HPP
