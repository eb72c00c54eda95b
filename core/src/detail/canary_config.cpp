// Parsing and validation of canary configs: every problem is collected with its JSON Pointer
// before anything is thrown, so a user fixes a config in one round trip.
#include "detail/canary_config.hpp"

#include <cmath>    // std::isfinite
#include <cstdlib>  // std::strtod
#include <set>      // std::set

#include "detail/json_input.hpp"  // pointer_append, json_type_name

namespace rollgate::detail {
namespace {

using json = nlohmann::json;

struct ctx {
  std::vector<problem>& out;
  void add(const char* id, const std::string& ptr, std::string msg) {
    out.push_back(problem{id, ptr, std::move(msg)});
  }
  void type(const std::string& ptr, const json& v, const char* expected) {
    add("rollgate.canary.508", ptr,
        std::string("expected ") + expected + ", got " + json_type_name(v));
  }
};

bool get_number(ctx& c, const json& obj, const char* key, const std::string& base, double& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  const std::string ptr = pointer_append(base, key);
  if (!it->is_number()) {
    c.type(ptr, *it, "a number");
    return false;
  }
  const double v = it->get<double>();
  if (!std::isfinite(v)) {
    c.add("rollgate.canary.505", ptr, "must be a finite number");
    return false;
  }
  out = v;
  return true;
}

bool get_bool(ctx& c, const json& obj, const char* key, const std::string& base, bool& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_boolean()) {
    c.type(pointer_append(base, key), *it, "true or false");
    return false;
  }
  out = it->get<bool>();
  return true;
}

bool get_string(ctx& c, const json& obj, const char* key, const std::string& base,
                std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_string()) {
    c.type(pointer_append(base, key), *it, "a string");
    return false;
  }
  out = it->get<std::string>();
  return true;
}

void unknown_fields(ctx& c, const json& obj, const std::string& base,
                    std::initializer_list<const char*> known) {
  unknown_members(c.out, "rollgate.canary.502", obj, base, known);
}

/// "p99" → 0.99, "p99.9" → 0.999, "p50" → 0.5; -1 if not a percentile name.
double percentile_of(const std::string& stat) {
  if (stat.size() < 2 || stat[0] != 'p') return -1;
  for (std::size_t i = 1; i < stat.size(); ++i) {
    const char ch = stat[i];
    if (!((ch >= '0' && ch <= '9') || ch == '.')) return -1;
  }
  char* end = nullptr;
  const double v = std::strtod(stat.c_str() + 1, &end);
  if (end != stat.c_str() + stat.size() || !(v > 0) || !(v < 100)) return -1;
  return v / 100.0;
}

void parse_gate(ctx& c, const json& g, const std::string& ptr, const metric_spec& m,
                gate_spec& out) {
  if (!g.is_object()) {
    c.type(ptr, g, "an object {\"stat\", \"max\" and/or \"min\"}");
    return;
  }
  unknown_fields(c, g, ptr, {"stat", "max", "min"});
  if (!get_string(c, g, "stat", ptr, out.stat)) {
    if (!g.contains("stat")) c.add("rollgate.canary.506", ptr, "gate needs a \"stat\"");
  } else {
    const std::string sp = pointer_append(ptr, "stat");
    out.q = percentile_of(out.stat);
    if (out.stat == "median") out.q = 0.5;
    const bool known = out.stat == "mean" || out.stat == "rate" || out.q > 0;
    if (!known) {
      c.add("rollgate.canary.506", sp,
            "unknown statistic '" + out.stat + "' (use mean, median, rate or pNN such as p99)");
    } else if (m.kind == metric_kind::rate && out.stat != "rate") {
      c.add("rollgate.canary.507", sp,
            "a rate metric can only gate its \"rate\", not '" + out.stat + "'");
    } else if (m.kind == metric_kind::continuous && out.stat == "rate") {
      c.add("rollgate.canary.507", sp, "\"rate\" is only for metrics of kind \"rate\"");
    }
  }
  out.has_max = get_number(c, g, "max", ptr, out.max);
  out.has_min = get_number(c, g, "min", ptr, out.min);
  if (!g.contains("max") && !g.contains("min")) {
    c.add("rollgate.canary.506", ptr, "gate needs a \"max\" or a \"min\" bound");
  }
  if (out.has_max && out.has_min && out.min > out.max) {
    c.add("rollgate.canary.506", ptr, "gate's min is above its max");
  }
}

void parse_metric(ctx& c, const json& m, const std::string& ptr, metric_spec& out) {
  if (!m.is_object()) {
    c.type(ptr, m, "an object");
    return;
  }
  unknown_fields(
      c, m, ptr,
      {"name", "description", "kind", "direction", "allowedChange", "critical", "mustHaveData",
       "compare", "group", "weight", "test", "quantiles", "gates", "minSamples", "minEvents",
       "minTailSamples", "nanStrategy", "event", "capQuantile"});
  if (!get_string(c, m, "name", ptr, out.name)) {
    if (!m.contains("name")) c.add("rollgate.canary.503", ptr, "metric needs a \"name\"");
  } else if (out.name.empty()) {
    c.add("rollgate.canary.503", pointer_append(ptr, "name"), "metric name is empty");
  }
  std::string s;
  if (get_string(c, m, "kind", ptr, s)) {
    if (s == "continuous") {
      out.kind = metric_kind::continuous;
    } else if (s == "rate") {
      out.kind = metric_kind::rate;
    } else {
      c.add("rollgate.canary.504", pointer_append(ptr, "kind"),
            "unknown kind '" + s + "' (use continuous or rate)");
    }
  }
  out.direction = bad_direction::either;  // Kayenta's default
  if (get_string(c, m, "direction", ptr, s)) {
    if (s == "increase") {
      out.direction = bad_direction::increase;
    } else if (s == "decrease") {
      out.direction = bad_direction::decrease;
    } else if (s == "either") {
      out.direction = bad_direction::either;
    } else {
      c.add("rollgate.canary.504", pointer_append(ptr, "direction"),
            "unknown direction '" + s +
                "' (use increase, decrease or either: the change that is bad)");
    }
  }
  if (auto it = m.find("allowedChange"); it != m.end()) {
    const std::string ap = pointer_append(ptr, "allowedChange");
    if (!it->is_object()) {
      c.type(ap, *it, "an object {\"relative\", \"absolute\"}");
    } else {
      unknown_fields(c, *it, ap, {"relative", "absolute"});
      if (get_number(c, *it, "relative", ap, out.allowed_relative) && out.allowed_relative < 0) {
        c.add("rollgate.canary.505", pointer_append(ap, "relative"), "must be >= 0");
      }
      if (get_number(c, *it, "absolute", ap, out.allowed_absolute) && out.allowed_absolute < 0) {
        c.add("rollgate.canary.505", pointer_append(ap, "absolute"), "must be >= 0");
      }
    }
  }
  get_bool(c, m, "critical", ptr, out.critical);
  get_bool(c, m, "mustHaveData", ptr, out.must_have_data);
  get_bool(c, m, "compare", ptr, out.compare);
  if (!get_string(c, m, "group", ptr, out.group) || out.group.empty()) out.group = "default";
  if (get_number(c, m, "weight", ptr, out.weight) && !(out.weight > 0)) {
    c.add("rollgate.canary.505", pointer_append(ptr, "weight"), "must be > 0");
  }
  if (get_string(c, m, "test", ptr, s)) {
    const std::string tp = pointer_append(ptr, "test");
    if (s == "auto") {
      out.test = metric_test::automatic;
    } else if (s == "mannWhitney") {
      out.test = metric_test::mann_whitney;
    } else if (s == "welch") {
      out.test = metric_test::welch;
    } else if (s == "fisher") {
      out.test = metric_test::fisher;
    } else if (s == "proportions") {
      out.test = metric_test::proportions;
    } else if (s == "sequential") {
      out.test = metric_test::sequential;
    } else {
      c.add("rollgate.canary.504", tp,
            "unknown test '" + s +
                "' (use auto, mannWhitney, welch, fisher, proportions or sequential)");
    }
    const bool rate_test = out.test == metric_test::fisher || out.test == metric_test::proportions;
    const bool cont_test = out.test == metric_test::mann_whitney || out.test == metric_test::welch;
    if (out.kind == metric_kind::continuous && rate_test) {
      c.add("rollgate.canary.507", tp, "test '" + s + "' is for rate metrics");
    } else if (out.kind == metric_kind::rate && cont_test) {
      c.add("rollgate.canary.507", tp, "test '" + s + "' is for continuous metrics");
    }
  }
  if (auto it = m.find("quantiles"); it != m.end()) {
    const std::string qp = pointer_append(ptr, "quantiles");
    if (!it->is_array()) {
      c.type(qp, *it, "an array of probabilities such as [0.95, 0.99]");
    } else {
      if (out.kind == metric_kind::rate && !it->empty()) {
        c.add("rollgate.canary.507", qp, "quantiles are for continuous metrics");
      }
      for (std::size_t i = 0; i < it->size(); ++i) {
        const json& q = (*it)[i];
        if (!q.is_number()) {
          c.type(pointer_append(qp, i), q, "a number");
        } else if (!(q.get<double>() > 0 && q.get<double>() < 1)) {
          c.add("rollgate.canary.505", pointer_append(qp, i), "a quantile must be in (0, 1)");
        } else {
          out.quantiles.push_back(q.get<double>());
        }
      }
    }
  }
  if (auto it = m.find("gates"); it != m.end()) {
    const std::string gp = pointer_append(ptr, "gates");
    if (!it->is_array()) {
      c.type(gp, *it, "an array of gates");
    } else {
      for (std::size_t i = 0; i < it->size(); ++i) {
        gate_spec g;
        parse_gate(c, (*it)[i], pointer_append(gp, i), out, g);
        out.gates.push_back(g);
      }
    }
  }
  if (get_number(c, m, "minSamples", ptr, out.min_samples) && !(out.min_samples >= 1)) {
    c.add("rollgate.canary.505", pointer_append(ptr, "minSamples"), "must be >= 1");
  }
  if (get_number(c, m, "minEvents", ptr, out.min_events) && !(out.min_events >= 0)) {
    c.add("rollgate.canary.505", pointer_append(ptr, "minEvents"), "must be >= 0");
  }
  if (get_number(c, m, "minTailSamples", ptr, out.min_tail_samples) &&
      !(out.min_tail_samples >= 1)) {
    c.add("rollgate.canary.505", pointer_append(ptr, "minTailSamples"), "must be >= 1");
  }
  if (get_string(c, m, "nanStrategy", ptr, s)) {
    if (s == "fail") {
      out.nan = nan_strategy::fail;
    } else if (s == "remove") {
      out.nan = nan_strategy::remove;
    } else {
      c.add("rollgate.canary.504", pointer_append(ptr, "nanStrategy"),
            "unknown nanStrategy '" + s + "' (use fail or remove)");
    }
  }
  if (get_string(c, m, "event", ptr, out.event) && (out.event.empty() || out.event.size() > 64)) {
    c.add("rollgate.canary.505", pointer_append(ptr, "event"), "an event name has 1 to 64 bytes");
  }
  if (get_number(c, m, "capQuantile", ptr, out.cap_quantile) &&
      !(out.cap_quantile >= 0.5 && out.cap_quantile <= 1)) {
    c.add("rollgate.canary.505", pointer_append(ptr, "capQuantile"), "must be in [0.5, 1]");
  }
  if (!out.compare && out.gates.empty() && m.contains("compare")) {
    c.add("rollgate.canary.501", ptr, "metric neither compares (compare: false) nor has gates");
  }
}

}  // namespace

canary_config parse_canary_config(const json& doc, const std::string& base,
                                  std::vector<problem>& problems) {
  ctx c{problems};
  canary_config cfg;
  if (!doc.is_object()) {
    c.add("rollgate.canary.501", base,
          std::string("a canary config is an object with \"metrics\", got ") + json_type_name(doc));
    return cfg;
  }
  unknown_fields(
      c, doc, base,
      {"name", "description", "alpha", "power", "scoreThresholds", "groupWeights", "metrics"});
  if (get_number(c, doc, "alpha", base, cfg.alpha) && !(cfg.alpha > 0 && cfg.alpha < 0.5)) {
    c.add("rollgate.canary.505", pointer_append(base, "alpha"), "alpha must be in (0, 0.5)");
  }
  if (get_number(c, doc, "power", base, cfg.power) &&
      !(cfg.power == 0 || (cfg.power >= 0.5 && cfg.power < 1))) {
    c.add("rollgate.canary.505", pointer_append(base, "power"),
          "power must be 0 (no check) or in [0.5, 1)");
  }
  if (auto it = doc.find("scoreThresholds"); it != doc.end()) {
    const std::string sp = pointer_append(base, "scoreThresholds");
    if (!it->is_object()) {
      c.type(sp, *it, "an object {\"pass\", \"marginal\"}");
    } else {
      unknown_fields(c, *it, sp, {"pass", "marginal"});
      if (get_number(c, *it, "pass", sp, cfg.pass_threshold) &&
          !(cfg.pass_threshold >= 0 && cfg.pass_threshold <= 100)) {
        c.add("rollgate.canary.505", pointer_append(sp, "pass"), "must be in [0, 100]");
      }
      if (get_number(c, *it, "marginal", sp, cfg.marginal_threshold) &&
          !(cfg.marginal_threshold >= 0 && cfg.marginal_threshold <= 100)) {
        c.add("rollgate.canary.505", pointer_append(sp, "marginal"), "must be in [0, 100]");
      }
      if (cfg.marginal_threshold > cfg.pass_threshold) {
        c.add("rollgate.canary.505", sp, "marginal threshold is above the pass threshold");
      }
    }
  }
  if (auto it = doc.find("groupWeights"); it != doc.end()) {
    const std::string gp = pointer_append(base, "groupWeights");
    if (!it->is_object()) {
      c.type(gp, *it, "an object {group: weight}");
    } else {
      for (auto g = it->begin(); g != it->end(); ++g) {
        double w = 0;
        if (get_number(c, *it, g.key().c_str(), gp, w)) {
          if (w < 0) {
            c.add("rollgate.canary.505", pointer_append(gp, g.key()), "weight must be >= 0");
          } else {
            cfg.group_weights.emplace_back(g.key(), w);
          }
        }
      }
    }
  }
  const std::string mp = pointer_append(base, "metrics");
  auto it = doc.find("metrics");
  if (it == doc.end()) {
    c.add("rollgate.canary.501", base, "a canary config needs \"metrics\"");
  } else if (!it->is_array()) {
    c.type(mp, *it, "an array of metrics");
  } else if (it->empty()) {
    c.add("rollgate.canary.501", mp, "a canary config needs at least one metric");
  } else {
    std::set<std::string> names;
    for (std::size_t i = 0; i < it->size(); ++i) {
      metric_spec m;
      const std::string p = pointer_append(mp, i);
      parse_metric(c, (*it)[i], p, m);
      if (!m.name.empty() && !names.insert(m.name).second) {
        c.add("rollgate.canary.503", pointer_append(p, "name"),
              "duplicate metric name '" + m.name + "'");
      }
      cfg.metrics.push_back(std::move(m));
    }
  }
  return cfg;
}

nlohmann::json parse_input(std::string_view text, std::string_view what) {
  try {
    return parse_json(text, what);
  } catch (const nlohmann::json::exception& e) {
    std::string detail = e.what();
    const auto close = detail.find("] ");
    if (close != std::string::npos) detail = detail.substr(close + 2);
    throw error("rollgate.json.101", "", std::string(what) + " is not valid JSON: " + detail);
  }
}

canary_config load_canary_config(const json& doc) {
  std::vector<problem> problems;
  canary_config cfg = parse_canary_config(doc, "", problems);
  if (!problems.empty()) throw error(std::move(problems));
  return cfg;
}

}  // namespace rollgate::detail
