// Internal helpers shared by diff/ and mismatch_report.cpp: bounded value text and path
// pattern syntax checks.
#ifndef ROLLGATE_DETAIL_DIFF_TEXT_HPP
#define ROLLGATE_DETAIL_DIFF_TEXT_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "detail/json_input.hpp"  // parse_json
#include "rollgate/error.hpp"

namespace rollgate::detail {

/// Length of the longest prefix of `text` of at most `limit` bytes that does not end inside a
/// UTF-8 sequence (so cutting there keeps valid UTF-8 valid).
inline std::size_t utf8_prefix_length(std::string_view text, std::size_t limit) noexcept {
  if (text.size() <= limit) return text.size();
  std::size_t n = limit;
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0u) == 0x80u) --n;
  return n;
}

/// `text` itself when it fits in `limit` bytes, else its UTF-8-safe prefix followed by "...".
inline std::string truncate_text(std::string_view text, std::size_t limit,
                                 bool* truncated = nullptr) {
  if (text.size() <= limit) {
    if (truncated) *truncated = false;
    return std::string(text);
  }
  if (truncated) *truncated = true;
  std::string out(text.substr(0, utf8_prefix_length(text, limit)));
  out += "...";
  return out;
}

/// Empty when `pattern` is a valid rollgate path pattern (a JSON Pointer whose segments may be
/// "*" or "**"), else what is wrong with it.
std::string pattern_problem(std::string_view pattern);

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_DIFF_TEXT_HPP
