// Rollout state and action (rollout.hpp): names, JSON forms, what is served now.
#include <cmath>  // std::isfinite

#include "detail/canary_config.hpp"  // parse_input
#include "detail/json_input.hpp"     // pointer_append
#include "rollgate/bucket.hpp"       // kScale
#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"
#include "rollout/common.hpp"

namespace rollgate {
namespace {

using namespace detail::rollout;  // json, ojson, helpers
using detail::pointer_append;

constexpr const char* kStatusNames[] = {"running", "paused", "rolledBack", "completed"};
constexpr const char* kActionNames[] = {"advance", "hold",  "rollback", "complete",
                                        "start",   "pause", "resume"};

template <typename Enum, std::size_t N>
bool parse_name(const char* const (&names)[N], const std::string& text, Enum& out) {
  for (std::size_t i = 0; i < N; ++i) {
    if (text == names[i]) {
      out = static_cast<Enum>(i);
      return true;
    }
  }
  return false;
}

void bad(std::vector<problem>& out, const std::string& ptr, const std::string& message) {
  out.push_back({"rollgate.plan.610", ptr, message});
}

/// A non-negative integer up to 2^53 (epoch milliseconds, indexes). 64-bit on every target:
/// std::size_t is 32 bits in WebAssembly and would truncate a clock.
std::int64_t read_integer(const json& obj, const char* key, const std::string& base,
                          std::vector<problem>& out) {
  if (!obj.contains(key) || !is_ms(obj[key])) {
    bad(out, pointer_append(base, key), std::string(key) + " must be a non-negative integer");
    return 0;
  }
  return ms_of(obj[key]);
}

std::size_t read_index(const json& obj, const char* key, const std::string& base,
                       std::vector<problem>& out) {
  const std::int64_t v = read_integer(obj, key, base, out);
  if (static_cast<std::uint64_t>(v) > 0xFFFFFFFFu) {
    bad(out, pointer_append(base, key), std::string(key) + " is out of range");
    return 0;
  }
  return static_cast<std::size_t>(v);
}

double read_percent(const json& obj, const char* key, const std::string& base,
                    std::vector<problem>& out) {
  if (!obj.contains(key) || !obj[key].is_number() || !(obj[key].get<double>() >= 0) ||
      !(obj[key].get<double>() <= 100)) {
    bad(out, pointer_append(base, key), std::string(key) + " must be a percentage in [0, 100]");
    return 0;
  }
  return obj[key].get<double>();
}

history_entry read_entry(const json& e, const std::string& ep, std::vector<problem>& out) {
  history_entry h;
  if (!e.is_object()) {
    bad(out, ep, "a history entry is an object");
    return h;
  }
  unknown_members(out, "rollgate.plan.610", e, ep,
                  {"atMs", "action", "actor", "fromStage", "toStage", "percent", "reason"});
  h.at_ms = read_integer(e, "atMs", ep, out);
  if (!e.contains("action") || !e["action"].is_string() ||
      !parse_name(kActionNames, e["action"].get<std::string>(), h.action)) {
    bad(out, pointer_append(ep, "action"), "unknown action");
  }
  h.actor = "coordinator";
  if (e.contains("actor")) {
    if (e["actor"].is_string()) {
      h.actor = e["actor"].get<std::string>();
    } else {
      bad(out, pointer_append(ep, "actor"), "actor must be a string");
    }
  }
  h.from_stage = read_index(e, "fromStage", ep, out);
  h.to_stage = read_index(e, "toStage", ep, out);
  h.percent = read_percent(e, "percent", ep, out);
  if (e.contains("reason") && e["reason"].is_string()) {
    h.reason = e["reason"].get<std::string>();
  } else if (e.contains("reason")) {
    bad(out, pointer_append(ep, "reason"), "reason must be a string");
  }
  return h;
}

}  // namespace

const char* to_string(rollout_status s) noexcept {
  return kStatusNames[static_cast<int>(s)];
}

const char* to_string(action_kind k) noexcept {
  return kActionNames[static_cast<int>(k)];
}

rollout_state initial_state(std::int64_t now_ms) noexcept {
  rollout_state s;
  s.stage_start_ms = now_ms < 0 ? 0 : now_ms;
  return s;
}

rollout_state rollout_state::parse(std::string_view json_text) {
  const json doc = detail::parse_input(json_text, "state");
  std::vector<problem> out;
  rollout_state s;
  if (!doc.is_object()) {
    bad(out, "", "state must be an object {stage, stageStartMs, status, history}");
    throw error(std::move(out));
  }
  unknown_members(
      out, "rollgate.plan.610", doc, "",
      {"stage", "stageStartMs", "status", "window", "pending", "history", "historyDropped"});
  if (!doc.contains("stage") || !is_ms(doc["stage"]) || ms_of(doc["stage"]) > 0xFFFF) {
    bad(out, "/stage", "stage must be a non-negative integer index");
  } else {
    s.stage = static_cast<std::size_t>(ms_of(doc["stage"]));
  }
  if (!doc.contains("stageStartMs") || !is_ms(doc["stageStartMs"])) {
    bad(out, "/stageStartMs", "stageStartMs must be a non-negative integer (epoch milliseconds)");
  } else {
    s.stage_start_ms = ms_of(doc["stageStartMs"]);
  }
  if (!doc.contains("status") || !doc["status"].is_string()) {
    bad(out, "/status", "status must be one of running, paused, rolledBack, completed");
  } else if (!parse_name(kStatusNames, doc["status"].get<std::string>(), s.status)) {
    bad(out, "/status",
        "unknown status '" + doc["status"].get<std::string>() +
            "' (use running, paused, rolledBack or completed)");
  }
  if (doc.contains("window")) {
    if (!is_ms(doc["window"]) || ms_of(doc["window"]) < 1) {
      bad(out, "/window", "window must be a positive integer");
    } else {
      s.window = static_cast<std::uint64_t>(ms_of(doc["window"]));
    }
  }
  if (doc.contains("historyDropped")) {
    if (!is_ms(doc["historyDropped"])) {
      bad(out, "/historyDropped", "historyDropped must be a non-negative integer");
    } else {
      s.history_dropped = static_cast<std::uint64_t>(ms_of(doc["historyDropped"]));
    }
  }
  if (doc.contains("pending") && !doc["pending"].is_null()) {
    const json& p = doc["pending"];
    if (!p.is_object()) {
      bad(out, "/pending", "pending must be an object {fromPercent, atMs} or null");
    } else {
      unknown_members(out, "rollgate.plan.610", p, "/pending", {"fromPercent", "atMs"});
      pending_increase pi;
      pi.from_percent = read_percent(p, "fromPercent", "/pending", out);
      if (!detail::rollout::coverage_of(pi.from_percent, pi.from_coverage)) {
        bad(out, "/pending/fromPercent", "fromPercent has more than 3 decimals");
      }
      pi.at_ms = read_integer(p, "atMs", "/pending", out);
      s.pending = pi;
    }
  }
  if (doc.contains("history")) {
    const json& h = doc["history"];
    if (!h.is_array()) {
      bad(out, "/history", "history must be an array");
    } else {
      // A stored state may predate the bound: keep its newest entries.
      const std::size_t skip = h.size() > kMaxHistory ? h.size() - kMaxHistory : 0;
      s.history_dropped += skip;
      for (std::size_t i = skip; i < h.size(); ++i)
        s.history.push_back(read_entry(h[i], pointer_append("/history", i), out));
    }
  }
  if (!out.empty()) throw error(std::move(out));
  return s;
}

std::string rollout_state::to_json() const {
  ojson h = ojson::array();
  for (const auto& e : history) {
    h.push_back({{"atMs", e.at_ms},
                 {"action", rollgate::to_string(e.action)},
                 {"actor", e.actor},
                 {"fromStage", e.from_stage},
                 {"toStage", e.to_stage},
                 {"percent", percent_json(e.percent)},
                 {"reason", e.reason}});
  }
  ojson out = {{"stage", stage},
               {"stageStartMs", stage_start_ms},
               {"status", rollgate::to_string(status)},
               {"window", window}};
  out["pending"] = pending ? ojson{{"fromPercent", percent_json(pending->from_percent)},
                                   {"atMs", pending->at_ms}}
                           : ojson(nullptr);
  out["history"] = std::move(h);
  if (history_dropped > 0) out["historyDropped"] = history_dropped;
  return out.dump();
}

traffic serving(const rollout_plan& plan, const rollout_state& state) {
  if (state.stage >= plan.stages().size()) {
    throw error("rollgate.plan.610", "/stage",
                "stage " + std::to_string(state.stage) + " is out of range (the plan has " +
                    std::to_string(plan.stages().size()) + " stages)");
  }
  if (state.status == rollout_status::rolled_back) return {0, 0};
  if (state.status == rollout_status::completed) return {100, kScale};
  if (state.pending) return {state.pending->from_percent, state.pending->from_coverage};
  const plan_stage& s = plan.stages()[state.stage];
  return {s.percent, s.coverage};
}

std::string to_json(const rollout_action& a) {
  ojson out = {{"action", to_string(a.kind)},
               {"percent", percent_json(a.target.percent)},
               {"coverage", a.target.coverage},
               {"servingPercent", percent_json(a.serve.percent)},
               {"servingCoverage", a.serve.coverage},
               {"stage", a.stage},
               {"status", to_string(a.status)},
               {"newWindow", a.new_window},
               {"reasons", a.reasons}};
  // The window that starts when the announced increase takes effect (settle() opens it).
  out["pending"] = a.state.pending ? ojson{{"percent", percent_json(a.target.percent)},
                                           {"coverage", a.target.coverage},
                                           {"atMs", a.state.pending->at_ms},
                                           {"window", a.state.window + 1}}
                                   : ojson(nullptr);
  out["state"] = ojson::parse(a.state.to_json());
  return out.dump();
}

std::string to_json(const srm_check& c) {
  const ojson out = {{"checked", c.checked},
                     {"failed", c.failed},
                     {"statistic", std::isfinite(c.statistic) ? ojson(c.statistic) : ojson()},
                     {"pValue", std::isfinite(c.p_value) ? ojson(c.p_value) : ojson()},
                     {"df", c.df},
                     {"alpha", c.alpha},
                     {"stableUnits", c.stable_units},
                     {"canaryUnits", c.canary_units},
                     {"canaryPercent", percent_json(c.canary_percent)},
                     {"reason", c.reason}};
  return out.dump();
}

std::string to_json(const rollout_step& s) {
  ojson out = {{"action", ojson::parse(to_json(s.action))}};
  out["analysis"] = s.judged ? ojson::parse(to_json(*s.judged)) : ojson(nullptr);
  out["srm"] = ojson::parse(to_json(s.srm));
  return out.dump();
}

}  // namespace rollgate
