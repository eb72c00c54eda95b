// Code-point sets for the regex engine (regex_charset.hpp): the ASCII classes behind \d \w \s
// and [[:name:]], normalisation, complement, ASCII case folding, and the compiled form's lookup.
#include "detail/regex_charset.hpp"

#include <algorithm>  // std::sort

namespace rollgate::detail {

// The ASCII sets behind \d \w \s and the POSIX classes.
void add_digit(range_list& r) {
  r.emplace_back('0', '9');
}
void add_word(range_list& r) {
  r.emplace_back('0', '9');
  r.emplace_back('A', 'Z');
  r.emplace_back('_', '_');
  r.emplace_back('a', 'z');
}
void add_space(range_list& r) {
  r.emplace_back('\t', '\r');  // \t \n \v \f \r
  r.emplace_back(' ', ' ');
}

void normalize(range_list& r) {
  std::sort(r.begin(), r.end());
  range_list out;
  for (const auto& x : r) {
    if (!out.empty() && x.first <= out.back().second + 1) {
      if (x.second > out.back().second) out.back().second = x.second;
    } else {
      out.push_back(x);
    }
  }
  r.swap(out);
}

range_list complement(range_list r) {
  normalize(r);
  range_list out;
  std::uint32_t next = 0;
  for (const auto& x : r) {
    if (x.first > next) out.emplace_back(next, x.first - 1);
    next = x.second + 1;
  }
  if (next <= kRegexMaxCodePoint) out.emplace_back(next, kRegexMaxCodePoint);
  return out;
}

// Adds the other case of every ASCII letter in the set (ASCII-only folding, see regex.hpp).
void fold_ascii(range_list& r) {
  range_list extra;
  for (const auto& x : r) {
    for (std::uint32_t c = x.first; c <= x.second && c < 0x80; ++c) {
      if (c >= 'a' && c <= 'z') extra.emplace_back(c - 32, c - 32);
      if (c >= 'A' && c <= 'Z') extra.emplace_back(c + 32, c + 32);
    }
  }
  r.insert(r.end(), extra.begin(), extra.end());
}

regex_class to_class(range_list r) {
  normalize(r);
  regex_class c;
  for (const auto& x : r) {
    for (std::uint32_t cp = x.first; cp <= x.second && cp < 0x80; ++cp) {
      c.ascii[cp >> 6] |= std::uint64_t{1} << (cp & 63);
    }
    if (x.second >= 0x80) {
      c.ranges.push_back(x.first < 0x80 ? 0x80 : x.first);
      c.ranges.push_back(x.second);
    }
  }
  return c;
}

bool posix_class(std::string_view name, range_list& r) {
  struct entry {
    const char* name;
    const char* ranges;  // pairs of bytes
  };
  static const entry table[] = {
      {"alnum", "09AZaz"},   {"alpha", "AZaz"},
      {"blank", "\t\t  "},   {"cntrl", "\x01\x1f\x7f\x7f"},
      {"digit", "09"},       {"graph", "!~"},
      {"lower", "az"},       {"print", " ~"},
      {"punct", "!/:@[`{~"}, {"space", "\t\r  "},
      {"upper", "AZ"},       {"word", "09AZ__az"},
      {"xdigit", "09AFaf"},
  };
  for (const auto& e : table) {
    if (name == e.name) {
      const std::string_view s(e.ranges);
      for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
        r.emplace_back(static_cast<unsigned char>(s[i]), static_cast<unsigned char>(s[i + 1]));
      }
      if (name == "cntrl") r.emplace_back(0, 0);  // NUL cannot sit in the C string above
      return true;
    }
  }
  return false;
}

bool regex_class::contains(std::uint32_t cp) const noexcept {
  if (cp < 0x80) return (ascii[cp >> 6] >> (cp & 63)) & 1u;
  std::size_t lo = 0;
  std::size_t hi = ranges.size() / 2;
  while (lo < hi) {  // first range whose end >= cp
    const std::size_t mid = (lo + hi) / 2;
    if (ranges[2 * mid + 1] < cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < ranges.size() / 2 && ranges[2 * lo] <= cp;
}

}  // namespace rollgate::detail
