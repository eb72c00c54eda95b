// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file mismatch_report.hpp
/// @brief Aggregates many dark-launch comparisons per field, learns which fields differ on their
///        own (noise), and tells which differences are real regressions.
///
/// @par Usage
/// @code
///   rollgate::mismatch_report report;
///   // Noise: two runs of the OLD path on the same request (primary vs secondary).
///   report.add_noise(rollgate::diff_json(primary, secondary, options));
///   // Candidate: the old path vs the new one (primary vs candidate).
///   report.add_comparison(rollgate::diff_json(primary, candidate, options));
///   for (const auto& v : report.judge())
///     if (v.real) std::cout << v.field << " regressed\n";
///   std::string wire = report.to_json();               // ship it; a dashboard merges them:
///   auto total = rollgate::mismatch_report::from_json(wire);
///   total.merge(other_worker_report);
/// @endcode
///
/// @par Model (normative text: docs/diff.md, "Noise learning")
/// Each comparison counts at most once per field (a JSON Pointer with array indices replaced by
/// "*"). For field f: rate = differed / comparisons, noise_rate = noise_differed /
/// noise_comparisons. f is a real regression when ALL hold: differed >= min_differences,
/// rate > noise_rate, (rate - noise_rate) / (rate + noise_rate) > relative,
/// rate - noise_rate > absolute, and the one-sided Fisher exact test of "candidate differs
/// more often than noise" gives p < significance. This is Diffy's relative/absolute filter
/// (twitter/diffy JoinedDifferences) on rates, plus a significance test.
///
/// @par Merging
/// merge(a, b) gives exactly the report that one worker fed both streams would hold, in any
/// order: counts add, the kept fields are the max_paths smallest (byte order) and the others'
/// counts go to "other", and the kept examples per field are the max_examples with the smallest
/// XXH3-64 of their text. Reports merge only with equal limits.
///
/// @par Errors as values
/// Each function that rejects its input has a try_ form that returns the problem(s) it would
/// throw (same codes, pointers and messages) and leaves the report unchanged when it fails. The
/// throwing forms are thin wrappers (core/src/mismatch_report_throwing.cpp) that a build without
/// exceptions (the wasm32-wasi Fastly service) leaves out, with judge() and its statistics
/// (core/src/mismatch_report_judge.cpp), which that build does not need.
#ifndef ROLLGATE_MISMATCH_REPORT_HPP
#define ROLLGATE_MISMATCH_REPORT_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/diff.hpp"   // rollgate::diff_result
#include "rollgate/error.hpp"  // rollgate::problem

namespace rollgate {

/// @brief Size bounds of a report. Defaults: 1000 fields, 3 examples of 200 bytes each.
struct report_limits {
  std::size_t max_paths = 1000;  ///< distinct fields kept (1..100000); the rest go to "other"
  std::size_t max_examples = 3;  ///< examples kept per field (0..100)
  std::size_t max_example_length = 200;  ///< bytes of each old/new text (16..65536), then "..."
};

/// @brief When a field's differences count as real (fractions, not percent).
/// Defaults: relative 0.2 and absolute 0.0003 are Diffy's 20% and 0.03%; significance 0.01;
/// min_differences 2 (one odd request is never a regression).
struct noise_thresholds {
  double relative = 0.2;
  double absolute = 0.0003;
  double significance = 0.01;
  std::uint64_t min_differences = 2;
};

/// @brief One kept example of a difference (candidate stream only).
struct mismatch_example {
  std::string
      old_value;  ///< JSON text of the old value ("" when absent), possibly truncated + "..."
  std::string
      new_value;  ///< JSON text of the new value ("" when absent), possibly truncated + "..."
};

/// @brief The counts of one field.
struct field_counts {
  std::uint64_t differed = 0;              ///< candidate comparisons in which this field differed
  std::uint64_t noise_differed = 0;        ///< noise comparisons in which this field differed
  std::vector<mismatch_example> examples;  ///< at most max_examples, ordered by their hash
};

/// @brief The judgement of one field.
struct field_verdict {
  std::string field;
  std::uint64_t comparisons = 0, differed = 0, noise_comparisons = 0, noise_differed = 0;
  double rate = 0,
         noise_rate =
             0;  ///< differed / comparisons, noise_differed / noise_comparisons (0 when no data)
  double relative = 0;  ///< (rate - noise_rate) / (rate + noise_rate), 0 when both are 0
  double absolute = 0;  ///< rate - noise_rate
  double p_value =
      1;  ///< one-sided Fisher exact test; 0 when there is no noise data and differed > 0
  bool real = false;  ///< all thresholds passed: report it as a regression
};

/// @brief Timings and failures recorded by rollgate::experiment (see experiment.hpp).
struct experiment_counts {
  std::uint64_t runs = 0;                  ///< experiments in which the candidate ran
  std::uint64_t candidate_exceptions = 0;  ///< candidate threw (its result was not compared)
  std::uint64_t slow = 0;                  ///< candidate took longer than its time budget
  std::uint64_t control_ns = 0;            ///< total control time of those runs, nanoseconds
  std::uint64_t candidate_ns = 0;          ///< total candidate time, nanoseconds
};

/// @brief A mergeable, bounded aggregate of comparisons. Not thread-safe: one per worker/thread.
class mismatch_report {
 public:
  /// @brief An empty report with the default limits.
  mismatch_report();
  /// @brief An empty report.
  /// @throws rollgate::error rollgate.diff.703 when a limit is out of its range
  explicit mismatch_report(report_limits limits);
  /// @brief The constructor without exceptions.
  /// @return no problem, and `out` replaced by an empty report; or one rollgate.diff.703 per limit
  ///   out of its range, `out` unchanged
  static std::vector<problem> try_create(report_limits limits, mismatch_report& out);

  /// @brief Records one primary-vs-candidate comparison.
  /// A result with omitted differences also counts in truncated_comparisons() (its unlisted
  /// fields are unknown).
  void add_comparison(const diff_result& primary_vs_candidate);
  /// @brief Records one primary-vs-secondary comparison (two runs of the old path): noise.
  void add_noise(const diff_result& primary_vs_secondary);
  /// @brief Records a comparison decided elsewhere (a predicate said equal or not): a
  ///        difference counts on the whole result, field "".
  void add_verdict(bool equal, bool noise = false);
  /// @brief One dark-launch sample of HTTP responses, diffed and recorded in one call:
  ///        served vs shadow (a candidate comparison) and, when `secondary` is given (a second
  ///        request to the served origin), served vs secondary (noise). Paths are diff_responses'.
  /// @return the served-vs-shadow differences
  /// @throws rollgate::error rollgate.diff.703..705 for invalid options (bodies never throw)
  diff_result add_responses(const response& served, const response& shadow,
                            const response* secondary, const diff_options& options = {});
  /// @brief add_responses without exceptions.
  /// @return every problem it would throw (nothing recorded then); when there is none, the
  ///   served-vs-shadow differences are in `*candidate` (when given)
  std::vector<problem> try_add_responses(const response& served, const response& shadow,
                                         const response* secondary, const diff_options& options,
                                         diff_result* candidate = nullptr);
  /// @brief Records one experiment run's timing; candidate_threw runs count no comparison.
  void add_run(std::uint64_t control_ns, std::uint64_t candidate_ns, bool candidate_threw,
               bool slow);

  /// @brief Adds `other`'s counts, as if this report had seen both streams.
  /// @throws rollgate::error rollgate.diff.712 when the limits differ
  void merge(const mismatch_report& other);
  /// @brief merge without exceptions: the problem it would throw, or nullopt when merged.
  std::optional<problem> try_merge(const mismatch_report& other);

  /// @brief Every kept field's verdict, in byte order of the field (as JSON: verdicts_to_json).
  /// @throws rollgate::error rollgate.diff.703 for thresholds out of range (relative and
  ///         absolute in [0, 1), significance in (0, 1])
  std::vector<field_verdict> judge(const noise_thresholds& thresholds = {}) const;
  /// @brief judge without exceptions: every problem it would throw; when there is none, the
  ///   verdicts are in `out`.
  std::vector<problem> try_judge(const noise_thresholds& thresholds,
                                 std::vector<field_verdict>& out) const;

  /// @brief The report as JSON text (format "rollgate.mismatch_report", version 1; docs/diff.md).
  ///        Keys are camelCase like every rollgate format ("noiseComparisons", "limits":
  ///        {"maxPaths", ...}); the struct members above keep their C++ snake_case names.
  std::string to_json() const;
  /// @brief Reads and validates a report written by to_json (every problem listed).
  /// @throws rollgate::error rollgate.json.101..103, rollgate.diff.701 (unknown member),
  ///         .702 (wrong type), .703 (value out of range), .704 (bad field path),
  ///         .705 (missing member), .710 (not a version 1 report), .711 (inconsistent counts)
  static mismatch_report from_json(std::string_view json_text);
  /// @brief from_json without exceptions: every problem it would throw; when there is none, the
  ///   report is in `out`.
  static std::vector<problem> try_from_json(std::string_view json_text, mismatch_report& out);

  const report_limits& limits() const noexcept { return limits_; }
  std::uint64_t comparisons() const noexcept { return comparisons_; }
  std::uint64_t noise_comparisons() const noexcept { return noise_comparisons_; }
  /// @brief Comparisons whose diff_result had omitted differences.
  std::uint64_t truncated_comparisons() const noexcept { return truncated_; }
  /// @brief Kept fields and their counts.
  const std::map<std::string, field_counts>& fields() const noexcept { return fields_; }
  /// @brief Sum of differed (and noise_differed) over fields beyond max_paths.
  std::uint64_t other_differed() const noexcept { return other_differed_; }
  std::uint64_t other_noise_differed() const noexcept { return other_noise_differed_; }
  const experiment_counts& experiments() const noexcept { return experiments_; }

 private:
  void count(const diff_result& r, bool noise);
  field_counts* slot(const std::string& field, std::uint64_t differed,
                     std::uint64_t noise_differed);
  void add_example(field_counts& f, mismatch_example e);

  report_limits limits_;
  std::uint64_t comparisons_ = 0;
  std::uint64_t noise_comparisons_ = 0;
  std::uint64_t truncated_ = 0;
  std::map<std::string, field_counts> fields_;
  std::uint64_t other_differed_ = 0;
  std::uint64_t other_noise_differed_ = 0;
  experiment_counts experiments_;
};

/// @brief Verdicts as a JSON array: [{"field", "comparisons", "differed", "noiseComparisons",
///        "noiseDiffered", "rate", "noiseRate", "relative", "absolute", "pValue", "real"}].
std::string verdicts_to_json(const std::vector<field_verdict>& verdicts);

}  // namespace rollgate

#endif  // ROLLGATE_MISMATCH_REPORT_HPP
