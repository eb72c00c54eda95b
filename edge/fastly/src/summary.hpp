// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file summary.hpp
/// @brief What one request adds to the rollout's metrics, and the flush that carries it to the
/// coordinator: edge/cloudflare/src/metrics.js (`Accumulator`) for one instance. A Compute
/// instance serves one request, so it holds at most one window and flushes once, after the
/// response; the coordinator merges it with the Cloudflare isolates' flushes as one more isolate.
///
/// Wire format (docs/edge.md, "Internal: POST /__rollgate/internal/report"), field for field the
/// one metrics.js take() writes:
///   {"isolate", "batch", "sentAt", "counters": {"failOpen": {...}, "flushErrors",
///    "droppedBatches", "droppedRequests", "overrides", "tamperedCookies", "tamperedOverrides"},
///    "windows": [{"rollout", "window", "arms": {"stable": ArmSummary, "canary": ArmSummary}}]}
///   ArmSummary = {"requests", "newUnits", "statuses": {"1xx".."5xx"}, "errors", "networkErrors",
///                 "latency": <the core's sketch JSON> | null,
///                 "mismatches": <the core's mismatch report JSON> | null,
///                 "shadow": {"sent", "compared", "equal", "noise", "failed", "skipped"}}
#ifndef ROLLGATE_FASTLY_SUMMARY_HPP
#define ROLLGATE_FASTLY_SUMMARY_HPP

#include <cstdint>      // std::uint64_t, std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "rollgate/mismatch_report.hpp"  // rollgate::mismatch_report
#include "rollgate/serving_state.hpp"    // rollgate::serving_state
#include "rollgate/sketch.hpp"           // rollgate::quantile_sketch

namespace rollgate_fastly {

/// @brief The dark launch's outcomes for one arm (metrics.js newArm().shadow).
struct shadow_counts {
  std::uint64_t sent = 0, compared = 0, equal = 0, noise = 0, failed = 0, skipped = 0;
};

/// @brief One arm's summary (metrics.js newArm()).
struct arm_summary {
  std::uint64_t requests = 0;
  std::uint64_t new_units = 0;     ///< fresh units minted for these requests: the SRM's sample
  std::uint64_t statuses[5] = {};  ///< 1xx .. 5xx
  std::uint64_t errors = 0;        ///< 5xx answers and unreachable backends
  std::uint64_t network_errors = 0;
  std::optional<rollgate::quantile_sketch> latency;  ///< ms to the response head
  std::optional<rollgate::mismatch_report> mismatches;
  shadow_counts shadow;
};

/// @brief Fail-open kinds, in metrics.js emptyCounters() order.
enum class fail_kind { settings, coordinator, state, evaluation, internal };

/// @brief Rollgate's own counters (metrics.js emptyCounters()).
struct counters {
  std::uint64_t fail_open[5] = {};  ///< indexed by fail_kind
  std::uint64_t flush_errors = 0;
  std::uint64_t dropped_batches = 0;  ///< always 0 here: an instance keeps no batch to give up
  std::uint64_t dropped_requests = 0;
  std::uint64_t overrides = 0;
  std::uint64_t tampered_cookies = 0;
  std::uint64_t tampered_overrides = 0;
};

/// @brief What one instance flushes.
class summary {
 public:
  counters counts;

  /// @brief The arm's summary in the state's window (the window is the one of the first call).
  arm_summary& arm(const rollgate::serving_state& state, bool canary);

  /// @brief Counts one proxied request (metrics.js recordRequest): `status` 0 means the backend
  /// could not be reached; the latency goes into the arm's sketch last, so a value the sketch
  /// refuses loses nothing else (it is counted as failOpen.evaluation, as on Cloudflare).
  void record_request(const rollgate::serving_state& state, bool canary, int status,
                      double latency_ms, bool new_unit);

  void fail_open(fail_kind kind) { ++counts.fail_open[static_cast<int>(kind)]; }

  /// @brief True when there is something to flush.
  bool dirty() const;

  /// @brief The flush, as JSON text. `isolate` names this Fastly node, `batch` is unique.
  std::string to_json(std::string_view isolate, std::string_view batch, std::int64_t sent_at) const;

 private:
  bool has_window_ = false;
  std::string rollout_;  ///< empty: no rollout (written as null)
  double window_ = 0;
  arm_summary arms_[2];  ///< stable, canary
};

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_SUMMARY_HPP
