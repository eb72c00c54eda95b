// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file events.hpp
/// @brief Metric event batches: what a page's track() (wasm/js/track.js) and a back end post to
///        the edge's events endpoint, read into events whose units the edge then attributes to
///        arms and records in unit summaries (units.hpp).
///
/// @par Usage
/// @code
///   // A page: the unit is the edge's signed cookie, never the body's.
///   auto b = rollgate::parse_event_batch(R"({"events":[{"name":"purchase","value":31.5}]})",
///                                        rollgate::event_sender::browser, {"purchase"});
///   for (const auto& e : b) summary.record(cookie_unit, e.name, e.value, e.has_value);
///   // A back end (bearer token): every event names its unit, per event or for the batch.
///   b = rollgate::parse_event_batch(R"({"unit":"user-42","events":[{"name":"purchase"}]})",
///                                   rollgate::event_sender::back_end, {"purchase"});
/// @endcode
///
/// The wire format and every rule are in docs/edge.md ("Events"); the error ids in
/// docs/errors/metrics.md. Size of the body is the caller's to bound (the edge reads at most
/// 16 KiB); this parser bounds everything else.
#ifndef ROLLGATE_EVENTS_HPP
#define ROLLGATE_EVENTS_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/error.hpp"  // rollgate::error

namespace rollgate {

/// @brief Who sent a batch: a browser (its unit comes from the edge's cookie, so a body that names
/// one is refused) or an authenticated back end (each event must name its unit).
enum class event_sender { browser, back_end };

/// @brief One metric event of a batch.
struct metric_event {
  std::string name;        ///< one of the accepted names
  double value = 1;        ///< the event's value when has_value, else 1 (a count)
  bool has_value = false;  ///< false: the event carried no value (or null)
  std::string unit;  ///< back ends: the event's unit (its own, else the batch's); browsers: ""
};

/// @brief Bounds of a batch (docs/edge.md); track()'s MAX_BATCH is kMaxEvents
/// (tests/node/metrics.test.mjs checks they agree).
struct event_batch_limits {
  static constexpr std::size_t kMaxEvents = 50;      ///< events per batch
  static constexpr double kMaxValue = 1e9;           ///< |value| of one event
  static constexpr std::size_t kMaxUnitBytes = 256;  ///< a back end's unit
  static constexpr std::size_t kMaxProblems = 20;    ///< problems reported per batch
};

/// @brief Reads a batch, {"unit"?, "events": [{"name", "value"?, "unit"?}, ...]}.
/// @param accepted the event names this deployment counts (others are refused, not ignored: a
///        misspelt name would otherwise vanish)
/// @throws rollgate::error [rollgate.json.1xx] not JSON; otherwise every problem (at most
///         kMaxProblems), each with its JSON Pointer: [rollgate.metrics.020] wrong shape or an
///         unknown member, [.021] more than kMaxEvents events, [.022] a name not accepted,
///         [.023] a value that is not a finite number of magnitude at most kMaxValue, [.024] a
///         unit a browser must not give or a back end must give (a string of 1 to kMaxUnitBytes
///         bytes)
std::vector<metric_event> parse_event_batch(std::string_view json_text, event_sender sender,
                                            const std::vector<std::string>& accepted);

/// @brief [{"name","value","hasValue","unit"}, ...] as one line of JSON (for bindings and tools).
std::string to_json(const std::vector<metric_event>& events);

}  // namespace rollgate

#endif  // ROLLGATE_EVENTS_HPP
