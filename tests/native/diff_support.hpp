// Helpers of the diff tests: a diff_result in the two forms the tests compare against, so that
// every diff test reads a result the same way.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rollgate/diff.hpp"

namespace rollgate::test {

/// "path kind old new" per difference: one string compares a whole difference.
inline std::vector<std::string> difference_lines(const diff_result& r) {
  std::vector<std::string> out;
  for (const auto& d : r.differences) {
    out.push_back(d.path + " " + to_string(d.kind) + " " + d.old_value + " " + d.new_value);
  }
  return out;
}

/// The differences as the shared vector files write them: [{path, field, kind, old?, new?}].
inline nlohmann::json difference_json(const diff_result& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : r.differences) {
    nlohmann::json e = {{"path", d.path}, {"field", d.field}, {"kind", to_string(d.kind)}};
    if (!d.old_value.empty()) e["old"] = nlohmann::json::parse(d.old_value);
    if (!d.new_value.empty()) e["new"] = nlohmann::json::parse(d.new_value);
    out.push_back(e);
  }
  return out;
}

}  // namespace rollgate::test
