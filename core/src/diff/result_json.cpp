// A diff result as JSON, and the names of the difference kinds: see rollgate/diff.hpp and
// docs/diff.md ("Differences").
#include <cstddef>  // std::size_t
#include <string>   // std::string, std::to_string

#include "diff/strings.hpp"  // dump
#include "rollgate/diff.hpp"

namespace rollgate {

using detail::diff::dump;
using nlohmann::json;

const char* to_string(difference_kind kind) noexcept {
  switch (kind) {
    case difference_kind::value_changed:
      return "value_changed";
    case difference_kind::type_changed:
      return "type_changed";
    case difference_kind::key_added:
      return "key_added";
    case difference_kind::key_removed:
      return "key_removed";
    case difference_kind::array_length_changed:
      return "array_length_changed";
  }
  return "value_changed";
}

std::string diff_result_to_json(const diff_result& result) {
  std::string out = "{\"equal\":";
  out += result.equal() ? "true" : "false";
  out += ",\"differences\":[";
  for (std::size_t i = 0; i < result.differences.size(); ++i) {
    const difference& d = result.differences[i];
    if (i) out += ',';
    out += "{\"path\":" + dump(json(d.path)) + ",\"field\":" + dump(json(d.field)) +
           ",\"kind\":\"" + to_string(d.kind) + "\"";
    if (!d.old_value.empty()) out += ",\"old\":" + d.old_value;
    if (!d.new_value.empty()) out += ",\"new\":" + d.new_value;
    if (d.truncated) out += ",\"truncated\":true";
    out += '}';
  }
  out += "],\"omitted\":" + std::to_string(result.omitted) + "}";
  return out;
}

}  // namespace rollgate
