// Guarded flag rollouts (flag_rollout.hpp): the one place that knows how a rollout's serving
// percentage is written into a flag configuration. The edge coordinator serves the result; it
// never edits a configuration itself.
#include <cmath>     // std::isfinite, std::floor
#include <optional>  // std::optional
#include <string>    // std::string
#include <utility>   // std::move
#include <vector>    // std::vector

#include "detail/json_input.hpp"  // parse_json, pointer_append, unknown_members
#include "flags/model.hpp"        // kMaxConfigBytes, kMaxConfigDepth: compile()'s limits
#include "rollgate/error.hpp"
#include "rollgate/flag_rollout.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using detail::pointer_append;

constexpr const char* kTargetInvalid = "rollgate.plan.620";
constexpr const char* kTargetMissing = "rollgate.plan.621";
constexpr const char* kCoverageInvalid = "rollgate.plan.622";
constexpr std::size_t kMaxNameBytes = 200;

/// 10 rather than 10.0 when the percentage is whole, as people (and compile()'s docs) write it.
json number_json(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) return static_cast<std::int64_t>(v);
  return v;
}

void check_percent(double p, const std::string& what) {
  if (!std::isfinite(p) || p < 0 || p > 100)
    throw error(kCoverageInvalid, "",
                what + " must be a percentage in [0, 100], got " + std::to_string(p));
}

/// Index of the array element whose member `key` equals `value`, or -1.
long find_by(const json& array, const char* key, const std::string& value) {
  if (!array.is_array()) return -1;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const json& e = array[i];
    if (e.is_object() && e.contains(key) && e[key].is_string() &&
        e[key].get_ref<const std::string&>() == value)
      return static_cast<long>(i);
  }
  return -1;
}

}  // namespace

std::string flag_target::to_json() const {
  std::string out = "{\"flag\":" + json_quote(flag) + ",\"variation\":" + json_quote(variation);
  if (rule) out += ",\"rule\":" + json_quote(*rule);
  return out + "}";
}

flag_target parse_flag_target(std::string_view json_text, std::string_view pointer) {
  const json t = detail::parse_json(json_text, "target");
  const std::string base(pointer);
  if (!t.is_object())
    throw error(kTargetInvalid, base, "a target must be {flag, variation, rule?}");
  std::vector<problem> problems;
  for (const auto& [key, value] : t.items()) {
    (void)value;
    if (key != "flag" && key != "variation" && key != "rule")
      problems.push_back(
          {kTargetInvalid, pointer_append(base, key), "unknown member '" + key + "'"});
  }
  auto name = [&](const char* key, bool required) -> std::optional<std::string> {
    const std::string p = pointer_append(base, key);
    if (!t.contains(key)) {
      if (required) problems.push_back({kTargetInvalid, p, std::string(key) + " is required"});
      return std::nullopt;
    }
    const json& v = t[key];
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().size() > kMaxNameBytes) {
      problems.push_back({kTargetInvalid, p,
                          std::string(key) + " must be a non-empty string of at most 200 bytes" +
                              (required ? "" : " (omit it to target the fallthrough)")});
      return std::nullopt;
    }
    return v.get<std::string>();
  };
  flag_target out;
  const auto flag = name("flag", true);
  const auto variation = name("variation", true);
  out.rule = name("rule", false);
  if (!problems.empty()) throw error(std::move(problems));
  out.flag = *flag;
  out.variation = *variation;
  return out;
}

std::string with_flag_rollout(std::string_view config_json, const flag_target& target,
                              double percent, const std::optional<coverage_step>& next,
                              std::string_view target_pointer) {
  check_percent(percent, "the coverage");
  if (next) {
    check_percent(next->percent, "the announced coverage");
    if (next->at_ms < 0)
      throw error(kCoverageInvalid, "", "the announced coverage's instant must not be negative");
  }
  json config = detail::parse_json(
      config_json, "config", detail::json_limits{detail::kMaxConfigBytes, detail::kMaxConfigDepth});
  const std::string base(target_pointer);
  const long fi = config.is_object() && config.contains("flags")
                      ? find_by(config["flags"], "key", target.flag)
                      : -1;
  if (fi < 0)
    throw error(kTargetMissing, pointer_append(base, "flag"),
                "the flag configuration has no flag '" + target.flag + "'");
  json& flag = config["flags"][static_cast<std::size_t>(fi)];
  if (!flag.contains("variations") || find_by(flag["variations"], "key", target.variation) < 0)
    throw error(kTargetMissing, pointer_append(base, "variation"),
                "flag '" + target.flag + "' has no variation '" + target.variation + "'");

  json rollout = {{"weights", json::array({{{"variation", target.variation}, {"weight", 100}}})}};
  if (next) {
    rollout["ramp"] =
        json::array({{{"at", 0}, {"coverage", number_json(percent)}},
                     {{"at", next->at_ms}, {"coverage", number_json(next->percent)}}});
  } else {
    rollout["coverage"] = number_json(percent);
  }
  if (!target.rule) {
    flag["fallthrough"] = {{"rollout", std::move(rollout)}};
  } else {
    const long ri = flag.contains("rules") ? find_by(flag["rules"], "id", *target.rule) : -1;
    if (ri < 0)
      throw error(kTargetMissing, pointer_append(base, "rule"),
                  "flag '" + target.flag + "' has no rule with id '" + *target.rule + "'");
    flag["rules"][static_cast<std::size_t>(ri)]["serve"] = {{"rollout", std::move(rollout)}};
  }
  return config.dump();
}

}  // namespace rollgate
