// Metric event batches (events.hpp): the one reader of the events endpoint's wire format, so the
// edge, the CLI and the tests apply the same rules and report the same ids and pointers.
#include <algorithm>         // std::find
#include <cmath>             // std::isfinite, std::fabs
#include <initializer_list>  // std::initializer_list
#include <string>            // std::string
#include <utility>           // std::move
#include <vector>            // std::vector

#include "detail/json_input.hpp"  // parse_json, pointer_append
#include "rollgate/error.hpp"
#include "rollgate/events.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using limits = event_batch_limits;

constexpr const char* kShape = "rollgate.metrics.020";
constexpr const char* kTooMany = "rollgate.metrics.021";
constexpr const char* kName = "rollgate.metrics.022";
constexpr const char* kValue = "rollgate.metrics.023";
constexpr const char* kUnit = "rollgate.metrics.024";

struct reader {
  event_sender sender;
  const std::vector<std::string>& accepted;
  std::vector<problem> problems;

  void add(const char* code, std::string pointer, std::string message) {
    if (problems.size() < limits::kMaxProblems)
      problems.push_back({code, std::move(pointer), std::move(message)});
  }

  static bool unit_ok(const json& u) {
    return u.is_string() && !u.get_ref<const std::string&>().empty() &&
           u.get_ref<const std::string&>().size() <= limits::kMaxUnitBytes;
  }

  std::string accepted_list() const {
    std::string out;
    for (const auto& n : accepted) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
  }

  void unknown_members(const json& o, const std::string& base,
                       std::initializer_list<const char*> known) {
    for (auto it = o.begin(); it != o.end(); ++it) {
      const std::string& key = it.key();
      bool listed = false;
      for (const char* k : known) listed = listed || key == k;
      if (!listed) add(kShape, detail::pointer_append(base, key), "unknown member '" + key + "'");
    }
  }

  /// The unit a browser must not give, or a back end must give validly.
  void check_unit(const json& holder, const std::string& base, bool required) {
    const std::string p = detail::pointer_append(base, "unit");
    if (sender == event_sender::browser) {
      if (holder.contains("unit"))
        add(kUnit, p, "a browser does not name its unit: the edge takes it from its signed cookie");
      return;
    }
    if (holder.contains("unit") ? !unit_ok(holder["unit"]) : required)
      add(kUnit, p,
          std::string(required ? "a back end names each event's unit (here or in /unit): " : "") +
              "a unit is a string of 1 to " + std::to_string(limits::kMaxUnitBytes) + " bytes");
  }

  std::vector<metric_event> read(const json& body) {
    std::vector<metric_event> out;
    if (!body.is_object()) {
      add(kShape, "", "a batch is a JSON object {\"events\": [{\"name\", \"value\"?}, ...]}");
      return out;
    }
    unknown_members(body, "", {"events", "unit"});
    check_unit(body, "", false);
    if (!body.contains("events") || !body["events"].is_array()) {
      add(kShape, "/events", "events must be an array");
      return out;
    }
    const json& events = body["events"];
    if (events.size() > limits::kMaxEvents) {
      add(kTooMany, "/events",
          "a batch holds at most " + std::to_string(limits::kMaxEvents) + " events, got " +
              std::to_string(events.size()));
      return out;
    }
    const bool batch_unit = body.contains("unit") && unit_ok(body["unit"]);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const json& e = events[i];
      const std::string p = detail::pointer_append("/events", i);
      if (!e.is_object()) {
        add(kShape, p, "an event is an object {\"name\", \"value\"?}");
        continue;
      }
      unknown_members(e, p, {"name", "value", "unit"});
      metric_event ev;
      if (!e.contains("name") || !e["name"].is_string() ||
          std::find(accepted.begin(), accepted.end(), e["name"].get_ref<const std::string&>()) ==
              accepted.end()) {
        add(kName, detail::pointer_append(p, "name"),
            (e.contains("name") ? e["name"].dump() : std::string("no name")) +
                " is not an event this edge accepts (" + accepted_list() + ")");
      } else {
        ev.name = e["name"].get<std::string>();
      }
      if (e.contains("value") && !e["value"].is_null()) {
        const json& v = e["value"];
        if (!v.is_number() || !std::isfinite(v.get<double>()) ||
            std::fabs(v.get<double>()) > limits::kMaxValue) {
          add(kValue, detail::pointer_append(p, "value"),
              "value must be a finite number of magnitude at most 1e9, got " + v.dump());
        } else {
          ev.value = v.get<double>();
          ev.has_value = true;
        }
      }
      check_unit(e, p, !batch_unit);
      if (sender == event_sender::back_end)
        ev.unit = e.contains("unit") && unit_ok(e["unit"]) ? e["unit"].get<std::string>()
                  : batch_unit                             ? body["unit"].get<std::string>()
                                                           : std::string();
      out.push_back(std::move(ev));
    }
    return out;
  }
};

}  // namespace

std::vector<metric_event> parse_event_batch(std::string_view json_text, event_sender sender,
                                            const std::vector<std::string>& accepted) {
  // A batch is small and flat: a tight depth bound keeps hostile nesting out cheaply.
  const json body = detail::parse_json(json_text, "event batch", detail::json_limits{1 << 20, 8});
  reader r{sender, accepted, {}};
  auto events = r.read(body);
  if (!r.problems.empty()) throw error(std::move(r.problems));
  return events;
}

std::string to_json(const std::vector<metric_event>& events) {
  json out = json::array();
  for (const auto& e : events)
    out.push_back(
        {{"name", e.name}, {"value", e.value}, {"hasValue", e.has_value}, {"unit", e.unit}});
  return out.dump();
}

}  // namespace rollgate
