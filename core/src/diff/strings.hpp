// Internal to the diff (core/src/diff/): ASCII case folding for header names and
// caseInsensitive rules, and the one way the diff renders a value as JSON text.
#ifndef ROLLGATE_DIFF_STRINGS_HPP
#define ROLLGATE_DIFF_STRINGS_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <nlohmann/json.hpp>  // nlohmann::json

namespace rollgate::detail::diff {

inline char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// Compact JSON text; invalid UTF-8 (from a caller's response headers) becomes U+FFFD instead
/// of throwing.
inline std::string dump(const nlohmann::json& v) {
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rollgate::detail::diff

#endif  // ROLLGATE_DIFF_STRINGS_HPP
