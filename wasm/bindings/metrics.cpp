// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Origin and business metrics through Embind: the Server-Timing parser (server_timing.hpp), the
// per-arm unit summaries (units.hpp) and which gated metrics a client's sources can measure
// (rollout.hpp measurable_from). Names travel NUL-joined, results as JSON text ("" or false after
// recording the error, see common.hpp).
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS, class_, function

#include <string>  // std::string
#include <vector>  // std::vector

#include "common.hpp"
#include "rollgate/events.hpp"         // rollgate::parse_event_batch
#include "rollgate/rollout.hpp"        // rollgate::rollout_plan, metric_sources
#include "rollgate/server_timing.hpp"  // rollgate::parse_server_timing
#include "rollgate/units.hpp"          // rollgate::unit_summary

namespace {

using rollgate::wasm::guard;
using rollgate::wasm::json_quote;
using rollgate::wasm::split_nul;

// A parser with validated options, so that the per-response call only parses.
struct timing_reader {
  rollgate::server_timing_options o;
  std::string parse(const std::string& header) const {
    return rollgate::to_json(rollgate::parse_server_timing(header, o));
  }
};

timing_reader* timing_reader_create(std::string names, double max_names, double max_length) {
  return guard(static_cast<timing_reader*>(nullptr), [&] {
    rollgate::server_timing_options o;
    o.names = split_nul(names);
    // -1: the core's default (server_timing_options), so JS does not restate it.
    if (max_names >= 0) o.max_names = static_cast<std::size_t>(max_names);
    if (max_length >= 0) o.max_length = static_cast<std::size_t>(max_length);
    rollgate::validate_server_timing_options(o);
    return new timing_reader{o};
  });
}

/// A metric event batch read by the core (events.hpp): [{"name","value","hasValue","unit"}].
std::string parse_event_batch(std::string text, bool back_end, std::string accepted) {
  return guard(std::string(), [&] {
    return rollgate::to_json(rollgate::parse_event_batch(
        text, back_end ? rollgate::event_sender::back_end : rollgate::event_sender::browser,
        split_nul(accepted)));
  });
}

struct units {
  rollgate::unit_summary s;
  void expose(const std::string& unit) { s.expose(unit); }
  bool record(const std::string& unit, const std::string& event, double value, bool has_value) {
    return s.record(unit, event, value, has_value);
  }
  bool merge(const units& other) {
    return guard(false, [&] {
      s.merge(other.s);
      return true;
    });
  }
  std::string to_json() const {
    return guard(std::string(), [&] { return s.to_json(); });
  }
  /// {"exposed","converted","sum","samplingRate"} of one event: what a dashboard shows.
  std::string metric(const std::string& event) const {
    return guard(std::string(), [&] {
      const auto m = s.metric(event);
      double sum = 0;
      for (double v : m.values) sum += v;
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "{\"exposed\":%llu,\"converted\":%llu,\"sum\":%.17g,\"samplingRate\":%.17g}",
                    static_cast<unsigned long long>(m.exposed),
                    static_cast<unsigned long long>(m.converted), sum, m.sampling_rate);
      return std::string(buf);
    });
  }
  double records() const { return static_cast<double>(s.records()); }
  double level() const { return static_cast<double>(s.level()); }
};

/// A negative max_units means the core's default (kDefaultMaxUnits), so JS never restates it.
units* units_create(double max_units) {
  return guard(static_cast<units*>(nullptr), [&] {
    return new units{max_units < 0 ? rollgate::unit_summary()
                                   : rollgate::unit_summary(static_cast<std::size_t>(max_units))};
  });
}
units* units_from_json(std::string text) {
  return guard(static_cast<units*>(nullptr),
               [&] { return new units{rollgate::unit_summary::from_json(text)}; });
}

/// The core's kRequestMetrics, NUL-joined.
std::string request_metrics() {
  std::string out;
  for (const char* name : rollgate::kRequestMetrics) {
    if (!out.empty()) out += '\0';
    out += name;
  }
  return out;
}

/// JSON array of the plan's gated metrics measurable from the sources.
std::string measurable_from(std::string plan, bool requests, std::string timing,
                            std::string events) {
  return guard(std::string(), [&] {
    rollgate::metric_sources src;
    src.requests = requests;
    src.server_timing = split_nul(timing);
    src.events = split_nul(events);
    const auto names = rollgate::rollout_plan::parse(plan).measurable_from(src);
    std::string out = "[";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + json_quote(names[i]);
    return out + "]";
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(rollgate_metrics) {
  using namespace emscripten;
  class_<timing_reader>("TimingReader").function("parse", &timing_reader::parse);
  function("timingReaderCreate", &timing_reader_create, allow_raw_pointers());
  class_<units>("Units")
      .function("expose", &units::expose)
      .function("record", &units::record)
      .function("merge", &units::merge)
      .function("toJson", &units::to_json)
      .function("metric", &units::metric)
      .function("records", &units::records)
      .function("level", &units::level);
  function("unitsCreate", &units_create, allow_raw_pointers());
  function("unitsFromJson", &units_from_json, allow_raw_pointers());
  function("measurableFrom", &measurable_from);
  function("requestMetrics", &request_metrics);
  function("parseEventBatch", &parse_event_batch);
}
