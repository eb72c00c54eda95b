// JavaScript's Number::toString(10) for doubles (canonical_unit.hpp).
//
// Digits: for k = 1, 2, ... 17 the correctly rounded k-digit decimal of the value (printf "%.*e",
// exact in glibc and in musl, the WASM build's libc) is tried first; it reads back as the value
// (strtod, also correctly rounded) exactly when some k-digit decimal does, except next to a power
// of two, where the rounding interval below the value is half as wide as above it: there the
// k-digit decimal just above can read back while the nearest (below) does not, so it is tried
// too. The first k that reads back gives ECMAScript's digits (the fewest; among them the
// nearest). Integers below 2^53 skip the search: their own digits are the shortest.
#include "detail/canonical_unit.hpp"

#include <cmath>    // std::isnan, std::isinf, std::fabs, std::floor
#include <cstdio>   // std::snprintf
#include <cstdlib>  // std::strtod
#include <cstring>  // std::memcpy

namespace rollgate::detail {

namespace {

struct decimal {
  char digits[20];  // significant digits, no leading zero
  int count = 0;
  int exponent = 0;  // value = 0.d1d2...dk x 10^exponent (ECMAScript's n)
};

// The k-digit decimal printf rounds to: "d.ddde+XX" -> digits and n = XX + 1.
decimal rounded(double v, int k) noexcept {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*e", k - 1, v);
  decimal d;
  const char* p = buf;
  for (; *p != 'e'; ++p) {
    if (*p >= '0' && *p <= '9') d.digits[d.count++] = *p;
  }
  d.exponent = std::atoi(p + 1) + 1;
  return d;
}

// The next k-digit decimal above d (d + one unit in the last place).
decimal next_up(decimal d) noexcept {
  int i = d.count - 1;
  while (i >= 0 && d.digits[i] == '9') d.digits[i--] = '0';
  if (i >= 0) {
    ++d.digits[i];
  } else {  // 99..9 -> 100..0: one more power of ten, same digit count
    d.digits[0] = '1';
    ++d.exponent;
  }
  return d;
}

bool reads_back(const decimal& d, double v) noexcept {
  char buf[40];
  int n = 0;
  buf[n++] = '.';
  for (int i = 0; i < d.count; ++i) buf[n++] = d.digits[i];
  n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "e%d", d.exponent);
  return std::strtod(buf, nullptr) == v;
}

decimal shortest(double v) noexcept {
  for (int k = 1; k < 17; ++k) {
    const decimal d = rounded(v, k);
    if (reads_back(d, v)) return d;
    const decimal up = next_up(d);
    if (reads_back(up, v)) return up;
  }
  return rounded(v, 17);  // 17 significant digits always read back
}

std::size_t put(char* out, std::size_t n, const char* s, std::size_t len) noexcept {
  std::memcpy(out + n, s, len);
  return n + len;
}

}  // namespace

std::size_t canonical_number_text(double value, char (&out)[32]) noexcept {
  if (std::isnan(value)) return put(out, 0, "NaN", 3);
  std::size_t n = 0;
  if (value < 0) {
    out[n++] = '-';
    value = -value;
  }
  if (std::isinf(value)) return put(out, n, "Infinity", 8);
  if (value == 0) return put(out, 0, "0", 1);  // -0 too
  if (value < 9007199254740992.0 && std::floor(value) == value) {
    char digits[20];
    int k = 0;
    auto i = static_cast<unsigned long long>(value);
    while (i != 0) {
      digits[k++] = static_cast<char>('0' + i % 10);
      i /= 10;
    }
    while (k > 0) out[n++] = digits[--k];
    return n;
  }
  decimal d = shortest(value);
  while (d.count > 1 && d.digits[d.count - 1] == '0') --d.count;  // printf pads with zeros
  const int k = d.count;
  const int e = d.exponent;
  if (k <= e && e <= 21) {  // integer: digits then zeros
    n = put(out, n, d.digits, static_cast<std::size_t>(k));
    for (int z = 0; z < e - k; ++z) out[n++] = '0';
  } else if (0 < e && e <= 21) {  // a decimal point inside the digits
    n = put(out, n, d.digits, static_cast<std::size_t>(e));
    out[n++] = '.';
    n = put(out, n, d.digits + e, static_cast<std::size_t>(k - e));
  } else if (-6 < e && e <= 0) {  // 0.000ddd
    out[n++] = '0';
    out[n++] = '.';
    for (int z = 0; z < -e; ++z) out[n++] = '0';
    n = put(out, n, d.digits, static_cast<std::size_t>(k));
  } else {  // exponent form: d[.ddd]e+X / e-X
    out[n++] = d.digits[0];
    if (k > 1) {
      out[n++] = '.';
      n = put(out, n, d.digits + 1, static_cast<std::size_t>(k - 1));
    }
    out[n++] = 'e';
    const int x = e - 1;
    out[n++] = x < 0 ? '-' : '+';
    char exp[8];
    const int len = std::snprintf(exp, sizeof exp, "%d", x < 0 ? -x : x);
    n = put(out, n, exp, static_cast<std::size_t>(len));
  }
  return n;
}

std::string canonical_unit_text(double value) {
  char buf[32];
  return std::string(buf, canonical_number_text(value, buf));
}

}  // namespace rollgate::detail
