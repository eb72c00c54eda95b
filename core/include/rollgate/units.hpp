// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file units.hpp
/// @brief Unit-level summaries of one arm in one window: which units (users) were exposed, and per
///        unit how many events of each tracked name they sent and the sum of their values. A
///        rollout randomises units, not requests, so conversion is the share of exposed units with
///        at least one event and value is per exposed unit (0 for units without the event).
///
/// @par Usage
/// @code
///   rollgate::unit_summary s;                     // per arm, per window, per isolate
///   s.expose("user-42");                          // served (exposed) in this window
///   s.record("user-42", "purchase", 31.5);        // an event of an exposed unit
///   coordinator.merge(rollgate::unit_summary::from_json(s.to_json()));  // across isolates
///   // the judge reads the JSON as a metric's data: {"metrics": {"conversion": <summary JSON>}}
/// @endcode
///
/// Memory is bounded whatever the traffic (docs/canary.md, "Unit-level metrics"): records are
/// exact up to max_units units; past it the summary keeps a consistent hash sample of units (the
/// units whose sampling hash has its top `level` bits zero: each step halves the share kept), so
/// what stays is a uniform random sample of the arm's units and every share and per-unit mean
/// computed on it is unbiased; only the sample, and so the power, is smaller. Merging is a union
/// at the coarser of the two levels, so the result does not depend on the order of merges.
#ifndef ROLLGATE_UNITS_HPP
#define ROLLGATE_UNITS_HPP

#include <cstddef>        // std::size_t
#include <cstdint>        // std::uint8_t, std::uint32_t, std::uint64_t
#include <string>         // std::string
#include <string_view>    // std::string_view
#include <unordered_map>  // std::unordered_map
#include <vector>         // std::vector

namespace rollgate {

/// @brief The per-unit view of one event name, what the judge compares.
struct unit_metric {
  std::uint64_t exposed = 0;    ///< exposed units kept (the sample size)
  std::uint64_t converted = 0;  ///< of them, units with at least one event of the name
  /// Per-unit values of the converted units (the sum of the unit's event values, or its event
  /// count for events without values), in no particular order; every other exposed unit is 0.
  std::vector<double> values;
  double sampling_rate = 1;  ///< share of the arm's units kept, 2^-level
};

/// @brief Mean and variance of per-unit values over exposed units, with each unit's value capped
///        at `cap` (winsorised); units without the event are 0.
struct unit_moments {
  double count = 0;  ///< exposed units
  double mean = 0;
  double variance = 0;  ///< sample variance (n - 1)
  double capped = 0;    ///< units whose value was lowered to the cap
};

/// @brief unit_moments of `m` with values capped at cap (cap < 0: no cap).
unit_moments moments_of(const unit_metric& m, double cap);

/// @brief The winsorising cap of docs/canary.md: the q-quantile (numpy 'linear') of the per-unit
///        values of converted units, pooled over both arms. A single unit (a bot, a bulk order)
///        then moves a mean by at most cap / n.
double value_cap(const unit_metric& a, const unit_metric& b, double q);

/// @brief A mergeable, bounded summary of one arm's units in one window.
class unit_summary {
 public:
  static constexpr std::size_t kMaxEvents = 16;               ///< event names per summary
  static constexpr std::size_t kDefaultMaxUnits = 100000;     ///< ~ 5 MB at worst, per arm
  static constexpr std::uint32_t kMaxCountPerUnit = 1000000;  ///< counts saturate there

  /// @param max_units at least 16; records beyond it are sampled (see the file comment)
  /// @throws rollgate::error [rollgate.metrics.002] max_units below 16 or above 10,000,000.
  explicit unit_summary(std::size_t max_units = kDefaultMaxUnits);

  /// @brief The unit was served in this window (idempotent).
  void expose(std::string_view unit);
  /// @brief Adds one event of an exposed unit (or one seen elsewhere: exposure merges in later).
  /// @param value finite; counts add one per event, values add `value`
  /// @return false (nothing recorded) when the value is not finite, or the name is new and
  ///         kMaxEvents names are already tracked, or the name is empty or over 64 bytes. A unit
  ///         outside the current sample is not an error: it returns true and is not stored.
  bool record(std::string_view unit, std::string_view event, double value = 1,
              bool has_value = false);

  /// @brief Adds another summary of the same arm and window (another isolate's).
  /// @throws rollgate::error [rollgate.metrics.002] when the union would track more than
  ///         kMaxEvents names (the other summary is then not merged at all).
  void merge(const unit_summary& other);

  /// @brief Exposed units kept, events of `event` per unit (see unit_metric).
  unit_metric metric(std::string_view event) const;

  std::size_t max_units() const noexcept { return max_units_; }
  std::uint32_t level() const noexcept { return level_; }
  double sampling_rate() const noexcept;
  std::size_t records() const noexcept { return units_.size(); }
  const std::vector<std::string>& events() const noexcept { return names_; }

  /// @brief Compact JSON: {"type":"rollgate.units","version":1,"maxUnits","level","events":
  ///        [names],"units":[[hash hex, exposed 0|1, [event index, count, value sum]...],...]}.
  std::string to_json() const;
  /// @throws rollgate::error [rollgate.json.1xx] unparsable; [rollgate.metrics.003] wrong shapes
  ///         (with JSON Pointers).
  static unit_summary from_json(std::string_view json_text);

  /// @brief The sampling hash of a unit (XXH3 with rollgate's units seed: independent of the
  ///        bucketing hash, so a sample is not skewed towards one arm's buckets).
  static std::uint64_t unit_hash(std::string_view unit) noexcept;

  /// @internal A unit's record, exposed for merging and serialisation.
  struct tally {
    std::uint8_t event = 0;
    std::uint32_t count = 0;
    double sum = 0;
  };
  struct record_t {
    bool exposed = false;
    std::vector<tally> tallies;
  };
  /// @internal Adds a record by hash (from_json, merge).
  void add_record(std::uint64_t hash, const record_t& r, const std::vector<std::uint8_t>& remap);
  /// @internal Sets the sampling level and the event names of an empty summary (from_json);
  ///           returns the index of each name.
  std::vector<std::uint8_t> restore(std::uint32_t level, const std::vector<std::string>& names);
  /// @internal Applies the cap after records were added (from_json).
  void enforce_cap() { shrink(); }

 private:
  bool kept(std::uint64_t hash) const noexcept;
  void shrink();
  int event_index(std::string_view event);

  std::size_t max_units_;
  std::uint32_t level_ = 0;
  std::vector<std::string> names_;
  std::unordered_map<std::uint64_t, record_t> units_;
};

}  // namespace rollgate

#endif  // ROLLGATE_UNITS_HPP
