// Internal to the regex engine: sets of code points as lists of inclusive ranges, shared by the
// parser (classes, \d \w \s, POSIX names, folding) and turned into regex_class for matching.
#ifndef ROLLGATE_DETAIL_REGEX_CHARSET_HPP
#define ROLLGATE_DETAIL_REGEX_CHARSET_HPP

#include <cstdint>      // std::uint32_t
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "detail/regex.hpp"  // regex_class

namespace rollgate::detail {

constexpr std::uint32_t kRegexMaxCodePoint = 0x10FFFF;

using range_list = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

void add_digit(range_list& r);        ///< [0-9]
void add_word(range_list& r);         ///< [0-9A-Z_a-z]
void add_space(range_list& r);        ///< [\t\n\v\f\r ]
void normalize(range_list& r);        ///< sorted, overlapping and touching ranges merged
range_list complement(range_list r);  ///< everything in [0, U+10FFFF] not in r
void fold_ascii(range_list& r);       ///< adds the other case of every ASCII letter
regex_class to_class(range_list r);   ///< the matching form (ASCII bitmap + upper ranges)
/// Adds the ASCII set named by `name` ("alpha", "digit", ...); false for an unknown name.
bool posix_class(std::string_view name, range_list& r);

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_REGEX_CHARSET_HPP
