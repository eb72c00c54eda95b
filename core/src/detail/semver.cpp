#include "detail/semver.hpp"

namespace rollgate::detail {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
bool is_ident_char(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// A numeric identifier: digits only, no leading zero unless it is "0", at most 18 digits so it
// fits in 64 bits with room.
bool parse_number(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty() || s.size() > 18) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return true;
}

bool all_digits(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

// Dot-separated identifiers, each non-empty and made of [0-9A-Za-z-]; for pre-release, numeric
// identifiers must not have leading zeros.
bool valid_identifiers(std::string_view s, bool numeric_rule) noexcept {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view id =
        s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_ident_char(c)) return false;
    }
    if (numeric_rule && all_digits(id) && id.size() > 1 && id[0] == '0') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

int compare_identifier(std::string_view a, std::string_view b) noexcept {
  const bool an = all_digits(a);
  const bool bn = all_digits(b);
  if (an && bn) {
    // No leading zeros, so a longer numeral is a larger number; compare without overflow.
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
  }
  if (an != bn) return an ? -1 : 1;  // numeric identifiers have lower precedence
  return a.compare(b);               // ASCII order
}

}  // namespace

std::optional<semver> parse_semver(std::string_view text) noexcept {
  semver v;
  std::string_view rest = text;
  const std::size_t plus = rest.find('+');
  if (plus != std::string_view::npos) {
    if (!valid_identifiers(rest.substr(plus + 1), false)) return std::nullopt;
    rest = rest.substr(0, plus);
  }
  const std::size_t dash = rest.find('-');
  if (dash != std::string_view::npos) {
    v.pre = rest.substr(dash + 1);
    if (!valid_identifiers(v.pre, true)) return std::nullopt;
    rest = rest.substr(0, dash);
  }
  const std::size_t d1 = rest.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  const std::size_t d2 = rest.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  if (!parse_number(rest.substr(0, d1), v.major) ||
      !parse_number(rest.substr(d1 + 1, d2 - d1 - 1), v.minor) ||
      !parse_number(rest.substr(d2 + 1), v.patch)) {
    return std::nullopt;
  }
  return v;
}

std::optional<semver> parse_semver(std::string_view text, semver_syntax syntax) noexcept {
  if (syntax == semver_syntax::strict) return parse_semver(text);
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  if (auto full = parse_semver(text)) return full;
  // "MAJOR" or "MAJOR.MINOR", nothing else: the missing numbers are 0.
  semver v;
  const std::size_t dot = text.find('.');
  if (!parse_number(text.substr(0, dot), v.major)) return std::nullopt;
  if (dot != std::string_view::npos && !parse_number(text.substr(dot + 1), v.minor)) {
    return std::nullopt;
  }
  return v;
}

int compare_semver(const semver& a, const semver& b) noexcept {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.pre.empty() || b.pre.empty()) {
    if (a.pre.empty() && b.pre.empty()) return 0;
    return a.pre.empty() ? 1 : -1;  // a pre-release has lower precedence than the release
  }
  std::size_t ai = 0;
  std::size_t bi = 0;
  while (true) {
    const bool a_end = ai > a.pre.size();
    const bool b_end = bi > b.pre.size();
    if (a_end || b_end) return a_end == b_end ? 0 : (a_end ? -1 : 1);  // fewer fields: lower
    std::size_t ad = a.pre.find('.', ai);
    std::size_t bd = b.pre.find('.', bi);
    if (ad == std::string_view::npos) ad = a.pre.size();
    if (bd == std::string_view::npos) bd = b.pre.size();
    const int c = compare_identifier(a.pre.substr(ai, ad - ai), b.pre.substr(bi, bd - bi));
    if (c != 0) return c < 0 ? -1 : 1;
    ai = ad + 1;
    bi = bd + 1;
  }
}

}  // namespace rollgate::detail
