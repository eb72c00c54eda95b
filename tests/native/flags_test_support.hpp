// Helpers shared by the flags_*_test.cpp files: small configs and contexts written inline.
#ifndef ROLLGATE_TESTS_FLAGS_TEST_SUPPORT_HPP
#define ROLLGATE_TESTS_FLAGS_TEST_SUPPORT_HPP

#include <string>
#include <utility>
#include <vector>

#include "rollgate/flags.hpp"

namespace rollgate::test {

/// A config with `flags_json` as its flags array body (and optional segments/layers bodies).
inline std::string config_with(const std::string& flags_json, const std::string& segments_json = "",
                               const std::string& layers_json = "") {
  std::string out = R"({"schemaVersion": 1, "flags": [)" + flags_json + "]";
  if (!segments_json.empty()) out += R"(, "segments": [)" + segments_json + "]";
  if (!layers_json.empty()) out += R"(, "layers": [)" + layers_json + "]";
  return out + "}";
}

/// A boolean flag "f" (variations on/off, default off) whose single rule has `condition`.
inline std::string one_rule_flag(const std::string& condition) {
  return R"({"key": "f", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
             "defaultVariation": "off",
             "rules": [{"conditions": [)" +
         condition + R"(], "serve": {"variation": "on"}}]})";
}

/// Compiles a one-rule config and says whether a context (JSON) matches the rule.
inline bool rule_matches(const std::string& condition, const std::string& context_json,
                         const std::string& segments_json = "") {
  const auto ev = rollgate::compile(config_with(one_rule_flag(condition), segments_json));
  const auto ctx = rollgate::context::from_json(ev, context_json);
  const auto r = ev.evaluate(std::string_view("f"), ctx, 0);
  return r.reason == rollgate::reason::targeting_match;
}

/// Problems as "[id] pointer: message" strings, for whole-message assertions.
inline std::vector<std::string> problem_strings(const std::string& config) {
  std::vector<std::string> out;
  for (const auto& p : rollgate::validate(config)) out.push_back(p.to_string());
  return out;
}

}  // namespace rollgate::test

#endif  // ROLLGATE_TESTS_FLAGS_TEST_SUPPORT_HPP
