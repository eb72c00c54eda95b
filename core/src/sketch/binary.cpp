// The quantile sketch's binary form, base64 on the wire: see rollgate/sketch.hpp and
// docs/statistics.md.
//
// Binary form: "RGDS", version byte 1, alpha (f64 LE), maxBuckets, count, zeroCount (varints),
// min, max, sum (f64 LE), flags (bit 0: collapsed), then per side (positive, negative):
// zigzag(offset), n, n counts (varints). Base64 (RFC 4648, padded) on the wire.
#include <algorithm>    // std::min
#include <cmath>        // std::isfinite
#include <cstdint>      // std::uint8_t, std::uint32_t, std::uint64_t, std::int64_t
#include <cstring>      // std::memcpy
#include <limits>       // std::numeric_limits
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "rollgate/error.hpp"
#include "rollgate/sketch.hpp"
#include "sketch/limits.hpp"

namespace rollgate {
namespace {

using detail::sketch::kMaxAbsKey;
using detail::sketch::kMaxAlpha;
using detail::sketch::kMaxBuckets;
using detail::sketch::kMaxCount;
using detail::sketch::kMinAlpha;
using detail::sketch::kMinBuckets;

// ----- base64 (RFC 4648, with padding) -----
const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const std::string& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                            (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0) return false;
  out.clear();
  out.reserve(in.size() / 4 * 3);
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = in[i + static_cast<std::size_t>(j)];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++pad;
      } else {
        if (pad) return false;  // data after padding
        v[j] = val(c);
        if (v[j] < 0) return false;
      }
    }
    const std::uint32_t w = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) |
                            (std::uint32_t(v[2]) << 6) | std::uint32_t(v[3]);
    out += static_cast<char>(w >> 16);
    if (pad < 2) out += static_cast<char>((w >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(w & 0xFF);
  }
  return true;
}

// ----- binary helpers: little-endian doubles, LEB128 varints, zigzag -----
void put_u64(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void put_f64(std::string& out, double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, 8);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xFF);
}
std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

struct reader {
  const std::string& s;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= s.size()) return ok = false, 0;
      const auto b = static_cast<std::uint8_t>(s[pos++]);
      v |= std::uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return ok = false, 0;
  }
  double f64() {
    if (pos + 8 > s.size()) return ok = false, 0.0;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t(std::uint8_t(s[pos + i])) << (8 * i);
    pos += 8;
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  std::uint8_t byte() {
    if (pos >= s.size()) return ok = false, 0;
    return static_cast<std::uint8_t>(s[pos++]);
  }
};

}  // namespace

std::string quantile_sketch::to_base64() const {
  std::string b = "RGDS";
  b += static_cast<char>(1);
  put_f64(b, alpha_);
  put_u64(b, max_buckets_);
  put_u64(b, count_);
  put_u64(b, zero_count_);
  put_f64(b, min_);
  put_f64(b, max_);
  put_f64(b, sum_);
  b += static_cast<char>(collapsed_ ? 1 : 0);
  for (const store* s : {&positive_, &negative_}) {
    std::size_t a = 0, e = s->counts.size();
    while (a < e && s->counts[a] == 0) ++a;
    while (e > a && s->counts[e - 1] == 0) --e;
    put_u64(b, zigzag(a < e ? s->offset + static_cast<std::int64_t>(a) : 0));
    put_u64(b, e - a);
    for (std::size_t i = a; i < e; ++i) put_u64(b, s->counts[i]);
  }
  return base64_encode(b);
}

std::optional<problem> quantile_sketch::try_from_base64(std::string_view text,
                                                        quantile_sketch& result) {
  auto fail = [](const std::string& msg) -> std::optional<problem> {
    return problem{"rollgate.stats.410", "", "binary sketch: " + msg};
  };
  if (text.size() > (std::size_t{64} << 20)) return fail("larger than 64 MiB");
  std::string b;
  if (!base64_decode(text, b)) return fail("not valid base64");
  reader r{b};
  if (b.size() < 5 || b.compare(0, 4, "RGDS") != 0) return fail("missing the RGDS header");
  r.pos = 4;
  if (r.byte() != 1) return fail("unsupported version (this library reads version 1)");
  const double alpha = r.f64();
  const std::uint64_t max_b = r.u64();
  const std::uint64_t count = r.u64(), zero = r.u64();
  const double mn = r.f64(), mx = r.f64(), sum = r.f64();
  const std::uint8_t flags = r.byte();
  if (!r.ok) return fail("truncated");
  if (!(alpha >= kMinAlpha && alpha <= kMaxAlpha)) return fail("relative accuracy out of range");
  if (max_b < kMinBuckets || max_b > kMaxBuckets) return fail("bucket budget out of range");
  if (count > kMaxCount || zero > kMaxCount) return fail("count exceeds 2^53");
  if (flags > 1) return fail("unknown flags");
  if (count > 0 ? !(std::isfinite(mn) && std::isfinite(mx) && mn <= mx)
                : !(mn == std::numeric_limits<double>::infinity() && mx == -mn))
    return fail("min/max inconsistent with count");
  if (!std::isfinite(sum)) return fail("sum is not finite");
  quantile_sketch out;
  (void)try_create(alpha, static_cast<std::size_t>(max_b), out);  // both checked above
  std::uint64_t total = zero;
  for (store* s : {&out.positive_, &out.negative_}) {
    const std::int64_t offset = unzigzag(r.u64());
    const std::uint64_t n = r.u64();
    if (!r.ok) return fail("truncated");
    if (n > max_b) return fail("more buckets than the budget");
    if (offset < -kMaxAbsKey || offset + static_cast<std::int64_t>(n) > kMaxAbsKey)
      return fail("bucket index out of range");
    s->offset = static_cast<std::int32_t>(offset);
    s->counts.resize(static_cast<std::size_t>(n));
    for (auto& c : s->counts) {
      c = r.u64();
      if (c > kMaxCount) return fail("bucket count exceeds 2^53");
      total = std::min(total + c, kMaxCount + 1);
    }
    if (!r.ok) return fail("truncated");
  }
  if (r.pos != b.size()) return fail("trailing bytes");
  if (total != count) return fail("count does not match the buckets");
  out.count_ = count;
  out.zero_count_ = zero;
  out.min_ = mn;
  out.max_ = mx;
  out.sum_ = sum;
  out.collapsed_ = flags == 1;
  result = std::move(out);
  return std::nullopt;
}

}  // namespace rollgate
