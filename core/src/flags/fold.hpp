// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Case-insensitive string comparison for the `ignoreCase` option (internal). Only ASCII letters
// fold, the same rule as the regex engine's case-insensitive matching (detail/regex.hpp): it is
// locale-free, allocation-free and byte-for-byte the same natively and in WASM. Non-ASCII letters
// compare exactly (docs/config.md, "Case-insensitive comparison").
#ifndef ROLLGATE_SRC_FLAGS_FOLD_HPP
#define ROLLGATE_SRC_FLAGS_FOLD_HPP

#include <algorithm>    // std::lower_bound
#include <cstddef>      // std::size_t
#include <cstring>      // std::memcmp
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate {
namespace detail {

constexpr unsigned char fold_byte(unsigned char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

/// <0, 0, >0 like string_view::compare, on folded bytes.
inline int fold_compare(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = fold_byte(static_cast<unsigned char>(a[i]));
    const unsigned char y = fold_byte(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

inline bool fold_less(std::string_view a, std::string_view b) noexcept {
  return fold_compare(a, b) < 0;
}

/// Exact equality: the sizes, then the first byte, then the rest. Most operands a value is compared
/// with differ from it in size or in the first byte; those are answered without calling memcmp,
/// which was a fifth of evaluate_all's time natively and is an out-of-line byte loop in
/// WebAssembly.
inline bool same_bytes(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return a[0] == b[0] && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Equality, folded or exact.
inline bool text_equal(std::string_view a, std::string_view b, bool fold) noexcept {
  if (!fold) return same_bytes(a, b);
  return a.size() == b.size() && fold_compare(a, b) == 0;
}

inline bool text_starts_with(std::string_view s, std::string_view prefix, bool fold) noexcept {
  return s.size() >= prefix.size() && text_equal(s.substr(0, prefix.size()), prefix, fold);
}

inline bool text_ends_with(std::string_view s, std::string_view suffix, bool fold) noexcept {
  return s.size() >= suffix.size() && text_equal(s.substr(s.size() - suffix.size()), suffix, fold);
}

/// Whether `needle` occurs in `s`. The folded search is the plain O(|s| x |needle|) scan: both
/// sides are bounded (the context by 1 MiB, the operand by the config) and typical operands are
/// short.
inline bool text_contains(std::string_view s, std::string_view needle, bool fold) noexcept {
  if (!fold) return s.find(needle) != std::string_view::npos;
  if (needle.size() > s.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (text_equal(s.substr(i, needle.size()), needle, true)) return true;
  }
  return false;
}

/// Exact sets of at most this many strings are scanned with same_bytes rather than searched: a
/// short `in` list (a few countries, plans or ids) is then mostly answered by sizes and first
/// bytes, where each probe of the binary search is a three-way compare.
constexpr std::size_t kScanAtMost = 8;

/// Membership in strings sorted by operator< (fold false) or by fold_less (fold true).
inline bool contains_string(const std::vector<std::string>& sorted, std::string_view v,
                            bool fold = false) noexcept {
  if (!fold && sorted.size() <= kScanAtMost) {
    for (const std::string& s : sorted) {
      if (same_bytes(s, v)) return true;
    }
    return false;
  }
  if (!fold) {
    const auto it = std::lower_bound(
        sorted.begin(), sorted.end(), v,
        [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
    return it != sorted.end() && *it == v;
  }
  const auto it =
      std::lower_bound(sorted.begin(), sorted.end(), v,
                       [](const std::string& a, std::string_view b) { return fold_less(a, b); });
  return it != sorted.end() && fold_compare(*it, v) == 0;
}

}  // namespace detail
}  // namespace rollgate

#endif  // ROLLGATE_SRC_FLAGS_FOLD_HPP
