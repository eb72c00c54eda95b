// Rollout plans and the pure state machine of rollout.hpp.
#include "rollgate/rollout.hpp"

#include <cmath>    // std::isfinite, std::floor
#include <cstdio>   // std::snprintf
#include <limits>   // std::numeric_limits
#include <set>      // std::set
#include <utility>  // std::move

#include "detail/canary_config.hpp"  // parse_canary_config: gates are canary configs
#include "detail/json_input.hpp"     // parse_json, pointer_append
#include "rollgate/error.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;  // default plans keep a readable key order
using detail::pointer_append;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

struct stage_spec {
  std::string name;
  double percent = 0;
  std::int64_t min_ms = 0;
  std::int64_t max_ms = -1;  // -1: none
  bool has_gates = false;
  json gates_config;  // canary config of the stage (resolved), when has_gates
};

struct plan_spec {
  std::vector<stage_spec> stages;
};

/// 50 -> "50", 0.5 -> "0.5": percentages as people write them.
std::string fmt_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}
std::string fmt_percent(double p) {
  return fmt_num(p) + "%";
}
/// 10 rather than 10.0 in JSON when the percentage is whole.
ojson percent_json(double p) {
  if (p == std::floor(p)) return static_cast<std::int64_t>(p);
  return p;
}

bool is_ms(const json& v) {
  // Bounded by 2^53 so that the value is exact in JavaScript and never overflows int64.
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= (std::uint64_t{1} << 53);
  if (v.is_number_integer()) {
    return v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= (std::int64_t{1} << 53);
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return std::isfinite(d) && d >= 0 && d == std::floor(d) && d < 9.0e15;
  }
  return false;
}

std::int64_t ms_of(const json& v) {
  return v.is_number_float() ? static_cast<std::int64_t>(v.get<double>()) : v.get<std::int64_t>();
}

void unknown(std::vector<problem>& out, const char* id, const json& obj, const std::string& base,
             std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
      out.push_back({id, pointer_append(base, it.key()),
                     "unknown field '" + it.key() + "' (known: " + list + ")"});
    }
  }
}

void type_problem(std::vector<problem>& out, const std::string& ptr, const json& v,
                  const char* expected) {
  out.push_back({"rollgate.plan.608", ptr,
                 std::string("expected ") + expected + ", got " + detail::json_type_name(v)});
}

/// Validates a parsed plan; collects every problem.
plan_spec parse_plan(const json& doc, std::vector<problem>& out) {
  plan_spec plan;
  if (!doc.is_object()) {
    out.push_back(
        {"rollgate.plan.601", "",
         std::string("a plan is an object with \"stages\", got ") + detail::json_type_name(doc)});
    return plan;
  }
  unknown(out, "rollgate.plan.602", doc, "", {"name", "description", "risk", "canary", "stages"});
  for (const char* k : {"name", "description"}) {
    if (doc.contains(k) && !doc[k].is_string())
      type_problem(out, pointer_append("", k), doc[k], "a string");
  }
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
    return plan;
  }
  if (!it->is_array()) {
    type_problem(out, "/stages", *it, "an array of stages");
    return plan;
  }
  if (it->empty()) {
    out.push_back({"rollgate.plan.601", "/stages", "a plan needs at least one stage"});
    return plan;
  }
  double previous = 0;
  bool previous_ok = true;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& s = (*it)[i];
    const std::string sp = pointer_append("/stages", i);
    stage_spec st;
    if (!s.is_object()) {
      type_problem(out, sp, s, "an object");
      plan.stages.push_back(st);
      previous_ok = false;
      continue;
    }
    unknown(out, "rollgate.plan.602", s, sp,
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
    if (!s.contains("minDurationMs")) {
      out.push_back({"rollgate.plan.606", sp, "stage needs \"minDurationMs\" (0 for none)"});
    } else if (!is_ms(s["minDurationMs"])) {
      out.push_back({"rollgate.plan.606", pointer_append(sp, "minDurationMs"),
                     "must be a non-negative integer number of milliseconds"});
    } else {
      st.min_ms = ms_of(s["minDurationMs"]);
    }
    if (s.contains("maxDurationMs")) {
      if (!is_ms(s["maxDurationMs"])) {
        out.push_back({"rollgate.plan.606", pointer_append(sp, "maxDurationMs"),
                       "must be a non-negative integer number of milliseconds"});
      } else {
        st.max_ms = ms_of(s["maxDurationMs"]);
        if (st.max_ms < st.min_ms) {
          out.push_back({"rollgate.plan.606", pointer_append(sp, "maxDurationMs"),
                         "maxDurationMs is below minDurationMs"});
        }
      }
    }
    if (s.contains("watch")) {
      const json& w = s["watch"];
      if (!w.is_array()) {
        type_problem(out, pointer_append(sp, "watch"), w, "an array of strings");
      } else {
        for (std::size_t k = 0; k < w.size(); ++k) {
          if (!w[k].is_string())
            type_problem(out, pointer_append(pointer_append(sp, "watch"), k), w[k], "a string");
        }
      }
    }
    if (s.contains("gates")) {
      const json& g = s["gates"];
      const std::string gp = pointer_append(sp, "gates");
      if (g.is_array()) {
        // Names of metrics of the plan's "canary" config.
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
            out.push_back(
                {"rollgate.plan.607", kp,
                 "stage names metric '" + name + "' but the plan has no \"canary\" config"});
          } else if (!metric_names.count(name)) {
            out.push_back({"rollgate.plan.607", kp,
                           "metric '" + name + "' is not in the plan's canary config"});
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
        if (sub.is_object()) sub["metrics"] = metrics;
        st.has_gates = !metrics.empty();
        st.gates_config = sub;
      } else if (g.is_object()) {
        detail::parse_canary_config(g, gp, out);
        st.has_gates = true;
        st.gates_config = g;
      } else {
        type_problem(out, gp, g, "an array of metric names or an inline canary config");
      }
    }
    plan.stages.push_back(std::move(st));
  }
  if (!plan.stages.empty() && previous_ok && plan.stages.back().percent != 100) {
    out.push_back({"rollgate.plan.605",
                   pointer_append(pointer_append("/stages", it->size() - 1), "percent"),
                   "the last stage must send 100% of traffic"});
  }
  return plan;
}

plan_spec load_plan(std::string_view text) {
  const json doc = detail::parse_input(text, "plan");
  std::vector<problem> out;
  plan_spec plan = parse_plan(doc, out);
  if (!out.empty()) throw error(std::move(out));
  return plan;
}

// ------------------------------------------------------------------------------------------
// Default plans

ojson metric_error_rate() {
  return {{"name", "errorRate"},
          {"description", "share of requests that failed (5xx, exceptions)"},
          {"kind", "rate"},
          {"direction", "increase"},
          {"allowedChange", {{"relative", 0.2}, {"absolute", 0.0005}}},
          {"critical", true},
          {"group", "errors"},
          {"test", "fisher"},
          {"gates", ojson::array({{{"stat", "rate"}, {"max", 0.001}}})}};
}
ojson metric_latency() {
  return {{"name", "latency"},
          {"description", "request latency in ms"},
          {"kind", "continuous"},
          {"direction", "increase"},
          {"allowedChange", {{"relative", 0.1}, {"absolute", 5}}},
          {"critical", true},
          {"group", "latency"},
          {"test", "mannWhitney"},
          {"quantiles", {0.95, 0.99}},
          {"gates", ojson::array({{{"stat", "p99"}, {"max", 500}}})}};
}
ojson metric_conversion() {
  return {{"name", "conversion"},
          {"description", "share of sessions that converted"},
          {"kind", "rate"},
          {"direction", "decrease"},
          {"allowedChange", {{"relative", 0.05}}},
          {"group", "business"},
          {"test", "proportions"}};
}
ojson plan_canary() {
  return {{"alpha", 0.05},
          {"scoreThresholds", {{"pass", 100}, {"marginal", 75}}},
          {"groupWeights", {{"errors", 40}, {"latency", 40}, {"business", 20}}},
          {"metrics", {metric_error_rate(), metric_latency(), metric_conversion()}}};
}
/// At 100% there is no baseline left to compare with: only the absolute gates apply.
ojson absolute_only() {
  ojson e = metric_error_rate();
  ojson l = metric_latency();
  for (ojson* m : {&e, &l}) {
    (*m)["compare"] = false;
    m->erase("allowedChange");
    m->erase("test");
    m->erase("quantiles");
  }
  return {
      {"alpha", 0.05}, {"scoreThresholds", {{"pass", 100}, {"marginal", 75}}}, {"metrics", {e, l}}};
}
ojson stage(const char* name, double percent, std::int64_t min_ms, std::int64_t max_ms, ojson gates,
            ojson watch) {
  ojson s = {{"name", name}, {"percent", percent}, {"minDurationMs", min_ms}};
  if (max_ms >= 0) s["maxDurationMs"] = max_ms;
  s["gates"] = std::move(gates);
  s["watch"] = std::move(watch);
  return s;
}

}  // namespace

const char* to_string(risk r) noexcept {
  switch (r) {
    case risk::low:
      return "low";
    case risk::high:
      return "high";
    default:
      return "medium";
  }
}

risk parse_risk(std::string_view text) {
  if (text == "low") return risk::low;
  if (text == "medium") return risk::medium;
  if (text == "high") return risk::high;
  throw error("rollgate.plan.612", "/risk",
              "unknown risk '" + std::string(text) + "' (use low, medium or high)");
}

std::string default_plan(risk r) {
  const ojson all_metrics = {"errorRate", "latency", "conversion"};
  const ojson first = {"errorRate", "latency"};
  ojson stages = ojson::array();
  ojson plan = {{"name", std::string("default-") + to_string(r)}, {"risk", to_string(r)}};
  switch (r) {
    case risk::low:
      plan["description"] =
          "low risk: 10% for 5 min, 50% for 30 min, then 100% watched for 2 h; rollback at any "
          "stage";
      stages.push_back(stage("canary-10", 10, 5 * kMinute, 30 * kMinute, first, first));
      stages.push_back(stage("half", 50, 30 * kMinute, 2 * kHour, all_metrics, all_metrics));
      stages.push_back(stage("full", 100, 2 * kHour, -1, absolute_only(), first));
      break;
    case risk::high:
      plan["description"] =
          "high risk: 1% for 30 min, 5% for 2 h, 25% for 4 h, 50% for 8 h, then 100% watched for "
          "48 h; rollback at any stage";
      stages.push_back(stage("canary-1", 1, 30 * kMinute, 2 * kHour, first, first));
      stages.push_back(stage("canary-5", 5, 2 * kHour, 8 * kHour, all_metrics, all_metrics));
      stages.push_back(stage("quarter", 25, 4 * kHour, 16 * kHour, all_metrics, all_metrics));
      stages.push_back(stage("half", 50, 8 * kHour, 32 * kHour, all_metrics, all_metrics));
      stages.push_back(stage("full", 100, 48 * kHour, -1, absolute_only(), first));
      break;
    default:
      plan["description"] =
          "classic: 1% for 15 min (error rate < 0.1%, p99 < 500 ms), 10% for 1 h (no conversion "
          "regression), 50% for 4 h (no anomalies), then 100% watched for 24 h; rollback at any "
          "stage";
      stages.push_back(stage("canary-1", 1, 15 * kMinute, 1 * kHour, first, first));
      stages.push_back(stage("canary-10", 10, 1 * kHour, 4 * kHour, all_metrics, all_metrics));
      stages.push_back(stage("half", 50, 4 * kHour, 16 * kHour, all_metrics, all_metrics));
      stages.push_back(stage("full", 100, 24 * kHour, -1, absolute_only(), first));
      break;
  }
  plan["canary"] = plan_canary();
  plan["stages"] = std::move(stages);
  return plan.dump(2);
}

void validate_plan(std::string_view plan_json) {
  (void)load_plan(plan_json);
}

std::string stage_canary_config(std::string_view plan_json, std::size_t stage_index) {
  const plan_spec plan = load_plan(plan_json);
  if (stage_index >= plan.stages.size()) {
    throw error("rollgate.plan.610", "/stage",
                "stage " + std::to_string(stage_index) + " is out of range (the plan has " +
                    std::to_string(plan.stages.size()) + " stages)");
  }
  const stage_spec& s = plan.stages[stage_index];
  if (!s.has_gates) return "null";
  return s.gates_config.dump();
}

std::string initial_state(std::int64_t now_ms) {
  const ojson state = {{"stage", 0},
                       {"stageStartMs", now_ms < 0 ? 0 : now_ms},
                       {"status", "running"},
                       {"history", ojson::array()}};
  return state.dump();
}

const char* to_string(action_kind k) noexcept {
  switch (k) {
    case action_kind::advance:
      return "advance";
    case action_kind::rollback:
      return "rollback";
    case action_kind::complete:
      return "complete";
    default:
      return "hold";
  }
}

namespace {

std::string fmt_duration(std::int64_t ms) {
  if (ms % kHour == 0 && ms >= kHour) return std::to_string(ms / kHour) + " h";
  if (ms % kMinute == 0 && ms >= kMinute) return std::to_string(ms / kMinute) + " min";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

rollout_action next_action(std::string_view plan_json, std::string_view state_json,
                           std::string_view analysis_json, std::int64_t now_ms) {
  const plan_spec plan = load_plan(plan_json);
  const json state = detail::parse_input(state_json, "state");

  // ---- state
  std::vector<problem> bad;
  std::size_t stage_index = 0;
  std::int64_t start_ms = 0;
  std::string status = "running";
  json history = json::array();
  if (!state.is_object()) {
    bad.push_back({"rollgate.plan.610", "",
                   "state must be an object {stage, stageStartMs, status, history}"});
  } else {
    unknown(bad, "rollgate.plan.610", state, "", {"stage", "stageStartMs", "status", "history"});
    const json* s = state.contains("stage") ? &state["stage"] : nullptr;
    if (s == nullptr || !is_ms(*s)) {
      bad.push_back({"rollgate.plan.610", "/stage", "stage must be a non-negative integer index"});
    } else if (static_cast<std::uint64_t>(ms_of(*s)) >= plan.stages.size()) {
      bad.push_back({"rollgate.plan.610", "/stage",
                     "stage " + s->dump() + " is out of range (the plan has " +
                         std::to_string(plan.stages.size()) + " stages)"});
    } else {
      stage_index = static_cast<std::size_t>(ms_of(*s));
    }
    if (!state.contains("stageStartMs") || !is_ms(state["stageStartMs"])) {
      bad.push_back({"rollgate.plan.610", "/stageStartMs",
                     "stageStartMs must be a non-negative integer (epoch milliseconds)"});
    } else {
      start_ms = ms_of(state["stageStartMs"]);
    }
    if (!state.contains("status") || !state["status"].is_string()) {
      bad.push_back({"rollgate.plan.610", "/status",
                     "status must be one of running, paused, rolledBack, completed"});
    } else {
      status = state["status"].get<std::string>();
      if (status != "running" && status != "paused" && status != "rolledBack" &&
          status != "completed") {
        bad.push_back(
            {"rollgate.plan.610", "/status",
             "unknown status '" + status + "' (use running, paused, rolledBack or completed)"});
      }
    }
    if (state.contains("history")) {
      if (!state["history"].is_array()) {
        bad.push_back({"rollgate.plan.610", "/history", "history must be an array"});
      } else {
        history = state["history"];
      }
    }
  }
  if (now_ms < 0)
    bad.push_back({"rollgate.plan.610", "/nowMs", "the clock must be >= 0 (epoch ms)"});

  // ---- analysis
  bool has_analysis = false;
  std::string verdict;
  std::vector<std::string> critical;
  std::vector<std::string> analysis_reasons;
  const bool empty_analysis = analysis_json.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (!empty_analysis) {
    const json a = detail::parse_input(analysis_json, "analysis");
    if (a.is_object()) {
      has_analysis = true;
      if (!a.contains("decision") || !a["decision"].is_string()) {
        bad.push_back({"rollgate.plan.611", "/decision",
                       "analysis needs a \"decision\": PASS, HOLD or ROLLBACK"});
      } else {
        verdict = a["decision"].get<std::string>();
        if (verdict != "PASS" && verdict != "HOLD" && verdict != "ROLLBACK") {
          bad.push_back({"rollgate.plan.611", "/decision",
                         "unknown decision '" + verdict + "' (use PASS, HOLD or ROLLBACK)"});
        }
      }
      if (a.contains("criticalFailures")) {
        const json& cf = a["criticalFailures"];
        if (!cf.is_array()) {
          bad.push_back(
              {"rollgate.plan.611", "/criticalFailures", "must be an array of metric names"});
        } else {
          for (std::size_t i = 0; i < cf.size(); ++i) {
            if (cf[i].is_string()) {
              critical.push_back(cf[i].get<std::string>());
            } else {
              bad.push_back({"rollgate.plan.611", pointer_append("/criticalFailures", i),
                             "must be a metric name"});
            }
          }
        }
      }
      if (a.contains("reasons") && a["reasons"].is_array()) {
        for (const auto& r : a["reasons"]) {
          if (r.is_string()) analysis_reasons.push_back(r.get<std::string>());
        }
      }
    } else if (!a.is_null()) {
      bad.push_back(
          {"rollgate.plan.611", "",
           std::string("analysis must be an object or null, got ") + detail::json_type_name(a)});
    }
  }
  if (!bad.empty()) throw error(std::move(bad));

  // ---- the rules, in order
  const stage_spec& st = plan.stages[stage_index];
  rollout_action act;
  act.stage = stage_index;
  act.status = status;
  act.percent = st.percent;
  ojson new_state = {{"stage", stage_index},
                     {"stageStartMs", start_ms},
                     {"status", status},
                     {"history", ojson::parse(history.dump())}};
  const std::string stage_name =
      "stage " + std::to_string(stage_index) + (st.name.empty() ? "" : " (" + st.name + ")");
  auto record = [&](const char* what, std::size_t to, double percent, const std::string& why) {
    new_state["history"].push_back({{"atMs", now_ms},
                                    {"action", what},
                                    {"fromStage", stage_index},
                                    {"toStage", to},
                                    {"percent", percent_json(percent)},
                                    {"reason", why}});
  };
  auto finish = [&]() {
    new_state["status"] = act.status;
    new_state["stage"] = act.stage;
    act.state_json = new_state.dump();
    return act;
  };

  if (status == "rolledBack") {
    act.kind = action_kind::hold;
    act.percent = 0;
    act.reasons.push_back("the rollout was rolled back; it stays at 0% until a new rollout starts");
    return finish();
  }
  if (status == "completed") {
    act.kind = action_kind::hold;
    act.percent = 100;
    act.reasons.push_back("the rollout is complete at 100%");
    return finish();
  }
  if (!critical.empty()) {
    std::string names;
    for (const auto& n : critical) names += (names.empty() ? "" : ", ") + n;
    const std::string why = "critical metric failed at " + stage_name + ": " + names;
    act.kind = action_kind::rollback;
    act.percent = 0;
    act.status = "rolledBack";
    act.reasons.push_back(why + "; rolling back at once");
    record("rollback", stage_index, 0, why);
    return finish();
  }
  if (status == "paused") {
    act.kind = action_kind::hold;
    act.reasons.push_back("the rollout is paused at " + fmt_percent(st.percent));
    return finish();
  }
  if (has_analysis && verdict == "ROLLBACK") {
    std::string why = "the analysis decided ROLLBACK at " + stage_name;
    if (!analysis_reasons.empty()) why += ": " + analysis_reasons.front();
    act.kind = action_kind::rollback;
    act.percent = 0;
    act.status = "rolledBack";
    act.reasons.push_back(why);
    record("rollback", stage_index, 0, why);
    return finish();
  }
  if (now_ms < start_ms) {
    act.kind = action_kind::hold;
    act.reasons.push_back("the clock (" + std::to_string(now_ms) + ") is before the stage start (" +
                          std::to_string(start_ms) + "); holding");
    return finish();
  }
  const std::int64_t elapsed = now_ms - start_ms;
  if (elapsed < st.min_ms) {
    act.kind = action_kind::hold;
    act.reasons.push_back("minimum window of " + stage_name + ": " + fmt_duration(elapsed) +
                          " of " + fmt_duration(st.min_ms) + " elapsed");
    return finish();
  }
  const bool passed = !st.has_gates || (has_analysis && verdict == "PASS");
  if (!passed && st.max_ms >= 0 && elapsed >= st.max_ms) {
    const std::string why =
        stage_name + " did not pass within its maximum of " + fmt_duration(st.max_ms);
    act.kind = action_kind::rollback;
    act.percent = 0;
    act.status = "rolledBack";
    act.reasons.push_back(why);
    record("rollback", stage_index, 0, why);
    return finish();
  }
  if (!passed) {
    act.kind = action_kind::hold;
    if (!has_analysis) {
      act.reasons.push_back("no analysis yet for " + stage_name);
    } else {
      act.reasons.push_back("the analysis decided HOLD at " + stage_name);
      for (const auto& r : analysis_reasons) act.reasons.push_back(r);
    }
    return finish();
  }
  const std::string why =
      st.has_gates ? "the analysis passed " + stage_name + " after " + fmt_duration(elapsed)
                   : stage_name + " has no gates and its window of " + fmt_duration(st.min_ms) +
                         " has passed";
  if (stage_index + 1 >= plan.stages.size()) {
    act.kind = action_kind::complete;
    act.percent = 100;
    act.status = "completed";
    act.reasons.push_back(why + "; the rollout is complete");
    record("complete", stage_index, 100, why);
    return finish();
  }
  const stage_spec& next = plan.stages[stage_index + 1];
  act.kind = action_kind::advance;
  act.stage = stage_index + 1;
  act.percent = next.percent;
  act.reasons.push_back(why + "; advancing to " + fmt_percent(next.percent));
  record("advance", stage_index + 1, next.percent, why);
  new_state["stageStartMs"] = now_ms;
  return finish();
}

std::string to_json(const rollout_action& a) {
  ojson out = {{"action", to_string(a.kind)},
               {"percent", percent_json(a.percent)},
               {"stage", a.stage},
               {"status", a.status},
               {"reasons", a.reasons}};
  out["state"] = a.state_json.empty() ? ojson(nullptr) : ojson::parse(a.state_json);
  return out.dump();
}

}  // namespace rollgate
