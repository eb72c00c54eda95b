// The canary judge's analysis as JSON: see canary.hpp and docs/canary.md ("Output").
#include <cmath>    // std::isfinite, std::floor, std::fabs
#include <cstdint>  // std::int64_t
#include <string>   // std::string

#include <nlohmann/json.hpp>  // ordered_json: output keeps the documented key order

#include "rollgate/canary.hpp"

namespace rollgate {

using ojson = nlohmann::ordered_json;

namespace {
ojson number_or_null(double v) {
  return std::isfinite(v) ? ojson(v) : ojson(nullptr);
}
/// Counts and weights print as integers when they are (2000, not 2000.0).
ojson count(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return ojson(static_cast<std::int64_t>(v));
  return ojson(v);
}
}  // namespace

std::string to_json(const analysis& a) {
  ojson metrics = ojson::array();
  for (const auto& r : a.metrics) {
    ojson checks = ojson::array();
    for (const auto& c : r.checks) {
      checks.push_back({{"check", c.check},
                        {"label", c.label},
                        {"classification", to_string(c.outcome)},
                        {"pValue", number_or_null(c.p_value)},
                        {"estimate", number_or_null(c.estimate)},
                        {"lower", number_or_null(c.lower)},
                        {"upper", number_or_null(c.upper)},
                        {"allowed", number_or_null(c.allowed)},
                        {"baseline", number_or_null(c.baseline)},
                        {"canary", number_or_null(c.canary)},
                        {"reason", c.reason}});
    }
    metrics.push_back({{"name", r.name},
                       {"kind", r.kind},
                       {"direction", r.direction},
                       {"group", r.group},
                       {"weight", count(r.weight)},
                       {"critical", r.critical},
                       {"mustHaveData", r.must_have_data},
                       {"classification", to_string(r.outcome)},
                       {"test", r.test.empty() ? ojson(nullptr) : ojson(r.test)},
                       {"pValue", number_or_null(r.p_value)},
                       {"estimate", number_or_null(r.estimate)},
                       {"interval", {number_or_null(r.lower), number_or_null(r.upper)}},
                       {"baselineCount", count(r.baseline_count)},
                       {"canaryCount", count(r.canary_count)},
                       {"reasons", r.reasons},
                       {"checks", checks}});
  }
  ojson groups = ojson::array();
  for (const auto& g : a.groups) {
    groups.push_back(
        {{"name", g.name}, {"weight", count(g.weight)}, {"score", number_or_null(g.score)}});
  }
  const ojson out = {{"decision", to_string(a.verdict)},
                     {"score", number_or_null(a.score)},
                     {"reasons", a.reasons},
                     {"criticalFailures", a.critical_failures},
                     {"groups", groups},
                     {"metrics", metrics}};
  return out.dump();
}

}  // namespace rollgate
