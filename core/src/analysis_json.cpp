// parse_analysis (canary.hpp): the judge's analysis read back from the JSON that to_json wrote,
// so that bindings and stored coordinator state pass analyses as typed values.
#include <cmath>   // NAN
#include <string>  // std::string

#include "detail/canary_config.hpp"  // parse_input
#include "detail/json_input.hpp"     // pointer_append, json_type_name
#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using detail::pointer_append;

class reader {
 public:
  std::vector<problem> problems;

  void bad(const std::string& ptr, const std::string& message) {
    problems.push_back({"rollgate.plan.611", ptr, message});
  }

  double number(const json& obj, const char* key, const std::string& base) {
    if (!obj.contains(key) || obj[key].is_null()) return NAN;
    if (!obj[key].is_number()) {
      bad(pointer_append(base, key),
          std::string("must be a number or null, got ") + detail::json_type_name(obj[key]));
      return NAN;
    }
    return obj[key].get<double>();
  }

  std::string text(const json& obj, const char* key, const std::string& base) {
    if (!obj.contains(key) || obj[key].is_null()) return {};
    if (!obj[key].is_string()) {
      bad(pointer_append(base, key), "must be a string");
      return {};
    }
    return obj[key].get<std::string>();
  }

  bool flag(const json& obj, const char* key, const std::string& base, bool fallback) {
    if (!obj.contains(key)) return fallback;
    if (!obj[key].is_boolean()) {
      bad(pointer_append(base, key), "must be a boolean");
      return fallback;
    }
    return obj[key].get<bool>();
  }

  std::vector<std::string> strings(const json& obj, const char* key, const std::string& base) {
    std::vector<std::string> out;
    if (!obj.contains(key)) return out;
    const std::string ptr = pointer_append(base, key);
    if (!obj[key].is_array()) {
      bad(ptr, "must be an array of strings");
      return out;
    }
    for (std::size_t i = 0; i < obj[key].size(); ++i) {
      if (obj[key][i].is_string()) {
        out.push_back(obj[key][i].get<std::string>());
      } else {
        bad(pointer_append(ptr, i), "must be a string");
      }
    }
    return out;
  }

  classification outcome(const json& obj, const std::string& base) {
    const std::string t = text(obj, "classification", base);
    for (auto c : {classification::pass, classification::high, classification::low,
                   classification::no_data}) {
      if (t == to_string(c)) return c;
    }
    if (obj.contains("classification"))
      bad(pointer_append(base, "classification"), "use Pass, High, Low or NoData");
    return classification::no_data;
  }

  const json* array(const json& obj, const char* key, const std::string& base) {
    if (!obj.contains(key)) return nullptr;
    if (!obj[key].is_array()) {
      bad(pointer_append(base, key), "must be an array");
      return nullptr;
    }
    return &obj[key];
  }

  check_result check(const json& c, const std::string& ptr) {
    check_result r{};
    if (!c.is_object()) {
      bad(ptr, "a check is an object");
      return r;
    }
    r.check = text(c, "check", ptr);
    r.label = text(c, "label", ptr);
    r.outcome = outcome(c, ptr);
    r.p_value = number(c, "pValue", ptr);
    r.estimate = number(c, "estimate", ptr);
    r.lower = number(c, "lower", ptr);
    r.upper = number(c, "upper", ptr);
    r.allowed = number(c, "allowed", ptr);
    r.baseline = number(c, "baseline", ptr);
    r.canary = number(c, "canary", ptr);
    r.reason = text(c, "reason", ptr);
    return r;
  }

  metric_result metric(const json& m, const std::string& ptr) {
    metric_result r{};
    r.p_value = r.estimate = r.lower = r.upper = NAN;
    if (!m.is_object()) {
      bad(ptr, "a metric result is an object");
      return r;
    }
    r.name = text(m, "name", ptr);
    r.kind = text(m, "kind", ptr);
    r.direction = text(m, "direction", ptr);
    r.group = text(m, "group", ptr);
    const double w = number(m, "weight", ptr);
    r.weight = std::isnan(w) ? 1 : w;
    r.critical = flag(m, "critical", ptr, false);
    r.must_have_data = flag(m, "mustHaveData", ptr, true);
    r.outcome = outcome(m, ptr);
    r.test = text(m, "test", ptr);
    r.p_value = number(m, "pValue", ptr);
    r.estimate = number(m, "estimate", ptr);
    if (m.contains("interval")) {
      const json& iv = m["interval"];
      if (iv.is_array() && iv.size() == 2) {
        const json pair = {{"lower", iv[0]}, {"upper", iv[1]}};
        r.lower = number(pair, "lower", pointer_append(ptr, "interval"));
        r.upper = number(pair, "upper", pointer_append(ptr, "interval"));
      } else {
        bad(pointer_append(ptr, "interval"), "must be [lower, upper]");
      }
    }
    r.baseline_count = number(m, "baselineCount", ptr);
    r.canary_count = number(m, "canaryCount", ptr);
    r.reasons = strings(m, "reasons", ptr);
    if (const json* cs = array(m, "checks", ptr)) {
      for (std::size_t i = 0; i < cs->size(); ++i)
        r.checks.push_back(check((*cs)[i], pointer_append(pointer_append(ptr, "checks"), i)));
    }
    return r;
  }
};

}  // namespace

analysis parse_analysis(std::string_view json_text) {
  const json doc = detail::parse_input(json_text, "analysis");
  reader in;
  analysis a{};
  a.score = NAN;
  if (!doc.is_object()) {
    in.bad("", std::string("analysis must be an object, got ") + detail::json_type_name(doc));
    throw error(std::move(in.problems));
  }
  const std::string verdict = in.text(doc, "decision", "");
  if (verdict == "PASS") {
    a.verdict = decision::pass;
  } else if (verdict == "HOLD") {
    a.verdict = decision::hold;
  } else if (verdict == "ROLLBACK") {
    a.verdict = decision::rollback;
  } else if (!doc.contains("decision") || !doc["decision"].is_string()) {
    in.bad("/decision", "analysis needs a \"decision\": PASS, HOLD or ROLLBACK");
  } else {
    in.bad("/decision", "unknown decision '" + verdict + "' (use PASS, HOLD or ROLLBACK)");
  }
  a.score = in.number(doc, "score", "");
  a.reasons = in.strings(doc, "reasons", "");
  a.critical_failures = in.strings(doc, "criticalFailures", "");
  if (const json* gs = in.array(doc, "groups", "")) {
    for (std::size_t i = 0; i < gs->size(); ++i) {
      const std::string gp = pointer_append("/groups", i);
      const json& g = (*gs)[i];
      if (!g.is_object()) {
        in.bad(gp, "a group is an object");
        continue;
      }
      a.groups.push_back(
          {in.text(g, "name", gp), in.number(g, "weight", gp), in.number(g, "score", gp)});
    }
  }
  if (const json* ms = in.array(doc, "metrics", "")) {
    for (std::size_t i = 0; i < ms->size(); ++i)
      a.metrics.push_back(in.metric((*ms)[i], pointer_append("/metrics", i)));
  }
  if (!in.problems.empty()) throw error(std::move(in.problems));
  return a;
}

}  // namespace rollgate
