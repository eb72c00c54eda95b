// Quantile sketch (DDSketch-style): see rollgate/sketch.hpp and docs/statistics.md.
//
// Stores are dense vectors of counts over a contiguous range of bucket indexes: an edge worker's
// latencies span a few hundred indexes at 1% accuracy, so a dense store is both the smallest
// wire form and the fastest add (one log, one bounds check, one increment).
#include "rollgate/sketch.hpp"

#include <algorithm>  // std::max, std::min
#include <cmath>      // std::log, std::exp, std::ceil, std::isnan, std::isinf
#include <cstring>    // std::memcpy
#include <limits>     // std::numeric_limits
#include <string>     // std::string, std::to_string

#include <nlohmann/json.hpp>  // JSON form

#include "detail/json_input.hpp"  // parse_json: bounded parsing of untrusted text
#include "rollgate/error.hpp"

namespace rollgate {
namespace {

constexpr double kMinAlpha = 1e-5, kMaxAlpha = 0.5;
constexpr std::size_t kMinBuckets = 16, kMaxBuckets = 65536;
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 53;  // exact in a JS number
// |key| bound: log(DBL_MAX) / log(gamma) < 709.8 / (2 * 1e-5) ~ 3.6e7 for the smallest alpha,
// and log(4.9e-324) / log(gamma) > -3.8e7. Keys outside this range cannot come from a value.
constexpr std::int64_t kMaxAbsKey = 40'000'000;

std::string num_text(double v) {
  nlohmann::json j = v;
  return j.dump();  // shortest round-trip form
}

[[noreturn]] void bad_value(double v, const std::string& pointer) {
  if (std::isnan(v)) throw error("rollgate.stats.402", pointer, "value is NaN");
  throw error("rollgate.stats.403", pointer, "value is infinite");
}

/// Sum of a store's counts, saturating just above kMaxCount (so hostile input cannot wrap).
std::uint64_t store_total(const quantile_sketch::store& s) {
  std::uint64_t t = 0;
  for (auto c : s.counts) t = std::min(t + std::min(c, kMaxCount + 1), kMaxCount + 1);
  return t;
}

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

quantile_sketch::quantile_sketch(double relative_accuracy, std::size_t max_buckets)
    : alpha_(relative_accuracy),
      gamma_(0),
      inv_log_gamma_(0),
      max_buckets_(max_buckets),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {
  std::vector<problem> problems;
  if (!(relative_accuracy >= kMinAlpha && relative_accuracy <= kMaxAlpha))
    problems.push_back(
        {"rollgate.stats.406", "/alpha",
         "relative accuracy must be in [1e-05, 0.5], got " + num_text(relative_accuracy)});
  if (max_buckets < kMinBuckets || max_buckets > kMaxBuckets)
    problems.push_back(
        {"rollgate.stats.406", "/maxBuckets",
         "bucket budget must be in [16, 65536], got " + std::to_string(max_buckets)});
  if (!problems.empty()) throw error(std::move(problems));
  gamma_ = (1 + alpha_) / (1 - alpha_);
  inv_log_gamma_ = 1.0 / std::log(gamma_);
}

std::int32_t quantile_sketch::key_of(double magnitude) const noexcept {
  return static_cast<std::int32_t>(std::ceil(std::log(magnitude) * inv_log_gamma_));
}

double quantile_sketch::value_of(std::int32_t key) const noexcept {
  // 2 gamma^k / (gamma + 1), with the factor inside the exponent so the top bucket of values near
  // DBL_MAX does not overflow.
  return std::exp(static_cast<double>(key) / inv_log_gamma_ + std::log(2 / (gamma_ + 1)));
}

void quantile_sketch::add_key(store& s, std::int32_t key, std::uint64_t n) {
  const auto B = static_cast<std::int64_t>(max_buckets_);
  if (s.counts.empty()) {
    s.offset = key;
    s.counts.assign(1, n);
    return;
  }
  std::int64_t lo = s.offset;
  std::int64_t hi = lo + static_cast<std::int64_t>(s.counts.size()) - 1;
  std::int64_t k = key;
  if (k > hi) {
    // Grow upwards; fold whatever falls below the new lowest allowed index into it.
    const std::int64_t floor_key = k - B + 1;
    const std::int64_t new_lo = std::max(lo, floor_key);
    std::vector<std::uint64_t> next(static_cast<std::size_t>(k - new_lo + 1), 0);
    for (std::int64_t i = lo; i <= hi; ++i) {
      const std::uint64_t c = s.counts[static_cast<std::size_t>(i - lo)];
      if (i < new_lo) {
        next[0] += c;
        if (c) collapsed_ = true;
      } else {
        next[static_cast<std::size_t>(i - new_lo)] += c;
      }
    }
    next.back() += n;
    s.offset = static_cast<std::int32_t>(new_lo);
    s.counts.swap(next);
    return;
  }
  if (k < lo) {
    const std::int64_t floor_key = hi - B + 1;
    if (k < floor_key) {
      collapsed_ = true;
      k = floor_key;
    }
    if (k < lo) {
      s.counts.insert(s.counts.begin(), static_cast<std::size_t>(lo - k), 0);
      s.offset = static_cast<std::int32_t>(k);
      lo = k;
    }
  }
  s.counts[static_cast<std::size_t>(k - lo)] += n;
}

void quantile_sketch::add(double value) {
  if (!std::isfinite(value)) bad_value(value, "/value");
  if (count_ >= kMaxCount)
    throw error("rollgate.stats.405", "/value", "sketch count would exceed 2^53");
  if (value > 0) {
    const std::int32_t k = key_of(value);
    const auto idx = static_cast<std::int64_t>(k) - positive_.offset;
    if (idx >= 0 && idx < static_cast<std::int64_t>(positive_.counts.size()))
      ++positive_.counts[static_cast<std::size_t>(idx)];
    else
      add_key(positive_, k, 1);
  } else if (value < 0) {
    const std::int32_t k = key_of(-value);
    const auto idx = static_cast<std::int64_t>(k) - negative_.offset;
    if (idx >= 0 && idx < static_cast<std::int64_t>(negative_.counts.size()))
      ++negative_.counts[static_cast<std::size_t>(idx)];
    else
      add_key(negative_, k, 1);
  } else {
    ++zero_count_;
  }
  ++count_;
  sum_ += value;
  if (value < min_) min_ = value;
  if (value > max_) max_ = value;
}

void quantile_sketch::add(double value, std::uint64_t count) {
  if (!std::isfinite(value)) bad_value(value, "/value");
  if (count == 0) return;
  if (count > kMaxCount || count_ > kMaxCount - count)
    throw error("rollgate.stats.405", "/count", "sketch count would exceed 2^53");
  if (value > 0)
    add_key(positive_, key_of(value), count);
  else if (value < 0)
    add_key(negative_, key_of(-value), count);
  else
    zero_count_ += count;
  count_ += count;
  sum_ += value * static_cast<double>(count);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void quantile_sketch::add_all(const std::vector<double>& values) {
  std::vector<problem> problems;
  for (std::size_t i = 0; i < values.size() && problems.size() < 10; ++i) {
    if (std::isnan(values[i]))
      problems.push_back({"rollgate.stats.402", "/values/" + std::to_string(i), "value is NaN"});
    else if (std::isinf(values[i]))
      problems.push_back(
          {"rollgate.stats.403", "/values/" + std::to_string(i), "value is infinite"});
  }
  if (!problems.empty()) throw error(std::move(problems));
  if (values.size() > kMaxCount - count_)
    throw error("rollgate.stats.405", "/values", "sketch count would exceed 2^53");
  for (double v : values) add(v);
}

void quantile_sketch::check_compatible(const quantile_sketch& other) const {
  if (other.alpha_ != alpha_)
    throw error("rollgate.stats.411", "/alpha",
                "cannot merge sketches with different relative accuracy (" + num_text(alpha_) +
                    " and " + num_text(other.alpha_) + ")");
  if (other.max_buckets_ != max_buckets_)
    throw error("rollgate.stats.411", "/maxBuckets",
                "cannot merge sketches with different bucket budgets (" +
                    std::to_string(max_buckets_) + " and " + std::to_string(other.max_buckets_) +
                    ")");
}

void quantile_sketch::merge(const quantile_sketch& other) {
  check_compatible(other);
  if (other.count_ > kMaxCount - count_)
    throw error("rollgate.stats.405", "/count", "merged sketch count would exceed 2^53");
  if (&other == this) {
    const quantile_sketch copy = other;
    merge(copy);
    return;
  }
  auto merge_store = [&](store& into, const store& from) {
    std::size_t a = 0, e = from.counts.size();
    while (a < e && from.counts[a] == 0) ++a;
    while (e > a && from.counts[e - 1] == 0) --e;
    if (a == e) return;
    const std::int64_t f_lo = from.offset + static_cast<std::int64_t>(a);
    const std::int64_t f_hi = from.offset + static_cast<std::int64_t>(e) - 1;
    const std::int64_t i_lo = into.offset;
    const std::int64_t i_hi = into.offset + static_cast<std::int64_t>(into.counts.size()) - 1;
    if (!into.counts.empty() && f_lo >= i_lo && f_hi <= i_hi) {  // fast path: fits
      for (std::size_t i = a; i < e; ++i)
        into.counts[static_cast<std::size_t>(from.offset + static_cast<std::int64_t>(i) - i_lo)] +=
            from.counts[i];
      return;
    }
    // The same rule as add_key: keep [hi - B + 1, hi], fold everything below into the lowest.
    const std::int64_t hi = into.counts.empty() ? f_hi : std::max(i_hi, f_hi);
    const std::int64_t lo_all = into.counts.empty() ? f_lo : std::min(i_lo, f_lo);
    const std::int64_t lo = std::max(lo_all, hi - static_cast<std::int64_t>(max_buckets_) + 1);
    std::vector<std::uint64_t> next(static_cast<std::size_t>(hi - lo + 1), 0);
    auto put = [&](std::int64_t key, std::uint64_t c) {
      if (!c) return;
      if (key < lo) {
        collapsed_ = true;
        key = lo;
      }
      next[static_cast<std::size_t>(key - lo)] += c;
    };
    for (std::size_t i = 0; i < into.counts.size(); ++i)
      put(i_lo + static_cast<std::int64_t>(i), into.counts[i]);
    for (std::size_t i = a; i < e; ++i)
      put(from.offset + static_cast<std::int64_t>(i), from.counts[i]);
    into.offset = static_cast<std::int32_t>(lo);
    into.counts.swap(next);
  };
  merge_store(positive_, other.positive_);
  merge_store(negative_, other.negative_);
  collapsed_ = collapsed_ || other.collapsed_;
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double quantile_sketch::quantile(double q) const {
  if (!(q >= 0 && q <= 1))
    throw error("rollgate.stats.409", "/q", "quantile must be in [0, 1], got " + num_text(q));
  if (count_ == 0) throw error("rollgate.stats.412", "", "sketch is empty");
  const double rank = std::floor(q * static_cast<double>(count_ - 1));
  double seen = 0;
  double result = max_;
  bool found = false;
  // Ascending values: negative buckets from the largest magnitude down, zero, positive up.
  for (std::size_t i = negative_.counts.size(); i-- > 0 && !found;) {
    seen += static_cast<double>(negative_.counts[i]);
    if (seen > rank) {
      result =
          -value_of(static_cast<std::int32_t>(negative_.offset + static_cast<std::int64_t>(i)));
      found = true;
    }
  }
  if (!found) {
    seen += static_cast<double>(zero_count_);
    if (seen > rank) {
      result = 0.0;
      found = true;
    }
  }
  for (std::size_t i = 0; i < positive_.counts.size() && !found; ++i) {
    seen += static_cast<double>(positive_.counts[i]);
    if (seen > rank) {
      result = value_of(static_cast<std::int32_t>(positive_.offset + static_cast<std::int64_t>(i)));
      found = true;
    }
  }
  return std::min(max_, std::max(min_, result));
}

std::size_t quantile_sketch::bucket_count() const noexcept {
  std::size_t n = zero_count_ ? 1 : 0;
  for (auto c : positive_.counts) n += c != 0;
  for (auto c : negative_.counts) n += c != 0;
  return n;
}

std::vector<quantile_sketch::bucket> quantile_sketch::buckets() const {
  std::vector<bucket> out;
  for (std::size_t i = negative_.counts.size(); i-- > 0;)
    if (negative_.counts[i])
      out.push_back(
          {-value_of(static_cast<std::int32_t>(negative_.offset + static_cast<std::int64_t>(i))),
           negative_.counts[i]});
  if (zero_count_) out.push_back({0.0, zero_count_});
  for (std::size_t i = 0; i < positive_.counts.size(); ++i)
    if (positive_.counts[i])
      out.push_back(
          {value_of(static_cast<std::int32_t>(positive_.offset + static_cast<std::int64_t>(i))),
           positive_.counts[i]});
  return out;
}

bool quantile_sketch::operator==(const quantile_sketch& o) const noexcept {
  auto same_store = [](const store& a, const store& b) {
    // Compare the non-zero content: a store may carry zero counts at its ends after folding.
    std::size_t ia = 0, ja = a.counts.size(), ib = 0, jb = b.counts.size();
    while (ia < ja && a.counts[ia] == 0) ++ia;
    while (ja > ia && a.counts[ja - 1] == 0) --ja;
    while (ib < jb && b.counts[ib] == 0) ++ib;
    while (jb > ib && b.counts[jb - 1] == 0) --jb;
    if (ja - ia != jb - ib) return false;
    if (ja == ia) return true;
    if (a.offset + static_cast<std::int64_t>(ia) != b.offset + static_cast<std::int64_t>(ib))
      return false;
    for (std::size_t k = 0; k < ja - ia; ++k)
      if (a.counts[ia + k] != b.counts[ib + k]) return false;
    return true;
  };
  return alpha_ == o.alpha_ && max_buckets_ == o.max_buckets_ && count_ == o.count_ &&
         zero_count_ == o.zero_count_ && min_ == o.min_ && max_ == o.max_ &&
         collapsed_ == o.collapsed_ && same_store(positive_, o.positive_) &&
         same_store(negative_, o.negative_);
}

// ---------------------------------------------------------------------------------------------
// JSON form

std::string quantile_sketch::to_json() const {
  nlohmann::ordered_json j;
  j["type"] = "rollgate.ddsketch";
  j["version"] = 1;
  j["alpha"] = alpha_;
  j["maxBuckets"] = max_buckets_;
  j["count"] = count_;
  j["zeroCount"] = zero_count_;
  if (count_) {
    j["min"] = min_;
    j["max"] = max_;
  } else {
    j["min"] = nullptr;
    j["max"] = nullptr;
  }
  j["sum"] = sum_;
  j["collapsed"] = collapsed_;
  auto side = [](const store& s) {
    // Trim zero counts at both ends (they can remain after folding).
    std::size_t a = 0, b = s.counts.size();
    while (a < b && s.counts[a] == 0) ++a;
    while (b > a && s.counts[b - 1] == 0) --b;
    nlohmann::ordered_json o;
    o["offset"] = a < b ? s.offset + static_cast<std::int64_t>(a) : 0;
    o["counts"] = std::vector<std::uint64_t>(s.counts.begin() + static_cast<std::ptrdiff_t>(a),
                                             s.counts.begin() + static_cast<std::ptrdiff_t>(b));
    return o;
  };
  j["positive"] = side(positive_);
  j["negative"] = side(negative_);
  return j.dump();
}

namespace {
using json = nlohmann::json;

struct json_checker {
  std::vector<problem>& problems;
  void bad(const std::string& pointer, std::string message) {
    if (problems.size() < 20)
      problems.push_back({"rollgate.stats.410", pointer, std::move(message)});
  }
  /// Non-negative integer <= limit (JSON numbers as JS sends them: integer-valued floats too).
  bool uint(const json& v, const std::string& pointer, std::uint64_t limit, std::uint64_t& out) {
    if (v.is_number_unsigned()) {
      out = v.get<std::uint64_t>();
    } else if (v.is_number_integer()) {
      bad(pointer, "must be >= 0, got " + v.dump());
      return false;
    } else if (v.is_number_float()) {
      const double d = v.get<double>();
      if (!(d >= 0 && d <= static_cast<double>(limit) && d == std::floor(d))) {
        bad(pointer, "must be an integer in [0, " + std::to_string(limit) + "], got " + v.dump());
        return false;
      }
      out = static_cast<std::uint64_t>(d);
    } else {
      bad(pointer, std::string("must be a number, got ") + detail::json_type_name(v));
      return false;
    }
    if (out > limit) {
      bad(pointer, "must be at most " + std::to_string(limit) + ", got " + v.dump());
      return false;
    }
    return true;
  }
  bool integer(const json& v, const std::string& pointer, std::int64_t lo, std::int64_t hi,
               std::int64_t& out) {
    if (v.is_number_integer()) {
      out = v.get<std::int64_t>();
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
        out = hi + 1;
    } else if (v.is_number_float() && v.get<double>() == std::floor(v.get<double>()) &&
               std::fabs(v.get<double>()) < 1e15) {
      out = static_cast<std::int64_t>(v.get<double>());
    } else {
      bad(pointer, std::string("must be an integer, got ") +
                       (v.is_number() ? v.dump() : detail::json_type_name(v)));
      return false;
    }
    if (out < lo || out > hi) {
      bad(pointer,
          "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + v.dump());
      return false;
    }
    return true;
  }
  bool number(const json& v, const std::string& pointer, double& out) {
    if (!v.is_number()) {
      bad(pointer, std::string("must be a number, got ") + detail::json_type_name(v));
      return false;
    }
    out = v.get<double>();
    return true;
  }
};
}  // namespace

quantile_sketch quantile_sketch::from_json(std::string_view text) {
  const json doc = detail::parse_json(text, "sketch");
  std::vector<problem> problems;
  json_checker ck{problems};
  if (!doc.is_object()) {
    ck.bad("", std::string("sketch must be a JSON object, got ") + detail::json_type_name(doc));
    throw error(std::move(problems));
  }
  static const char* const kKeys[] = {"type",  "version",   "alpha",    "maxBuckets",
                                      "count", "zeroCount", "min",      "max",
                                      "sum",   "collapsed", "positive", "negative"};
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known = false;
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known) ck.bad(detail::pointer_append("", it.key()), "unknown field");
  }
  auto need = [&](const char* key) -> const json* {
    auto it = doc.find(key);
    if (it == doc.end()) {
      ck.bad("/" + std::string(key), "missing field");
      return nullptr;
    }
    return &*it;
  };
  if (const json* t = need("type"); t && *t != "rollgate.ddsketch")
    ck.bad("/type", "must be \"rollgate.ddsketch\", got " + t->dump());
  if (const json* v = need("version"); v && *v != 1)
    ck.bad("/version", "unsupported version " + v->dump() + " (this library reads version 1)");
  double alpha = kDefaultRelativeAccuracy;
  bool alpha_ok = false;
  if (const json* a = need("alpha"); a && ck.number(*a, "/alpha", alpha)) {
    alpha_ok = alpha >= kMinAlpha && alpha <= kMaxAlpha;
    if (!alpha_ok) ck.bad("/alpha", "must be in [1e-05, 0.5], got " + a->dump());
  }
  std::int64_t max_b = static_cast<std::int64_t>(kDefaultMaxBuckets);
  bool max_b_ok = false;
  if (const json* m = need("maxBuckets"))
    max_b_ok = ck.integer(*m, "/maxBuckets", kMinBuckets, kMaxBuckets, max_b);
  std::uint64_t count = 0, zero = 0;
  bool count_ok = false, zero_ok = false;
  if (const json* c = need("count")) count_ok = ck.uint(*c, "/count", kMaxCount, count);
  if (const json* z = need("zeroCount")) zero_ok = ck.uint(*z, "/zeroCount", kMaxCount, zero);
  double mn = std::numeric_limits<double>::infinity(), mx = -mn, sum = 0;
  const json* jmin = need("min");
  const json* jmax = need("max");
  bool minmax_ok = jmin && jmax;
  if (minmax_ok && count_ok && count == 0) {
    if (!jmin->is_null()) ck.bad("/min", "must be null in an empty sketch"), minmax_ok = false;
    if (!jmax->is_null()) ck.bad("/max", "must be null in an empty sketch"), minmax_ok = false;
  } else if (minmax_ok) {
    const bool min_ok = ck.number(*jmin, "/min", mn);  // both checked: every problem reported
    const bool max_ok = ck.number(*jmax, "/max", mx);
    minmax_ok = min_ok && max_ok;
    if (minmax_ok && mn > mx)
      ck.bad("/min", "min " + jmin->dump() + " exceeds max " + jmax->dump());
  }
  if (const json* s = need("sum")) ck.number(*s, "/sum", sum);
  bool collapsed = false;
  if (const json* c = need("collapsed")) {
    if (c->is_boolean())
      collapsed = c->get<bool>();
    else
      ck.bad("/collapsed", std::string("must be a boolean, got ") + detail::json_type_name(*c));
  }
  store stores[2];
  bool stores_ok = true;
  const char* names[2] = {"positive", "negative"};
  for (int side = 0; side < 2; ++side) {
    const std::string base = std::string("/") + names[side];
    const json* s = need(names[side]);
    if (!s) {
      stores_ok = false;
      continue;
    }
    if (!s->is_object()) {
      ck.bad(base, std::string("must be an object, got ") + detail::json_type_name(*s));
      stores_ok = false;
      continue;
    }
    for (auto it = s->begin(); it != s->end(); ++it)
      if (it.key() != "offset" && it.key() != "counts")
        ck.bad(detail::pointer_append(base, it.key()), "unknown field");
    std::int64_t offset = 0;
    auto off = s->find("offset");
    if (off == s->end()) {
      ck.bad(base + "/offset", "missing field");
      stores_ok = false;
    } else if (!ck.integer(*off, base + "/offset", -kMaxAbsKey, kMaxAbsKey, offset)) {
      stores_ok = false;
      offset = 0;  // reported once; do not report the same fault again through the range check
    }
    auto counts = s->find("counts");
    if (counts == s->end()) {
      ck.bad(base + "/counts", "missing field");
      stores_ok = false;
      continue;
    }
    if (!counts->is_array()) {
      ck.bad(base + "/counts",
             std::string("must be an array, got ") + detail::json_type_name(*counts));
      stores_ok = false;
      continue;
    }
    if (max_b_ok && counts->size() > static_cast<std::size_t>(max_b)) {
      ck.bad(base + "/counts", "has " + std::to_string(counts->size()) +
                                   " buckets, more than maxBuckets " + std::to_string(max_b));
      stores_ok = false;
      continue;
    }
    if (offset + static_cast<std::int64_t>(counts->size()) > kMaxAbsKey) {
      ck.bad(base + "/counts", "bucket indexes exceed the range of finite doubles");
      stores_ok = false;
      continue;
    }
    stores[side].offset = static_cast<std::int32_t>(offset);
    stores[side].counts.resize(counts->size());
    for (std::size_t i = 0; i < counts->size(); ++i)
      if (!ck.uint((*counts)[i], detail::pointer_append(base + "/counts", i), kMaxCount,
                   stores[side].counts[i]))
        stores_ok = false;
  }
  if (stores_ok && count_ok && zero_ok) {
    const std::uint64_t total =
        std::min(store_total(stores[0]) + store_total(stores[1]) + zero, kMaxCount + 1);
    if (total != count)
      ck.bad("/count", "is " + std::to_string(count) + " but the buckets hold " +
                           std::to_string(total) + " values");
  }
  (void)minmax_ok;
  if (!problems.empty()) throw error(std::move(problems));
  quantile_sketch out(alpha, static_cast<std::size_t>(max_b));
  (void)alpha_ok;
  out.count_ = count;
  out.zero_count_ = zero;
  out.min_ = mn;
  out.max_ = mx;
  out.sum_ = sum;
  out.collapsed_ = collapsed;
  out.positive_ = std::move(stores[0]);
  out.negative_ = std::move(stores[1]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Binary form: "RGDS", version byte 1, alpha (f64 LE), maxBuckets, count, zeroCount (varints),
// min, max, sum (f64 LE), flags (bit 0: collapsed), then per side (positive, negative):
// zigzag(offset), n, n counts (varints). Base64 (RFC 4648, padded) on the wire.

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

quantile_sketch quantile_sketch::from_base64(std::string_view text) {
  auto fail = [](const std::string& msg) -> quantile_sketch {
    throw error("rollgate.stats.410", "", "binary sketch: " + msg);
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
  quantile_sketch out(alpha, static_cast<std::size_t>(max_b));
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
  return out;
}

}  // namespace rollgate
