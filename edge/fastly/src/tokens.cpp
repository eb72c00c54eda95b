// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "tokens.hpp"

namespace rollgate_fastly {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool verify(std::string_view secret, std::string_view message, std::string_view signature) {
  const std::optional<digest> sig = unbase64url_digest(signature);
  if (!sig) return false;
  return equal_constant_time(hmac_sha256(secret, message), *sig);
}

}  // namespace

std::string base64url(const digest& bytes) {
  std::string out;
  out.reserve(43);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  // 32 = 3 * 10 + 2: two bytes remain, which make three characters.
  const unsigned v = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8);
  out += kAlphabet[(v >> 18) & 63];
  out += kAlphabet[(v >> 12) & 63];
  out += kAlphabet[(v >> 6) & 63];
  return out;
}

std::optional<digest> unbase64url_digest(std::string_view text) {
  // 32 bytes are 43 characters unpadded. crypto.js pads to a multiple of 4 and decodes with atob,
  // which takes any length but 4k + 1; only 43 characters make 32 bytes, the length it requires.
  if (text.size() != 43) return std::nullopt;
  digest out{};
  unsigned acc = 0;
  int bits = 0;
  std::size_t n = 0;
  for (char c : text) {
    const int v = sextet(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = static_cast<std::uint8_t>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  // The last character carries two bits that are not part of any byte: atob ignores them, and so
  // do we (n == 32 here, bits == 2).
  return out;
}

std::string sign_unit(std::string_view secret, std::string_view id) {
  std::string message = "unit:";
  message += id;
  std::string out(id);
  out += '.';
  out += base64url(hmac_sha256(secret, message));
  return out;
}

std::optional<std::string> verify_unit(std::string_view secret, std::string_view value) {
  const std::size_t dot = value.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 200) return std::nullopt;
  const std::string_view id = value.substr(0, dot);
  std::string message = "unit:";
  message += id;
  if (!verify(secret, message, value.substr(dot + 1))) return std::nullopt;
  return std::string(id);
}

std::string sign_override(std::string_view secret, std::string_view arm,
                          std::string_view expiry_seconds) {
  std::string body(arm);
  body += '.';
  body += expiry_seconds;
  const digest sig = hmac_sha256(secret, "override:" + body);
  return body + '.' + base64url(sig);
}

std::optional<std::string> verify_override(std::string_view secret, std::string_view token,
                                           std::int64_t now_ms) {
  // /^(stable|canary)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/ as in crypto.js.
  std::string_view arm;
  if (token.substr(0, 7) == "stable.") {
    arm = "stable";
  } else if (token.substr(0, 7) == "canary.") {
    arm = "canary";
  } else {
    return std::nullopt;
  }
  std::string_view rest = token.substr(7);
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits < 1 || digits > 12 || digits >= rest.size() || rest[digits] != '.') {
    return std::nullopt;
  }
  const std::string_view expiry = rest.substr(0, digits);
  const std::string_view sig = rest.substr(digits + 1);
  if (sig.size() != 43) return std::nullopt;
  for (char c : sig) {
    if (sextet(c) < 0) return std::nullopt;
  }
  // Number(m[2]) * 1000 < nowMs means expired; more than kOverrideMaxLifetimeS ahead is refused
  // too (crypto.js OVERRIDE_MAX_LIFETIME_S). 12 digits times 1000 fits in 64 bits exactly.
  std::int64_t seconds = 0;
  for (char c : expiry) seconds = seconds * 10 + (c - '0');
  if (seconds * 1000 < now_ms || seconds * 1000 > now_ms + kOverrideMaxLifetimeS * 1000) {
    return std::nullopt;
  }
  std::string message = "override:";
  message += arm;
  message += '.';
  message += expiry;
  if (!verify(secret, message, sig)) return std::nullopt;
  return std::string(arm);
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (true) {
    const std::size_t semi = header.find(';');
    const std::string_view part = header.substr(0, semi);
    const std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && eq > 0 && trim(part.substr(0, eq)) == name) {
      return trim(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) return std::nullopt;
    header.remove_prefix(semi + 1);
  }
}

std::string uuid_v4(const std::uint8_t (&random)[16]) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint8_t b[16];
  for (int i = 0; i < 16; ++i) b[i] = random[i];
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10xx (RFC 4122)
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

}  // namespace rollgate_fastly
