// Internal to the regex engine: the syntax tree that regex_parse.cpp builds and
// regex_compile.cpp turns into a program. Flags are resolved while parsing, so a node carries
// its final meaning (a case-folded literal, a dot that takes "\n" or not, a line or text anchor).
#ifndef ROLLGATE_DETAIL_REGEX_SYNTAX_HPP
#define ROLLGATE_DETAIL_REGEX_SYNTAX_HPP

#include <cstdint>      // std::uint32_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "detail/regex.hpp"  // regex_class, regex_options, regex_error

namespace rollgate::detail {

constexpr std::uint32_t kRegexUnbounded = 0xFFFFFFFFu;  ///< repeat max of `*` and `+`

struct regex_node {
  enum kind_t : std::uint8_t {
    empty,    ///< matches the empty string
    literal,  ///< value = code point
    fold,     ///< value = lower-case ASCII letter, either case matches
    dot,      ///< any code point but "\n"
    dot_nl,   ///< any code point
    cls,      ///< value = class index
    assert_,  ///< value = regex::assertion
    concat,   ///< children in order
    alt,      ///< one of the children
    repeat,   ///< children[0], between min and max times
  };
  kind_t kind = empty;
  std::uint32_t value = 0;
  std::uint32_t min = 0;
  std::uint32_t max = 0;
  std::vector<std::uint32_t> children;
};

struct regex_tree {
  std::vector<regex_node> nodes;
  std::vector<regex_class> classes;
  std::uint32_t root = 0;
};

/// Parses a pattern (bounds: kRegexMaxPatternBytes, kRegexMaxRepeat, kRegexMaxNesting).
std::optional<regex_tree> parse_regex(std::string_view pattern, const regex_options& options,
                                      regex_error& error);

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_REGEX_SYNTAX_HPP
