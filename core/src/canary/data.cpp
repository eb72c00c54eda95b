// Loading the canary judge's data documents: see arm.hpp and docs/canary.md ("Data").
#include <cmath>   // std::isnan, std::isfinite, std::floor
#include <string>  // std::string

#include "canary/arm.hpp"
#include "canary/text.hpp"
#include "detail/canary_config.hpp"  // parse_input
#include "detail/json_input.hpp"     // pointer_append, json_type_name
#include "rollgate/error.hpp"
#include "units/json.hpp"  // units_from_document

namespace rollgate::detail::canary {
namespace {

using json = nlohmann::json;

bool is_integer(double v) {
  return v == std::floor(v);
}

arm parse_arm(const json& d, const std::string& ptr, std::vector<problem>& out) {
  arm a;
  if (d.is_array()) {
    a.kind = form::samples;
    a.values.reserve(d.size());
    for (std::size_t i = 0; i < d.size(); ++i) {
      const json& v = d[i];
      if (v.is_number()) {
        const double x = v.get<double>();
        if (std::isnan(x)) {
          ++a.nan_count;
        } else if (!std::isfinite(x)) {
          out.push_back({"rollgate.canary.511", pointer_append(ptr, i), "sample is infinite"});
        } else {
          a.values.push_back(x);
        }
      } else if (v.is_null() || (v.is_string() && (v == "NaN" || v == "nan"))) {
        ++a.nan_count;  // metric stores report gaps as null or "NaN": an explicit NoData later
      } else {
        out.push_back({"rollgate.canary.511", pointer_append(ptr, i),
                       std::string("a sample must be a number (or null/\"NaN\" for a gap), got ") +
                           detail::json_type_name(v)});
      }
    }
    return a;
  }
  if (d.is_object() && d.value("type", json()) == "rollgate.units") {
    try {
      a.units.push_back(detail::units_from_document(d));
      a.kind = form::units;
    } catch (const error& e) {
      for (const auto& p : e.problems()) {
        out.push_back({"rollgate.canary.512", ptr + p.pointer,
                       "invalid unit summary: " + p.message + " [" + p.code + "]"});
      }
    }
    return a;
  }
  if (d.is_object() && d.contains("type")) {
    try {
      a.sketch.push_back(quantile_sketch::from_json(d.dump()));
      a.bins = bins_of(a.sketch.front());
      a.kind = form::sketch;
    } catch (const error& e) {
      for (const auto& p : e.problems()) {
        out.push_back({"rollgate.canary.512", ptr + p.pointer,
                       "invalid sketch: " + p.message + " [" + p.code + "]"});
      }
    }
    return a;
  }
  if (d.is_object() && (d.contains("events") || d.contains("total"))) {
    bool ok = true;
    for (const char* k : {"events", "total"}) {
      const std::string kp = pointer_append(ptr, k);
      if (!d.contains(k)) {
        out.push_back({"rollgate.canary.511", ptr, std::string("counts need \"") + k + "\""});
        ok = false;
      } else if (!d[k].is_number() || !std::isfinite(d[k].get<double>()) ||
                 d[k].get<double>() < 0 || !is_integer(d[k].get<double>()) ||
                 d[k].get<double>() > 9.0e15) {
        out.push_back({"rollgate.canary.511", kp, "must be a non-negative integer"});
        ok = false;
      }
    }
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (it.key() != "events" && it.key() != "total") {
        out.push_back({"rollgate.canary.511", pointer_append(ptr, it.key()),
                       "unknown field '" + it.key() + "' in counts (known: events, total)"});
        ok = false;
      }
    }
    if (ok) {
      a.events = d["events"].get<double>();
      a.total = d["total"].get<double>();
      if (a.events > a.total) {
        out.push_back({"rollgate.canary.511", pointer_append(ptr, "events"),
                       "events (" + num(a.events) + ") exceed total (" + num(a.total) + ")"});
      } else {
        a.kind = form::counts;
      }
    }
    return a;
  }
  out.push_back({"rollgate.canary.511", ptr,
                 std::string("metric data must be an array of samples, a sketch or counts "
                             "{\"events\", \"total\"}, got ") +
                     detail::json_type_name(d)});
  return a;
}

}  // namespace

std::map<std::string, arm> parse_data(std::string_view text, const char* what,
                                      std::vector<problem>& out) {
  std::map<std::string, arm> arms;
  const json doc = detail::parse_input(text, what);
  const std::string base = std::string("/") + what;
  if (!doc.is_object() || !doc.contains("metrics") || !doc["metrics"].is_object()) {
    out.push_back({"rollgate.canary.510", base,
                   std::string(what) + " must be an object {\"metrics\": {name: data}}"});
    return arms;
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "metrics" && it.key() != "name" && it.key() != "scope") {
      out.push_back({"rollgate.canary.510", pointer_append(base, it.key()),
                     "unknown field '" + it.key() + "' (known: metrics, name, scope)"});
    }
  }
  const json& m = doc["metrics"];
  for (auto it = m.begin(); it != m.end(); ++it) {
    arms[it.key()] =
        parse_arm(it.value(), pointer_append(pointer_append(base, "metrics"), it.key()), out);
  }
  return arms;
}

}  // namespace rollgate::detail::canary
