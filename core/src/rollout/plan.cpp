// Rollout plans (rollout.hpp): validation, the per-stage gate configs, restricting a plan to the
// metrics a client can measure.
#include <algorithm>  // std::find, std::sort, std::unique
#include <set>        // std::set
#include <utility>    // std::move

#include "detail/canary_config.hpp"  // parse_canary_config, parse_input: gates are canary configs
#include "detail/json_input.hpp"     // pointer_append, json_type_name
#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"
#include "rollout/common.hpp"

namespace rollgate {
namespace {

using namespace detail::rollout;  // json, ojson, helpers
using detail::pointer_append;

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// The metrics of an inline gate config, by name (non-objects and unnamed ones skipped: the
/// config's own validation reports them).
std::vector<std::string> inline_metric_names(const json& config) {
  std::vector<std::string> out;
  if (config.is_object() && config.contains("metrics") && config["metrics"].is_array()) {
    for (const auto& m : config["metrics"]) {
      if (m.is_object() && m.contains("name") && m["name"].is_string())
        out.push_back(m["name"].get<std::string>());
    }
  }
  return out;
}

void check_stage_gates(const json& g, const std::string& gp, const json& canary, bool has_canary,
                       const std::set<std::string>& metric_names, plan_stage& st,
                       json& stage_config, std::vector<problem>& out) {
  if (g.is_array()) {
    json sub = canary.is_object() ? canary : json::object();
    json metrics = json::array();
    std::set<std::string> seen;
    for (std::size_t k = 0; k < g.size(); ++k) {
      const std::string kp = pointer_append(gp, k);
      if (!g[k].is_string()) {
        type_problem(out, kp, g[k], "a metric name");
        continue;
      }
      const std::string name = g[k].get<std::string>();
      if (!has_canary) {
        out.push_back({"rollgate.plan.607", kp,
                       "stage names metric '" + name + "' but the plan has no \"canary\" config"});
      } else if (!metric_names.count(name)) {
        out.push_back(
            {"rollgate.plan.607", kp, "metric '" + name + "' is not in the plan's canary config"});
      } else if (!seen.insert(name).second) {
        out.push_back({"rollgate.plan.607", kp, "metric '" + name + "' is named twice"});
      } else if (canary.contains("metrics") && canary["metrics"].is_array()) {
        for (const auto& m : canary["metrics"]) {
          if (m.is_object() && m.contains("name") && m["name"] == name) metrics.push_back(m);
        }
      }
    }
    if (g.empty()) {
      out.push_back({"rollgate.plan.607", gp,
                     "gates name no metric (leave \"gates\" out for a time-only stage)"});
    }
    // Gate names in the config's metric order (the judge reports in that order).
    for (const auto& m : metrics) st.gates.push_back(m["name"].get<std::string>());
    sub["metrics"] = metrics;
    st.has_gates = !metrics.empty();
    stage_config = std::move(sub);
  } else if (g.is_object()) {
    detail::parse_canary_config(g, gp, out);
    st.has_gates = true;
    st.gates = inline_metric_names(g);
    stage_config = g;
  } else {
    type_problem(out, gp, g, "an array of metric names or an inline canary config");
  }
}

void check_stage_times(const json& s, const std::string& sp, plan_stage& st,
                       std::vector<problem>& out) {
  if (!s.contains("minDurationMs")) {
    out.push_back({"rollgate.plan.606", sp, "stage needs \"minDurationMs\" (0 for none)"});
  } else if (!is_ms(s["minDurationMs"])) {
    out.push_back({"rollgate.plan.606", pointer_append(sp, "minDurationMs"),
                   "must be a non-negative integer number of milliseconds"});
  } else {
    st.min_duration_ms = ms_of(s["minDurationMs"]);
  }
  if (s.contains("maxDurationMs")) {
    if (!is_ms(s["maxDurationMs"])) {
      out.push_back({"rollgate.plan.606", pointer_append(sp, "maxDurationMs"),
                     "must be a non-negative integer number of milliseconds"});
    } else {
      st.max_duration_ms = ms_of(s["maxDurationMs"]);
      if (st.max_duration_ms < st.min_duration_ms) {
        out.push_back({"rollgate.plan.606", pointer_append(sp, "maxDurationMs"),
                       "maxDurationMs is below minDurationMs"});
      }
    }
  }
}

}  // namespace

rollout_plan rollout_plan::parse(std::string_view json_text) {
  const json doc = detail::parse_input(json_text, "plan");
  std::vector<problem> out;
  rollout_plan plan;
  if (!doc.is_object()) {
    out.push_back(
        {"rollgate.plan.601", "",
         std::string("a plan is an object with \"stages\", got ") + detail::json_type_name(doc)});
    throw error(std::move(out));
  }
  unknown_members(out, "rollgate.plan.602", doc, "",
                  {"name", "description", "risk", "canary", "stages"});
  for (const char* k : {"name", "description"}) {
    if (doc.contains(k) && !doc[k].is_string())
      type_problem(out, pointer_append("", k), doc[k], "a string");
  }
  if (doc.contains("name") && doc["name"].is_string()) plan.name_ = doc["name"].get<std::string>();
  if (doc.contains("risk")) {
    const json& r = doc["risk"];
    if (!r.is_string() || (r != "low" && r != "medium" && r != "high")) {
      out.push_back({"rollgate.plan.612", "/risk", "risk must be \"low\", \"medium\" or \"high\""});
    }
  }
  // The plan-wide canary config, whose metrics stages may name.
  json canary = json::object();
  std::set<std::string> metric_names;
  bool has_canary = false;
  if (auto it = doc.find("canary"); it != doc.end()) {
    has_canary = true;
    canary = *it;
    auto cfg = detail::parse_canary_config(canary, "/canary", out);
    for (const auto& m : cfg.metrics) metric_names.insert(m.name);
  }
  auto it = doc.find("stages");
  if (it == doc.end()) {
    out.push_back({"rollgate.plan.601", "", "a plan needs \"stages\""});
    throw error(std::move(out));
  }
  if (!it->is_array()) {
    type_problem(out, "/stages", *it, "an array of stages");
    throw error(std::move(out));
  }
  if (it->empty()) {
    out.push_back({"rollgate.plan.601", "/stages", "a plan needs at least one stage"});
    throw error(std::move(out));
  }
  double previous = 0;
  bool previous_ok = true;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& s = (*it)[i];
    const std::string sp = pointer_append("/stages", i);
    plan_stage st;
    json stage_config = nullptr;
    if (!s.is_object()) {
      type_problem(out, sp, s, "an object");
      plan.stages_.push_back(st);
      plan.stage_configs_.push_back("null");
      previous_ok = false;
      continue;
    }
    unknown_members(out, "rollgate.plan.602", s, sp,
                    {"name", "percent", "minDurationMs", "maxDurationMs", "gates", "watch"});
    if (s.contains("name")) {
      if (s["name"].is_string()) {
        st.name = s["name"].get<std::string>();
      } else {
        type_problem(out, pointer_append(sp, "name"), s["name"], "a string");
      }
    }
    if (!s.contains("percent")) {
      out.push_back({"rollgate.plan.603", sp, "stage needs a \"percent\" of traffic"});
      previous_ok = false;
    } else if (!s["percent"].is_number()) {
      type_problem(out, pointer_append(sp, "percent"), s["percent"], "a number");
      previous_ok = false;
    } else {
      st.percent = s["percent"].get<double>();
      if (!(st.percent > 0 && st.percent <= 100)) {
        out.push_back({"rollgate.plan.603", pointer_append(sp, "percent"),
                       "percent must be in (0, 100], got " + s["percent"].dump()});
        previous_ok = false;
      } else if (!coverage_of(st.percent, st.coverage)) {
        out.push_back({"rollgate.plan.603", pointer_append(sp, "percent"),
                       "percent has more than 3 decimals (the finest step is 0.001%), got " +
                           s["percent"].dump()});
        previous_ok = false;
      } else {
        if (i > 0 && previous_ok && !(st.percent > previous)) {
          out.push_back({"rollgate.plan.604", pointer_append(sp, "percent"),
                         "percentages must increase: " + fmt_num(st.percent) + " follows " +
                             fmt_num(previous)});
        }
        previous = st.percent;
        previous_ok = true;
      }
    }
    check_stage_times(s, sp, st, out);
    if (s.contains("watch")) {
      const json& w = s["watch"];
      if (!w.is_array()) {
        type_problem(out, pointer_append(sp, "watch"), w, "an array of strings");
      } else {
        for (std::size_t k = 0; k < w.size(); ++k) {
          if (!w[k].is_string()) {
            type_problem(out, pointer_append(pointer_append(sp, "watch"), k), w[k], "a string");
          } else {
            st.watch.push_back(w[k].get<std::string>());
          }
        }
      }
    }
    if (s.contains("gates")) {
      check_stage_gates(s["gates"], pointer_append(sp, "gates"), canary, has_canary, metric_names,
                        st, stage_config, out);
    }
    plan.stage_configs_.push_back(st.has_gates ? stage_config.dump() : "null");
    plan.stages_.push_back(std::move(st));
  }
  if (previous_ok && plan.stages_.back().percent != 100) {
    out.push_back({"rollgate.plan.605",
                   pointer_append(pointer_append("/stages", it->size() - 1), "percent"),
                   "the last stage must send 100% of traffic"});
  }
  if (!out.empty()) throw error(std::move(out));
  // Kept in the author's key order (the validated document parses the same way again).
  plan.json_ = ojson::parse(json_text).dump();
  return plan;
}

std::string rollout_plan::to_json(int indent) const {
  if (indent < 0) return json_;
  return ojson::parse(json_).dump(indent);
}

std::string rollout_plan::stage_canary_config(std::size_t stage) const {
  if (stage >= stages_.size()) {
    throw error("rollgate.plan.610", "/stage",
                "stage " + std::to_string(stage) + " is out of range (the plan has " +
                    std::to_string(stages_.size()) + " stages)");
  }
  return stage_configs_[stage];
}

std::vector<std::string> rollout_plan::gated_metrics() const {
  std::vector<std::string> out;
  for (const auto& s : stages_) out.insert(out.end(), s.gates.begin(), s.gates.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void rollout_plan::require_measurable(const std::vector<std::string>& measurable) const {
  const ojson doc = ojson::parse(json_);
  std::vector<problem> out;
  std::string can;
  for (const auto& m : measurable) can += (can.empty() ? "" : ", ") + m;
  if (can.empty()) can = "nothing";
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    const ojson& s = doc["stages"][i];
    if (!s.contains("gates")) continue;
    const ojson& g = s["gates"];
    const bool inline_config = g.is_object();
    const std::string base = pointer_append(pointer_append("/stages", i), "gates");
    const ojson& list = inline_config ? g["metrics"] : g;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string name =
          inline_config ? list[k]["name"].get<std::string>() : list[k].get<std::string>();
      if (listed(measurable, name)) continue;
      out.push_back({"rollgate.plan.613",
                     inline_config ? pointer_append(pointer_append(base, "metrics"), k)
                                   : pointer_append(base, k),
                     "stage " + std::to_string(i) +
                         (stages_[i].name.empty() ? "" : " (" + stages_[i].name + ")") +
                         " gates on '" + name + "', which this client does not measure (it " +
                         "measures " + can + "): remove the gate, or give the metric a source"});
    }
  }
  if (!out.empty()) throw error(std::move(out));
}

rollout_plan rollout_plan::restricted_to(const std::vector<std::string>& measurable,
                                         std::vector<std::string>* dropped) const {
  ojson doc = ojson::parse(json_);
  std::set<std::string> gone;
  auto keep = [&](const ojson& m) {
    const bool named = m.is_string() || (m.is_object() && m.contains("name"));
    if (!named) return true;
    const std::string name = m.is_string() ? m.get<std::string>() : m["name"].get<std::string>();
    if (listed(measurable, name)) return true;
    gone.insert(name);
    return false;
  };
  auto filter = [&](ojson& list) {
    ojson kept = ojson::array();
    for (auto& m : list)
      if (keep(m)) kept.push_back(m);
    list = std::move(kept);
  };
  // Only metrics that some stage gates on are "gated"; others in the canary config stay (they
  // judge nothing). Watch lists are informational and follow the gates.
  const std::vector<std::string> gated = gated_metrics();
  std::vector<problem> out;
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    ojson& s = doc["stages"][i];
    if (s.contains("gates")) {
      ojson& g = s["gates"];
      filter(g.is_object() ? g["metrics"] : g);
      if ((g.is_object() ? g["metrics"] : g).empty()) {
        out.push_back({"rollgate.plan.613", pointer_append(pointer_append("/stages", i), "gates"),
                       "every gate of stage " + std::to_string(i) +
                           " is on a metric this client does not measure: the stage would "
                           "judge nothing"});
      }
    }
    if (s.contains("watch")) filter(s["watch"]);
  }
  if (!out.empty()) throw error(std::move(out));
  if (doc.contains("canary") && doc["canary"].contains("metrics")) {
    ojson kept = ojson::array();
    for (auto& m : doc["canary"]["metrics"]) {
      const bool is_gated = m.contains("name") && listed(gated, m["name"].get<std::string>());
      if (!is_gated || keep(m)) kept.push_back(m);
    }
    doc["canary"]["metrics"] = std::move(kept);
  }
  if (dropped) dropped->assign(gone.begin(), gone.end());
  return parse(doc.dump());
}

}  // namespace rollgate
