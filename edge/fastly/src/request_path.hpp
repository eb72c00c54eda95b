// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file request_path.hpp
/// @brief Who the user is and which arm serves them: worker.js's serve() up to the proxy, with
/// no I/O, so that the service and the self-test module run the same code.
///   unit: the unit header (1 to 256 bytes), else a valid signed cookie, else a fresh id that
///         gets a signed cookie;
///   arm:  a valid QA override token, else canary iff coverage > 0 and the unit is inside
///         rollgate's coverage (rollgate::bucketer::in_coverage), and canary only when the state
///         has a canary origin.
#ifndef ROLLGATE_FASTLY_REQUEST_PATH_HPP
#define ROLLGATE_FASTLY_REQUEST_PATH_HPP

#include <cstdint>      // std::int64_t, std::uint8_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "rollgate/serving_state.hpp"  // rollgate::serving_state
#include "settings.hpp"                // settings

namespace rollgate_fastly {

/// @brief What the request brings, read from it by the caller.
struct request_facts {
  std::optional<std::string_view> unit_header;     ///< value of settings::unit_header
  std::optional<std::string_view> cookie_header;   ///< the Cookie header
  std::optional<std::string_view> override_token;  ///< value of settings::override_header
  std::int64_t now_ms = 0;                         ///< wall clock, epoch ms
  std::uint8_t fresh[16] = {};  ///< random bytes for a fresh unit id (used only if one is needed)
};

/// @brief The decision, and what later phases count (new units, overrides, tampering).
struct decision {
  std::string unit;
  std::optional<std::string> set_cookie;  ///< a Set-Cookie value when a unit was minted
  bool canary = false;                    ///< the arm: canary, else stable
  bool forced = false;                    ///< by a valid override token: kept out of metrics
  bool tampered_cookie = false;           ///< a cookie was there but its signature did not match
  bool tampered_override = false;         ///< an override token was there but was not valid
};

/// @brief The arm's name as headers carry it.
inline std::string_view arm_name(bool canary) {
  return canary ? "canary" : "stable";
}

/// @brief Decides unit and arm for one request under usable settings and state.
/// @pre s.problems.empty(), and `state` passed rollgate::parse_serving_state and in_force.
decision decide(const settings& s, const rollgate::serving_state& state,
                const request_facts& facts);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_REQUEST_PATH_HPP
