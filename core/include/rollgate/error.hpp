// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file error.hpp
/// @brief The one exception type rollgate throws, and the problem records it carries.
///
/// Every error has a stable code (`rollgate.<area>.<number>`, catalogued in docs/errors.md; the
/// same name, `code`, in C++, in the binding's JSON and in JavaScript), the
/// JSON Pointer (RFC 6901) of the value that was wrong, and a message. Its what() reads
///
///     [rollgate.config.204] /flags/3/fallthrough/rollout/weights: weights sum to 9000, expected
///     100000
///
/// Validation reports every problem it finds, not only the first: problems() holds them all and
/// what() starts with the first. An error never leaves a rollgate object half-changed.
#ifndef ROLLGATE_ERROR_HPP
#define ROLLGATE_ERROR_HPP

#include <exception>    // std::exception
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate {

/// @brief One thing wrong with an input.
struct problem {
  std::string code;     ///< stable code, e.g. "rollgate.config.204"; see docs/errors.md
  std::string pointer;  ///< JSON Pointer of the offending value ("" is the whole document)
  std::string message;  ///< what is wrong, in words; names neither the code nor the pointer

  /// @brief "[code] pointer: message", or "[code] message" when the pointer is empty.
  std::string to_string() const;
  /// @brief {"code":...,"pointer":...,"message":...} as one line of JSON.
  std::string to_json() const;
};

/// @brief A JSON array of problems (to_json() of each), "[]" when there is none: what validate()
/// functions return, as JSON text for bindings and tools.
std::string to_json(const std::vector<problem>& problems);

/// @brief Thrown by every rollgate function that rejects its input.
class error : public std::exception {
 public:
  /// @brief An error with a single problem.
  error(std::string code, std::string pointer, std::string message);
  /// @brief An error with one or more problems.
  /// @pre !problems.empty()
  explicit error(std::vector<problem> problems);

  /// @brief The first problem's to_string(), followed by " (and N more problems)" if any.
  const char* what() const noexcept override { return what_.c_str(); }
  /// @brief Code of the first problem.
  const std::string& code() const noexcept { return problems_.front().code; }
  /// @brief JSON Pointer of the first problem.
  const std::string& pointer() const noexcept { return problems_.front().pointer; }
  /// @brief Message of the first problem, without code or pointer.
  const std::string& message() const noexcept { return problems_.front().message; }
  /// @brief Every problem found, in document order.
  const std::vector<problem>& problems() const noexcept { return problems_; }
  /// @brief {"code","pointer","message"} of the first problem, "what" and "problems" (all of
  /// them), as one line of JSON: what a binding hands over to its language's error type.
  std::string to_json() const;

 private:
  std::vector<problem> problems_;
  std::string what_;
};

/// @brief `text` as a JSON string literal, quotes included: '"', '\\' and control characters are
/// escaped (\n, \r, \t, \u00XX), every other byte is copied as it is. The one escaper behind
/// every to_json() of rollgate that writes JSON by hand.
/// @pre text is UTF-8 (the bytes are not checked; invalid UTF-8 gives invalid JSON text)
std::string json_quote(std::string_view text);

}  // namespace rollgate

#endif  // ROLLGATE_ERROR_HPP
