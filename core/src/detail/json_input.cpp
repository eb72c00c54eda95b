#include "detail/json_input.hpp"

#include "rollgate/error.hpp"

namespace rollgate::detail {

std::size_t json_depth(std::string_view text, std::size_t stop_after) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > stop_after) return stop_after + 1;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

nlohmann::json parse_json(std::string_view text, std::string_view what, const json_limits& limits) {
  const std::string subject(what);
  if (text.size() > limits.max_bytes) {
    throw error("rollgate.json.103", "",
                subject + " is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(limits.max_bytes) + " bytes");
  }
  if (json_depth(text, limits.max_depth) > limits.max_depth) {
    throw error("rollgate.json.102", "",
                subject + " nests arrays/objects deeper than the limit of " +
                    std::to_string(limits.max_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ..."; keep
    // the part after the id and state the byte offset, which is what an editor can jump to.
    std::string detail = e.what();
    const auto close = detail.find("] ");
    if (close != std::string::npos) detail = detail.substr(close + 2);
    throw error("rollgate.json.101", "",
                subject + " is not valid JSON at byte " + std::to_string(e.byte) + ": " + detail);
  } catch (const nlohmann::json::exception& e) {
    // Not a parse_error but still bad input: out_of_range.406 for a number too large for a
    // double ("1e400"). Found by tests/fuzz/fuzz_json_input; it escaped as a non-rollgate error.
    std::string detail = e.what();
    const auto close = detail.find("] ");
    if (close != std::string::npos) detail = detail.substr(close + 2);
    throw error("rollgate.json.101", "", subject + " is not valid JSON: " + detail);
  }
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out;
  out.reserve(base.size() + token.size() + 1);
  out.append(base);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer_append(std::string_view base, std::size_t index) {
  return pointer_append(base, std::to_string(index));
}

const char* json_type_name(const nlohmann::json& value) noexcept {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::discarded:
      return "discarded";
    default:
      return "number";
  }
}

}  // namespace rollgate::detail
