// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file settings.hpp
/// @brief The service's settings: the Cloudflare worker's vars (docs/edge.md, "Settings") read
/// from the config store `rollgate_config` under the same names, its secrets from the secret
/// store `rollgate_secrets`, and the backend names that stand for its origin URLs. Validated as
/// edge/cloudflare/src/settings.js validates them; any problem makes the service fail open to
/// the stable backend (`x-rollgate-fallback: settings`).
#ifndef ROLLGATE_FASTLY_SETTINGS_HPP
#define ROLLGATE_FASTLY_SETTINGS_HPP

#include <cstdint>      // std::int64_t
#include <functional>   // std::function
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate_fastly {

/// @brief Where settings come from: the value of a key, or nothing when it is not set.
using lookup = std::function<std::optional<std::string>(std::string_view key)>;

/// @brief Names of the stores and defaults, in one place (fastly.toml declares the same names).
inline constexpr std::string_view kConfigStore = "rollgate_config";
inline constexpr std::string_view kSecretStore = "rollgate_secrets";

struct settings {
  std::string stable_backend = "stable";            ///< ROLLGATE_STABLE_BACKEND: fail-open target
  std::string canary_backend = "canary";            ///< ROLLGATE_CANARY_BACKEND
  std::string shadow_backend = "shadow";            ///< ROLLGATE_SHADOW_BACKEND: the dark launch's
  std::string coordinator_backend = "coordinator";  ///< ROLLGATE_COORDINATOR_BACKEND
  /// ROLLGATE_COORDINATOR_HOST: the Cloudflare worker's host name in the coordinator's URLs;
  /// empty means the downstream request's own host.
  std::string coordinator_host;
  std::string rollout = "default";                      ///< ROLLGATE_ROLLOUT: key of the state item
  std::string unit_header = "x-user-id";                ///< ROLLGATE_UNIT_HEADER (lower case)
  std::string cookie_name = "rg_unit";                  ///< ROLLGATE_COOKIE
  std::int64_t cookie_max_age_s = 31536000;             ///< ROLLGATE_COOKIE_MAX_AGE_S
  std::string arm_header = "x-rollgate-arm";            ///< ROLLGATE_ARM_HEADER (lower case)
  std::string override_header = "x-rollgate-override";  ///< ROLLGATE_OVERRIDE_HEADER
  /// ROLLGATE_STATE_TTL_MS: how long a POP's cache keeps the coordinator's state. The cache's
  /// TTL is whole seconds, so the range starts at 1000 and the TTL used is floor(ms / 1000) s.
  std::int64_t state_ttl_ms = 5000;
  std::int64_t shadow_timeout_ms = 10000;  ///< ROLLGATE_SHADOW_TIMEOUT_MS
  std::int64_t max_diff_bytes = 1048576;   ///< ROLLGATE_MAX_DIFF_BYTES
  std::string cookie_secret;               ///< secret ROLLGATE_COOKIE_SECRET (>= 16 bytes)
  std::string override_secret;             ///< secret ROLLGATE_OVERRIDE_SECRET (>= 16 bytes)
  std::string peer_token;             ///< secret ROLLGATE_PEER_TOKEN: bearer of the coordinator
  std::vector<std::string> problems;  ///< empty means usable
};

/// @brief Reads and validates the settings. `secrets` is empty when the secret store is missing.
/// @return the settings, with every problem found in `problems` (defaults stand in for values
///         that were wrong, so the fail-open path still knows the stable backend).
settings read_settings(const lookup& vars, const std::optional<lookup>& secrets);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_SETTINGS_HPP
