// Quantile sketch (DDSketch-style): see rollgate/sketch.hpp and docs/statistics.md.
//
// Stores are dense vectors of counts over a contiguous range of bucket indexes: an edge worker's
// latencies span a few hundred indexes at 1% accuracy, so a dense store is both the smallest
// wire form and the fastest add (one log, one bounds check, one increment). The wire forms live
// beside this file: json.cpp and binary.cpp. Nothing here throws: the throwing API is
// throwing.cpp, over the try_ functions.
#include "rollgate/sketch.hpp"

#include <algorithm>  // std::max, std::min
#include <cmath>      // std::log, std::exp, std::ceil, std::isnan, std::isinf
#include <limits>     // std::numeric_limits
#include <string>     // std::string, std::to_string
#include <utility>    // std::move

#include <nlohmann/json.hpp>  // num_text: JSON's shortest round-trip number text

#include "rollgate/error.hpp"
#include "sketch/limits.hpp"

namespace rollgate {

std::string detail::sketch::num_text(double v) {
  nlohmann::json j = v;
  return j.dump();  // shortest round-trip form
}

namespace {

using detail::sketch::kMaxAlpha;
using detail::sketch::kMaxBuckets;
using detail::sketch::kMaxCount;
using detail::sketch::kMinAlpha;
using detail::sketch::kMinBuckets;
using detail::sketch::num_text;

problem bad_value(double v, const std::string& pointer) {
  if (std::isnan(v)) return {"rollgate.stats.402", pointer, "value is NaN"};
  return {"rollgate.stats.403", pointer, "value is infinite"};
}

}  // namespace

quantile_sketch::quantile_sketch() noexcept
    : alpha_(kDefaultRelativeAccuracy),
      gamma_((1 + kDefaultRelativeAccuracy) / (1 - kDefaultRelativeAccuracy)),
      inv_log_gamma_(1.0 / std::log(gamma_)),
      max_buckets_(kDefaultMaxBuckets),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {}

std::vector<problem> quantile_sketch::try_create(double relative_accuracy, std::size_t max_buckets,
                                                 quantile_sketch& out) {
  std::vector<problem> problems;
  if (!(relative_accuracy >= kMinAlpha && relative_accuracy <= kMaxAlpha))
    problems.push_back(
        {"rollgate.stats.406", "/alpha",
         "relative accuracy must be in [1e-05, 0.5], got " + num_text(relative_accuracy)});
  if (max_buckets < kMinBuckets || max_buckets > kMaxBuckets)
    problems.push_back(
        {"rollgate.stats.406", "/maxBuckets",
         "bucket budget must be in [16, 65536], got " + std::to_string(max_buckets)});
  if (!problems.empty()) return problems;
  quantile_sketch s;
  s.alpha_ = relative_accuracy;
  s.gamma_ = (1 + relative_accuracy) / (1 - relative_accuracy);
  s.inv_log_gamma_ = 1.0 / std::log(s.gamma_);
  s.max_buckets_ = max_buckets;
  out = std::move(s);
  return problems;
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

std::optional<problem> quantile_sketch::try_add(double value) {
  if (!std::isfinite(value)) return bad_value(value, "/value");
  if (count_ >= kMaxCount)
    return problem{"rollgate.stats.405", "/value", "sketch count would exceed 2^53"};
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
  return std::nullopt;
}

std::optional<problem> quantile_sketch::try_add(double value, std::uint64_t count) {
  if (!std::isfinite(value)) return bad_value(value, "/value");
  if (count == 0) return std::nullopt;
  if (count > kMaxCount || count_ > kMaxCount - count)
    return problem{"rollgate.stats.405", "/count", "sketch count would exceed 2^53"};
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
  return std::nullopt;
}

std::vector<problem> quantile_sketch::try_add_all(const std::vector<double>& values) {
  std::vector<problem> problems;
  for (std::size_t i = 0; i < values.size() && problems.size() < 10; ++i) {
    if (std::isnan(values[i]))
      problems.push_back({"rollgate.stats.402", "/values/" + std::to_string(i), "value is NaN"});
    else if (std::isinf(values[i]))
      problems.push_back(
          {"rollgate.stats.403", "/values/" + std::to_string(i), "value is infinite"});
  }
  if (!problems.empty()) return problems;
  if (values.size() > kMaxCount - count_)
    return {{"rollgate.stats.405", "/values", "sketch count would exceed 2^53"}};
  for (double v : values) (void)try_add(v);  // checked above: every value is accepted
  return problems;
}

std::optional<problem> quantile_sketch::incompatibility(const quantile_sketch& other) const {
  if (other.alpha_ != alpha_)
    return problem{"rollgate.stats.411", "/alpha",
                   "cannot merge sketches with different relative accuracy (" + num_text(alpha_) +
                       " and " + num_text(other.alpha_) + ")"};
  if (other.max_buckets_ != max_buckets_)
    return problem{"rollgate.stats.411", "/maxBuckets",
                   "cannot merge sketches with different bucket budgets (" +
                       std::to_string(max_buckets_) + " and " + std::to_string(other.max_buckets_) +
                       ")"};
  return std::nullopt;
}

std::optional<problem> quantile_sketch::try_merge(const quantile_sketch& other) {
  if (auto p = incompatibility(other)) return p;
  if (other.count_ > kMaxCount - count_)
    return problem{"rollgate.stats.405", "/count", "merged sketch count would exceed 2^53"};
  if (&other == this) {
    const quantile_sketch copy = other;
    return try_merge(copy);
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
  return std::nullopt;
}

std::optional<problem> quantile_sketch::try_quantile(double q, double& out) const {
  if (!(q >= 0 && q <= 1))
    return problem{"rollgate.stats.409", "/q", "quantile must be in [0, 1], got " + num_text(q)};
  if (count_ == 0) return problem{"rollgate.stats.412", "", "sketch is empty"};
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
  out = std::min(max_, std::max(min_, result));
  return std::nullopt;
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

}  // namespace rollgate
