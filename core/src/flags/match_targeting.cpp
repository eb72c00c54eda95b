// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Evaluation of the operators of issue 18, apart from evaluate.cpp so the long-standing operators'
// switch stays small. Like evaluate.cpp it reads only the compiled model and the context, and
// allocates nothing once each thread's regex scratch has grown to the largest program (the first
// `matches` a thread evaluates).
#include <cstddef>  // std::size_t

#include "detail/cidr.hpp"   // parse_ip_address, ip_range_contains
#include "detail/regex.hpp"  // regex, regex_scratch
#include "flags/fold.hpp"    // text_equal, contains_string
#include "flags/model.hpp"

namespace rollgate {
namespace detail {
namespace {

bool match_regex(const compiled_config& cfg, const condition& c, std::string_view text) noexcept {
  // One scratch per thread: the evaluator is shared between threads, and a Pike VM needs working
  // memory proportional to the program. reserve() allocates only when a larger program comes.
  thread_local regex_scratch scratch;
  scratch.reserve(cfg.max_regex_program);
  // Input over kRegexMaxInputBytes (128 KiB) is reported by the engine, not guessed: no match.
  return cfg.regexes[c.regex].search(text, scratch) == regex::result::match;
}

bool list_has(const context::slot& v, std::string_view s, bool fold) noexcept {
  for (std::size_t i = 0; i < v.list_size; ++i) {
    if (text_equal(v.list[i], s, fold)) return true;
  }
  return false;
}

}  // namespace

bool list_equal(const condition& c, const context::slot& v) noexcept {
  if (v.list_size != c.strings.size()) return false;
  for (std::size_t i = 0; i < v.list_size; ++i) {
    if (!text_equal(v.list[i], c.strings[i], c.ignore_case)) return false;
  }
  return true;
}

bool match_targeting(const compiled_config& cfg, const condition& c,
                     const context::slot& v) noexcept {
  switch (c.code) {
    case op::exists:
      return v.kind != k_null;
    case op::is_null:
      return v.kind == k_null;
    case op::matches:
      return v.kind == k_string && match_regex(cfg, c, v.text);
    case op::in_cidr: {
      if (v.kind != k_string) return false;
      const auto address = parse_ip_address(v.text);
      if (!address) return false;  // not an address: no match, like any type mismatch
      for (const auto& range : c.ranges) {
        if (ip_range_contains(range, *address)) return true;
      }
      return false;
    }
    case op::size_eq:
    case op::size_lt:
    case op::size_lte:
    case op::size_gt:
    case op::size_gte: {
      if (v.kind != k_list) return false;
      const double n = static_cast<double>(v.list_size);
      switch (c.code) {
        case op::size_eq:
          return n == c.number;
        case op::size_lt:
          return n < c.number;
        case op::size_lte:
          return n <= c.number;
        case op::size_gt:
          return n > c.number;
        default:
          return n >= c.number;
      }
    }
    case op::contains_any:
      if (v.kind != k_list) return false;
      for (std::size_t i = 0; i < v.list_size; ++i) {
        if (contains_string(c.strings, v.list[i], c.ignore_case)) return true;
      }
      return false;
    case op::contains_all:
      if (v.kind != k_list) return false;
      for (const auto& s : c.strings) {
        if (!list_has(v, s, c.ignore_case)) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace detail
}  // namespace rollgate
