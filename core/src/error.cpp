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

}  // namespace rollgate
