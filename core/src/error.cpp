#include "rollgate/error.hpp"

#include <utility>  // std::move

namespace rollgate {

std::string problem::to_string() const {
  std::string out;
  out.reserve(code.size() + pointer.size() + message.size() + 5);
  out += '[';
  out += code;
  out += "] ";
  if (!pointer.empty()) {
    out += pointer;
    out += ": ";
  }
  out += message;
  return out;
}

error::error(std::string code, std::string pointer, std::string message)
    : error(
          std::vector<problem>{problem{std::move(code), std::move(pointer), std::move(message)}}) {}

error::error(std::vector<problem> problems) : problems_(std::move(problems)) {
  if (problems_.empty()) {
    // Callers must pass at least one problem; recover rather than crash if one does not.
    problems_.push_back(problem{"rollgate.internal.901", "", "error raised without a problem"});
  }
  what_ = problems_.front().to_string();
  if (problems_.size() > 1) {
    what_ += " (and " + std::to_string(problems_.size() - 1) + " more problem" +
             (problems_.size() > 2 ? "s)" : ")");
  }
}

std::string problem::to_json() const {
  return "{\"code\":" + json_quote(code) + ",\"pointer\":" + json_quote(pointer) +
         ",\"message\":" + json_quote(message) + "}";
}

std::string to_json(const std::vector<problem>& problems) {
  std::string out = "[";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i != 0) out += ',';
    out += problems[i].to_json();
  }
  out += ']';
  return out;
}

std::string error::to_json() const {
  return "{\"code\":" + json_quote(code()) + ",\"pointer\":" + json_quote(pointer()) +
         ",\"message\":" + json_quote(message()) + ",\"what\":" + json_quote(what_) +
         ",\"problems\":" + rollgate::to_json(problems_) + "}";
}

std::string json_quote(std::string_view text) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace rollgate
