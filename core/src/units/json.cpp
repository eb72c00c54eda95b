// JSON form of unit_summary (units.hpp): what isolates flush and the coordinator merges and stores.
#include <cmath>    // std::isfinite, std::floor
#include <cstdio>   // std::snprintf
#include <cstdlib>  // std::strtoull
#include <string>   // std::string

#include <nlohmann/json.hpp>

#include "detail/canary_config.hpp"  // parse_input
#include "detail/json_input.hpp"     // pointer_append
#include "rollgate/error.hpp"
#include "rollgate/units.hpp"
#include "units/json.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using detail::pointer_append;

bool hex64(const json& v, std::uint64_t& out) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 16) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  out = std::strtoull(s.c_str(), nullptr, 16);
  return true;
}

bool whole(const json& v, double max) {
  if (!v.is_number()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && d >= 0 && d <= max && d == std::floor(d);
}

}  // namespace

std::string unit_summary::to_json() const {
  std::string s =
      "{\"type\":\"rollgate.units\",\"version\":1,\"maxUnits\":" + std::to_string(max_units_) +
      ",\"level\":" + std::to_string(level_) + ",\"events\":[";
  for (std::size_t k = 0; k < names_.size(); ++k) s += (k ? "," : "") + json_quote(names_[k]);
  s += "],\"units\":[";
  bool first = true;
  char buf[48];
  for (const auto& [h, r] : units_) {
    std::snprintf(buf, sizeof buf, "%s[\"%llx\",%d", first ? "" : ",",
                  static_cast<unsigned long long>(h), r.exposed ? 1 : 0);
    s += buf;
    first = false;
    for (const auto& t : r.tallies) {
      std::snprintf(buf, sizeof buf, ",%u,%u,%.17g", static_cast<unsigned>(t.event), t.count,
                    t.sum);
      s += buf;
    }
    s += "]";
  }
  return s + "]}";
}

unit_summary unit_summary::from_json(std::string_view text) {
  return detail::units_from_document(detail::parse_input(text, "units"));
}

namespace detail {

unit_summary units_from_document(const json& doc) {
  constexpr std::size_t kMaxEvents = unit_summary::kMaxEvents;
  constexpr std::uint32_t kMaxCountPerUnit = unit_summary::kMaxCountPerUnit;
  using record_t = unit_summary::record_t;
  std::vector<problem> out;
  auto bad = [&](const std::string& ptr, const std::string& msg) {
    out.push_back({"rollgate.metrics.003", ptr, msg});
  };
  if (!doc.is_object() || doc.value("type", json()) != "rollgate.units") {
    bad("", "a unit summary is an object with \"type\": \"rollgate.units\"");
    throw error(std::move(out));
  }
  if (doc.value("version", json()) != 1) bad("/version", "version must be 1");
  if (!doc.contains("maxUnits") || !whole(doc["maxUnits"], 10000000) ||
      doc["maxUnits"].get<double>() < 16) {
    bad("/maxUnits", "maxUnits must be an integer 16 to 10000000");
  }
  if (!doc.contains("level") || !whole(doc["level"], 63)) bad("/level", "level must be 0 to 63");
  const json* events = doc.contains("events") ? &doc["events"] : nullptr;
  if (!events || !events->is_array() || events->size() > kMaxEvents) {
    bad("/events", "events must be an array of at most 16 names");
  } else {
    for (std::size_t k = 0; k < events->size(); ++k) {
      const json& e = (*events)[k];
      if (!e.is_string() || e.get_ref<const std::string&>().empty() ||
          e.get_ref<const std::string&>().size() > 64) {
        bad(pointer_append("/events", k), "an event name is a string of 1 to 64 bytes");
      }
    }
  }
  const json* units = doc.contains("units") ? &doc["units"] : nullptr;
  if (!units || !units->is_array()) bad("/units", "units must be an array");
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    static const char* known[] = {"type", "version", "maxUnits", "level", "events", "units"};
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) bad(pointer_append("", it.key()), "unknown field '" + it.key() + "'");
  }
  if (!out.empty()) throw error(std::move(out));
  unit_summary s(static_cast<std::size_t>(doc["maxUnits"].get<double>()));
  std::vector<std::string> names;
  for (const auto& e : *events) names.push_back(e.get<std::string>());
  const std::vector<std::uint8_t> remap =
      s.restore(static_cast<std::uint32_t>(doc["level"].get<double>()), names);
  for (std::size_t i = 0; i < units->size(); ++i) {
    const json& u = (*units)[i];
    const std::string ptr = pointer_append("/units", i);
    std::uint64_t h = 0;
    if (!u.is_array() || u.size() < 2 || (u.size() - 2) % 3 != 0 || !hex64(u[0], h) ||
        !whole(u[1], 1)) {
      bad(ptr, "a unit is [hash hex, exposed 0|1, (event index, count, sum)...]");
      continue;
    }
    record_t r;
    r.exposed = u[1].get<double>() == 1;
    bool ok = true;
    for (std::size_t k = 2; k + 2 < u.size(); k += 3) {
      if (!whole(u[k], static_cast<double>(remap.size()) - 1) ||
          !whole(u[k + 1], kMaxCountPerUnit) || !u[k + 2].is_number() ||
          !std::isfinite(u[k + 2].get<double>())) {
        bad(pointer_append(ptr, k), "a tally is an event index, a count and a finite sum");
        ok = false;
        break;
      }
      r.tallies.push_back({static_cast<std::uint8_t>(u[k].get<double>()),
                           static_cast<std::uint32_t>(u[k + 1].get<double>()),
                           u[k + 2].get<double>()});
    }
    if (ok) s.add_record(h, r, remap);
    if (out.size() > 20) break;  // enough to show what is wrong
  }
  if (!out.empty()) throw error(std::move(out));
  s.enforce_cap();
  return s;
}

}  // namespace detail

}  // namespace rollgate
