// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file shadow.hpp
/// @brief The dark launch, as worker.js's shadowCompare runs it, all of it after the user has
/// the response head and none of it able to change or delay the response:
///   1. before the served request goes out, copies of it are made (a sent request is consumed):
///      one for the shadow backend (`x-rollgate-shadow: candidate`) and, for `noiseRate` of the
///      sampled requests, one for the served backend again (`x-rollgate-shadow: secondary`);
///   2. once the served backend's response head is in, both copies are sent without waiting
///      (send_async), and the served body is streamed to the client with
///      send_downstream(streaming) while a copy of at most the diff limit is kept;
///   3. after the client has the whole body, the shadow answers are awaited and read under
///      ROLLGATE_SHADOW_TIMEOUT_MS (fastly_async_io.select), and the core's mismatch report
///      diffs served against shadow and served against secondary (noise), with the rollout's
///      diff options and report limits.
/// Counts go to the arm's shadow counters with metrics.js's meanings: sent, compared, equal,
/// noise, failed (a shadow that fails or times out, options or limits the core refuses), skipped
/// (a served or shadow body above the limit).
#ifndef ROLLGATE_FASTLY_SHADOW_HPP
#define ROLLGATE_FASTLY_SHADOW_HPP

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "host.hpp"                    // host::handle, host::message
#include "rollgate/serving_state.hpp"  // rollgate::shadow_settings
#include "settings.hpp"                // settings
#include "summary.hpp"                 // arm_summary

namespace rollgate_fastly {

/// @brief A uniform draw in [0, 1) from the host's random source (Math.random()'s role), or 1
/// (never below a rate) when there is none.
double random_unit();

/// @brief How keeping the served body's copy ended.
enum class copy_end { complete, over_limit, failed };

/// @brief Streams `from` (a backend's body) into `to` (the client's streaming body, which it
/// ends), keeping the first bytes in `copy` while they fit in `limit`. A client that goes away
/// stops the writing, not the reading.
copy_end stream_to_client(host::handle from, host::handle to, double limit, std::string& copy);

/// @brief One sampled request's dark launch.
class dark_launch {
 public:
  /// @brief Copies the request for the shadow (and, with `noise`, the secondary) before it is
  /// sent; nothing when the copies cannot be made (the request is then not shadowed).
  static std::optional<dark_launch> prepare(host::handle request, bool noise);

  /// @brief Sends the copies (served arm's backend for the secondary). Call once the served
  /// response head is in; `status` and `headers` are that head's, before rollgate touched it.
  void start(const settings& s, const std::string& served_backend, int status,
             std::vector<std::pair<std::string, std::string>> headers);

  /// @brief Drops the copies of a request whose served answer is not to be compared (a
  /// fallback, an unreachable backend): nothing is counted, as on Cloudflare.
  void discard();

  /// @brief Waits for the shadow answers, diffs, and counts into `arm`. `body` is the served
  /// body's copy and `end` how keeping it ended.
  void finish(const settings& s, const rollgate::shadow_settings& config, arm_summary& arm,
              const std::string& body, copy_end end);

 private:
  std::optional<host::handle> candidate_, secondary_;  // requests, then pending requests
  bool started_ = false;
  double deadline_ms_ = 0;
  int status_ = 0;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_SHADOW_HPP
