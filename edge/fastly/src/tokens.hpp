// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file tokens.hpp
/// @brief The signed unit cookie and the QA override token, byte for byte the formats of
/// edge/cloudflare/src/crypto.js (docs/edge.md, "The request path"), so that a user who moves
/// between Cloudflare and Fastly keeps their cookie, and a QA token works on both:
///   cookie   `<id>.<base64url HMAC-SHA256(cookie secret, "unit:" + id)>`
///   override `<arm>.<expiry epoch s>.<base64url HMAC-SHA256(override secret,
///            "override:<arm>.<expiry>")>`, arm `stable` or `canary`, expiry 1 to 12 digits.
/// Signatures are 43 base64url characters without padding. Decoding accepts what crypto.js's
/// `atob` accepts (the unused low bits of the last character are ignored), so both providers
/// accept exactly the same set of strings.
#ifndef ROLLGATE_FASTLY_TOKENS_HPP
#define ROLLGATE_FASTLY_TOKENS_HPP

#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "sha256.hpp"  // digest

namespace rollgate_fastly {

/// @brief base64url without padding (RFC 4648, section 5).
std::string base64url(const digest& bytes);

/// @brief Decodes base64url of exactly 32 bytes, or nothing when `text` is not one.
std::optional<digest> unbase64url_digest(std::string_view text);

/// @brief `<id>.<sig>` for the unit cookie.
std::string sign_unit(std::string_view secret, std::string_view id);

/// @brief The unit id inside a cookie value, or nothing when the value is malformed or its
/// signature does not match (compared in constant time).
std::optional<std::string> verify_unit(std::string_view secret, std::string_view value);

/// @brief An override token forcing `arm` until `expiry_seconds` (epoch).
std::string sign_override(std::string_view secret, std::string_view arm,
                          std::string_view expiry_seconds);

/// The longest an override token may still run (7 days), as crypto.js OVERRIDE_MAX_LIFETIME_S:
/// a signed token expiring further ahead is refused.
constexpr std::int64_t kOverrideMaxLifetimeS = 7 * 24 * 3600;

/// @brief The forced arm ("stable" or "canary"), or nothing when the token is malformed,
/// expired at `now_ms` (epoch ms) or not signed with `secret`.
std::optional<std::string> verify_override(std::string_view secret, std::string_view token,
                                           std::int64_t now_ms);

/// @brief The value of cookie `name` in a Cookie header, as worker.js's readCookie finds it: the
/// first `;`-separated part whose name (trimmed) is `name`, its value trimmed.
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

/// @brief A fresh random unit id in crypto.randomUUID()'s form (version 4, 122 random bits, lower
/// case), from the 16 bytes given.
std::string uuid_v4(const std::uint8_t (&random)[16]);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_TOKENS_HPP
