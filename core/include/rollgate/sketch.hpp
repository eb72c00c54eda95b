// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file sketch.hpp
/// @brief A mergeable quantile sketch with a relative-error guarantee (DDSketch-style).
///
/// @par Usage
/// @code
///   rollgate::quantile_sketch s;              // relative accuracy 1%, at most 2048 buckets/sign
///   for (double ms : latencies) s.add(ms);
///   double p99 = s.quantile(0.99);            // within 1% of the exact 'lower' p99
///   std::string wire = s.to_json();           // a few KB; send it across the network
///   auto all = rollgate::quantile_sketch::from_json(wire);
///   all.merge(other_worker_sketch);           // same result as one sketch of both inputs
/// @endcode
///
/// @par Guarantee (docs/statistics.md, "Quantile sketch")
/// A value v != 0 goes to bucket k = ceil(log(|v|) / log(gamma)), gamma = (1 + a) / (1 - a), and
/// is represented by 2 gamma^k / (gamma + 1), within relative error a of every value of the
/// bucket. quantile(q) returns the representative of the value of rank floor(q (count - 1)) in
/// sorted order (numpy's method='lower'), clamped to [min, max]: within relative error a of it as
/// long as no bucket has been collapsed. Negative values use the same buckets on |v|; 0 (and -0)
/// has its own exact bucket; every other finite double, subnormals included, is indexed.
///
/// @par Collapsing policy
/// Each sign has at most max_buckets contiguous bucket indexes. When a value would need more, the
/// buckets of the smallest magnitudes (positive side: the lowest values; negative side: the values
/// nearest zero) are folded into the lowest kept index, max_index - max_buckets + 1, so high
/// latency quantiles (p95, p99) keep their guarantee and only the smallest magnitudes lose it.
/// The result depends only on the multiset of values, not on the order of adds and merges.
///
/// @par Errors as values
/// Every function that rejects its input has a try_ form that returns the problem(s) instead of
/// throwing them: the same codes, pointers and messages (the throwing forms are thin wrappers,
/// in core/src/sketch/throwing.cpp, which a build without exceptions, such as the wasm32-wasi
/// Fastly service, leaves out). A try_ function that fails leaves its object unchanged.
#ifndef ROLLGATE_SKETCH_HPP
#define ROLLGATE_SKETCH_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t, std::int32_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/error.hpp"  // rollgate::problem

namespace rollgate {

/// @brief DDSketch-style quantile sketch: logarithmic buckets, mergeable, serialisable.
class quantile_sketch {
 public:
  static constexpr double kDefaultRelativeAccuracy = 0.01;
  static constexpr std::size_t kDefaultMaxBuckets = 2048;

  /// @brief An empty sketch with the default accuracy (1%) and bucket budget (2048).
  quantile_sketch() noexcept;
  /// @brief An empty sketch.
  /// @param relative_accuracy a in [1e-5, 0.5]: the relative error bound
  /// @param max_buckets bucket budget per sign, in [16, 65536]
  /// @throws rollgate::error rollgate.stats.406 (accuracy or budget out of range)
  explicit quantile_sketch(double relative_accuracy, std::size_t max_buckets = kDefaultMaxBuckets);
  /// @brief The constructor without exceptions.
  /// @return no problem, and `out` replaced by an empty sketch; or the problems
  ///   (rollgate.stats.406, one per parameter out of range), `out` unchanged
  static std::vector<problem> try_create(double relative_accuracy, std::size_t max_buckets,
                                         quantile_sketch& out);

  /// @brief Adds one value.
  /// @throws rollgate::error rollgate.stats.402 (NaN), .403 (infinite), .405 (count would exceed
  ///   2^53); the sketch is unchanged
  void add(double value);
  /// @brief Adds `count` copies of a value (count 0 does nothing).
  /// @throws rollgate::error rollgate.stats.402, .403, .405 (total count would exceed 2^53)
  void add(double value, std::uint64_t count);
  /// @brief Adds every value; rejects the whole batch (pointer "/values/i") before changing
  /// anything.
  /// @throws rollgate::error rollgate.stats.402, .403, .405
  void add_all(const std::vector<double>& values);
  /// @brief add(value) without exceptions: the problem it would throw, or nullopt when added.
  std::optional<problem> try_add(double value);
  /// @brief add(value, count) without exceptions.
  std::optional<problem> try_add(double value, std::uint64_t count);
  /// @brief add_all without exceptions: every problem it would throw (none when all were added).
  std::vector<problem> try_add_all(const std::vector<double>& values);

  /// @brief Merges another sketch into this one: same as one sketch of both inputs.
  /// @throws rollgate::error rollgate.stats.411 (different relative accuracy or bucket budget),
  ///   .405 (merged count would exceed 2^53)
  void merge(const quantile_sketch& other);
  /// @brief merge without exceptions: the problem it would throw, or nullopt when merged.
  std::optional<problem> try_merge(const quantile_sketch& other);

  /// @brief Approximate quantile (see the guarantee above).
  /// @throws rollgate::error rollgate.stats.412 (empty sketch), .409 (q outside [0, 1])
  double quantile(double q) const;
  /// @brief quantile without exceptions: nullopt with the quantile in `out`, or the problem.
  std::optional<problem> try_quantile(double q, double& out) const;

  std::uint64_t count() const noexcept { return count_; }  ///< number of values added
  bool empty() const noexcept { return count_ == 0; }
  double min() const noexcept { return min_; }  ///< exact minimum (+inf when empty)
  double max() const noexcept { return max_; }  ///< exact maximum (-inf when empty)
  double sum() const noexcept { return sum_; }  ///< sum of the values
  double relative_accuracy() const noexcept { return alpha_; }
  std::size_t max_buckets() const noexcept { return max_buckets_; }
  /// @brief Number of non-empty buckets (including the zero bucket if non-empty).
  std::size_t bucket_count() const noexcept;
  /// @brief True if buckets were collapsed, so the lowest quantiles may exceed the error bound.
  bool collapsed() const noexcept { return collapsed_; }

  /// @brief Compact JSON form (docs/statistics.md, "Sketch JSON"), e.g.
  /// {"type":"rollgate.ddsketch","version":1,"alpha":0.01,"maxBuckets":2048,"count":3,
  ///  "zeroCount":0,"min":1.5,"max":9,"sum":12.5,"collapsed":false,
  ///  "positive":{"offset":20,"counts":[1,0,2]},"negative":{"offset":0,"counts":[]}}
  std::string to_json() const;
  /// @brief Parses and validates the JSON form (untrusted input).
  /// @throws rollgate::error rollgate.json.101-103 (not JSON), rollgate.stats.410 (wrong shape,
  ///   with the pointer of the first bad field; every problem is reported)
  static quantile_sketch from_json(std::string_view json);
  /// @brief from_json without exceptions: no problem and the sketch in `out`, or every problem
  ///   from_json would throw (`out` unchanged).
  static std::vector<problem> try_from_json(std::string_view json, quantile_sketch& out);

  /// @brief Compact binary form, base64-encoded (docs/statistics.md, "Sketch binary").
  std::string to_base64() const;
  /// @brief Parses and validates the base64 form.
  /// @throws rollgate::error rollgate.stats.410
  static quantile_sketch from_base64(std::string_view text);
  /// @brief from_base64 without exceptions: nullopt and the sketch in `out`, or the problem.
  static std::optional<problem> try_from_base64(std::string_view text, quantile_sketch& out);

  /// @brief Same parameters, count, zero count, min, max, collapsed flag and buckets. The sum is
  /// not compared: floating-point addition depends on the order of adds and merges.
  bool operator==(const quantile_sketch& other) const noexcept;
  bool operator!=(const quantile_sketch& other) const noexcept { return !(*this == other); }

  /// @brief One non-empty bucket: its representative value and how many values it holds.
  struct bucket {
    double value;  ///< -rep for negative buckets, 0 for the zero bucket, rep for positive ones
    std::uint64_t count;
  };
  /// @brief Every non-empty bucket in ascending order of value (for weighted summaries).
  std::vector<bucket> buckets() const;

  /// @brief One side's buckets: counts[i] belongs to bucket index offset + i.
  struct store {
    std::int32_t offset = 0;
    std::vector<std::uint64_t> counts;
  };

 private:
  void add_key(store& s, std::int32_t key, std::uint64_t n);
  std::int32_t key_of(double magnitude) const noexcept;
  double value_of(std::int32_t key) const noexcept;
  std::optional<problem> incompatibility(const quantile_sketch& other) const;

  double alpha_;
  double gamma_;
  double inv_log_gamma_;
  std::size_t max_buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t zero_count_ = 0;
  double min_;
  double max_;
  double sum_ = 0.0;
  bool collapsed_ = false;
  store positive_;
  store negative_;
};

}  // namespace rollgate

#endif  // ROLLGATE_SKETCH_HPP
