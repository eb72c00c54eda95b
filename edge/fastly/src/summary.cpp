// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "summary.hpp"

#include <cmath>  // std::isfinite

#include "json_text.hpp"  // json_string, json_number

namespace rollgate_fastly {

namespace {

std::string count(std::uint64_t n) {
  return std::to_string(n);
}

std::string arm_json(const arm_summary& a) {
  std::string out = "{\"requests\":" + count(a.requests) + ",\"newUnits\":" + count(a.new_units);
  out += ",\"statuses\":{";
  for (int c = 0; c < 5; ++c) {
    out += (c ? ",\"" : "\"") + std::to_string(c + 1) + "xx\":" + count(a.statuses[c]);
  }
  out += "},\"errors\":" + count(a.errors) + ",\"networkErrors\":" + count(a.network_errors);
  out += ",\"latency\":" + (a.latency ? a.latency->to_json() : std::string("null"));
  out += ",\"mismatches\":" + (a.mismatches ? a.mismatches->to_json() : std::string("null"));
  const shadow_counts& s = a.shadow;
  out += ",\"shadow\":{\"sent\":" + count(s.sent) + ",\"compared\":" + count(s.compared) +
         ",\"equal\":" + count(s.equal) + ",\"noise\":" + count(s.noise) +
         ",\"failed\":" + count(s.failed) + ",\"skipped\":" + count(s.skipped) + "}";
  // Guarded flag rollouts' exposures (metrics.js): the service evaluates no flags, so always 0;
  // Server-Timing sketches (timing.js) and unit summaries (units.js): the service does not
  // collect them yet (it has no events endpoint), so null, as an isolate sends when it collected
  // none. All are sent so the flush has the isolates' fields.
  out += ",\"exposures\":0,\"timing\":null,\"units\":null}";
  return out;
}

}  // namespace

arm_summary& summary::arm(const rollgate::serving_state& state, bool canary) {
  if (!has_window_) {
    has_window_ = true;
    rollout_ = state.rollout;
    window_ = state.window;
  }
  return arms_[canary ? 1 : 0];
}

void summary::record_request(const rollgate::serving_state& state, bool canary, int status,
                             double latency_ms, bool new_unit) {
  arm_summary& a = arm(state, canary);
  ++a.requests;
  if (new_unit) ++a.new_units;
  if (status == 0) {
    ++a.network_errors;
    ++a.errors;
  } else {
    const int c = status / 100;
    ++a.statuses[c >= 1 && c <= 5 ? c - 1 : 4];
    if (status >= 500) ++a.errors;
  }
  if (std::isfinite(latency_ms) && latency_ms >= 0) {
    if (!a.latency) a.latency.emplace();
    if (a.latency->try_add(latency_ms)) fail_open(fail_kind::evaluation);
  }
}

bool summary::dirty() const {
  if (has_window_) return true;
  const counters& c = counts;
  for (std::uint64_t n : c.fail_open) {
    if (n) return true;
  }
  return c.flush_errors || c.dropped_batches || c.dropped_requests || c.overrides ||
         c.tampered_cookies || c.tampered_overrides;
}

std::string summary::to_json(std::string_view isolate, std::string_view batch,
                             std::int64_t sent_at) const {
  const counters& c = counts;
  std::string out = "{\"isolate\":" + json_string(isolate) + ",\"batch\":" + json_string(batch) +
                    ",\"sentAt\":" + std::to_string(sent_at);
  static const char* const kKinds[] = {"settings", "coordinator", "state", "evaluation",
                                       "internal"};
  out += ",\"counters\":{\"failOpen\":{";
  for (int k = 0; k < 5; ++k) {
    out += std::string(k ? ",\"" : "\"") + kKinds[k] + "\":" + count(c.fail_open[k]);
  }
  out += "},\"flushErrors\":" + count(c.flush_errors) +
         ",\"droppedBatches\":" + count(c.dropped_batches) +
         ",\"droppedRequests\":" + count(c.dropped_requests) +
         ",\"overrides\":" + count(c.overrides) +
         ",\"tamperedCookies\":" + count(c.tampered_cookies) +
         ",\"tamperedOverrides\":" + count(c.tampered_overrides);
  // The isolates' Server-Timing and events counters (timing.js, units.js): the service collects
  // neither yet, so zeros, under the same keys, so that a flush has every field an isolate's has.
  out +=
      ",\"serverTiming\":{\"headers\":0,\"recorded\":0,\"malformed\":0,\"malformedHeaders\":0,"
      "\"ignored\":0,\"dropped\":0},\"events\":{\"batches\":0,\"recorded\":0,\"notInRollout\":0,"
      "\"refused\":0,\"malformed\":0,\"tooLarge\":0,\"crossOrigin\":0,\"noUnit\":0,\"forged\":0,"
      "\"badToken\":0,\"rateLimited\":0,\"failOpen\":0}},\"windows\":[";
  if (has_window_) {
    out += "{\"rollout\":" + (rollout_.empty() ? std::string("null") : json_string(rollout_)) +
           ",\"window\":" + json_number(window_) + ",\"arms\":{\"stable\":" + arm_json(arms_[0]) +
           ",\"canary\":" + arm_json(arms_[1]) + "}}";
  }
  return out + "]}";
}

}  // namespace rollgate_fastly
