// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file coordinator.hpp
/// @brief The service's two calls to the rollout's coordinator: the Durable Object of the
/// Cloudflare deployment, reached as the backend `ROLLGATE_COORDINATOR_BACKEND` through the
/// worker's peer routes (edge/cloudflare/src/peer.js) with `Authorization: Bearer
/// ROLLGATE_PEER_TOKEN`:
///   GET  /__rollgate/peer/state?rollout=<ROLLGATE_ROLLOUT>   what a Cloudflare isolate reads
///   POST /__rollgate/peer/report?rollout=<ROLLGATE_ROLLOUT>  what an isolate flushes
/// So one rollout spans both CDNs: one state, one set of merged metrics, one decision.
///
/// The state goes through Fastly's readthrough cache with a TTL override of
/// floor(ROLLGATE_STATE_TTL_MS / 1000) s: each POP asks the coordinator once per TTL (concurrent
/// misses collapse into one fetch), and a rollback reaches every POP within that TTL, the same
/// bound as a Cloudflare isolate's state cache. Reports are never cached (pass).
#ifndef ROLLGATE_FASTLY_COORDINATOR_HPP
#define ROLLGATE_FASTLY_COORDINATOR_HPP

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "settings.hpp"  // settings

namespace rollgate_fastly {

/// @brief Where the coordinator's URLs point: `https://<host>/__rollgate/peer/`, with host
/// ROLLGATE_COORDINATOR_HOST or else the downstream request's (`downstream_uri`'s) own.
std::string peer_base(const settings& s, std::string_view downstream_uri);

/// @brief The coordinator's state document (JSON text), or nothing with `why` set (the
/// backend is marked unhealthy, cannot be reached, or answers anything but 200).
std::optional<std::string> read_state(const settings& s, std::string_view base, std::string& why);

/// @brief Posts one flush (summary.hpp); a failed attempt is retried once with the same batch
/// id, which the coordinator ignores if it has seen it. False, with `why`, when both failed.
bool post_report(const settings& s, std::string_view base, std::string_view flush,
                 std::string& why);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_COORDINATOR_HPP
