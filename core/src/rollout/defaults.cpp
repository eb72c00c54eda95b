// The default rollout plans (rollout.hpp default_plan): one per risk profile.
#include <string>  // std::string

#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"
#include "rollout/common.hpp"

namespace rollgate {
namespace {

using namespace detail::rollout;  // ojson, kMinute, kHour

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
          {"description", "share of exposed units with at least one purchase event"},
          {"event", "purchase"},
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

rollout_plan default_plan(risk r) {
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
  return rollout_plan::parse(plan.dump());
}

}  // namespace rollgate
