// IPv4 / IPv6 address and CIDR range parsing (cidr.hpp). Hand-written rather than inet_pton:
// inet_pton's accepted forms differ between libcs (glibc, musl in the WASM build, the WASI libc),
// and the rules here must be the same on every target.
#include "detail/cidr.hpp"

#include <cstddef>  // std::size_t

namespace rollgate::detail {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four decimal octets into out[0..3].
bool parse_v4(std::string_view s, std::uint8_t* out) noexcept {
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= s.size() || s[pos] != '.') return false;
      ++pos;
    }
    const std::size_t start = pos;
    unsigned value = 0;
    while (pos < s.size() && is_digit(s[pos]) && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(s[pos] - '0');
      ++pos;
    }
    const std::size_t len = pos - start;
    if (len == 0 || value > 255) return false;
    if (len > 1 && s[start] == '0') return false;          // leading zero: octal to some parsers
    if (pos < s.size() && is_digit(s[pos])) return false;  // a fourth digit
    out[part] = static_cast<std::uint8_t>(value);
  }
  return pos == s.size();
}

bool parse_v6(std::string_view s, std::uint8_t* out) noexcept {
  std::uint16_t groups[8] = {};
  int count = 0;  // groups written
  int gap = -1;   // index where "::" stands
  std::size_t pos = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    pos = 2;
    if (pos == s.size()) {  // "::"
      for (int i = 0; i < 16; ++i) out[i] = 0;
      return true;
    }
  } else if (!s.empty() && s[0] == ':') {
    return false;  // a lone leading colon
  }
  while (pos < s.size()) {
    // An embedded IPv4 address may take the last two groups.
    const std::size_t colon = s.find(':', pos);
    const std::string_view token =
        s.substr(pos, colon == std::string_view::npos ? s.npos : colon - pos);
    if (colon == std::string_view::npos && token.find('.') != std::string_view::npos) {
      if (count > 6) return false;
      std::uint8_t v4[4];
      if (!parse_v4(token, v4)) return false;
      groups[count++] = static_cast<std::uint16_t>((v4[0] << 8) | v4[1]);
      groups[count++] = static_cast<std::uint16_t>((v4[2] << 8) | v4[3]);
      pos = s.size();
      break;
    }
    if (token.empty() || token.size() > 4 || count >= 8) return false;
    unsigned value = 0;
    for (const char c : token) {
      const int d = hex_digit(c);
      if (d < 0) return false;
      value = value * 16 + static_cast<unsigned>(d);
    }
    groups[count++] = static_cast<std::uint16_t>(value);
    pos += token.size();
    if (pos == s.size()) break;
    ++pos;  // the ':'
    if (pos < s.size() && s[pos] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = count;
      ++pos;
      if (pos == s.size()) break;       // a trailing "::"
      if (s[pos] == ':') return false;  // ":::"
    } else if (pos == s.size()) {
      return false;  // a trailing single ':'
    }
  }
  if (gap < 0) {
    if (count != 8) return false;
  } else if (count > 7) {
    return false;  // "::" must stand for at least one group
  }
  std::uint16_t full[8] = {};
  const int tail = gap < 0 ? 0 : count - gap;
  for (int i = 0; i < (gap < 0 ? count : gap); ++i) full[i] = groups[i];
  for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(full[i] & 0xFF);
  }
  return true;
}

}  // namespace

std::optional<ip_address> parse_ip_address(std::string_view text) noexcept {
  ip_address a;
  if (text.find(':') != std::string_view::npos) {
    a.v6 = true;
    if (!parse_v6(text, a.bytes.data())) return std::nullopt;
    return a;
  }
  if (!parse_v4(text, a.bytes.data())) return std::nullopt;
  return a;
}

std::optional<ip_range> parse_ip_range(std::string_view text) noexcept {
  const std::size_t slash = text.find('/');
  const auto address = parse_ip_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  ip_range r;
  r.base = *address;
  r.prefix = address->bits();
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
      return std::nullopt;
    }
    unsigned prefix = 0;
    for (const char c : digits) {
      if (!is_digit(c)) return std::nullopt;
      prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > address->bits()) return std::nullopt;
    r.prefix = prefix;
  }
  for (unsigned bit = r.prefix; bit < r.base.bits(); ++bit) {
    r.base.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return r;
}

bool ip_range_contains(const ip_range& range, const ip_address& address) noexcept {
  if (range.base.v6 != address.v6) return false;
  const unsigned full = range.prefix / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (range.base.bytes[i] != address.bytes[i]) return false;
  }
  const unsigned rest = range.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF00u >> rest);
  return (address.bytes[full] & mask) == range.base.bytes[full];
}

ip_address unmap_ipv4(const ip_address& address) noexcept {
  if (!address.v6) return address;
  for (int i = 0; i < 10; ++i) {
    if (address.bytes[i] != 0) return address;
  }
  if (address.bytes[10] != 0xFF || address.bytes[11] != 0xFF) return address;
  ip_address v4;
  for (int i = 0; i < 4; ++i) v4.bytes[i] = address.bytes[12 + i];
  return v4;
}

}  // namespace rollgate::detail
