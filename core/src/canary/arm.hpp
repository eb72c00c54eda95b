// Internal to the canary judge: the data of one arm (baseline or canary) for one metric, as
// read from the judge's JSON input (samples, a sketch, or counts).
#ifndef ROLLGATE_CANARY_ARM_HPP
#define ROLLGATE_CANARY_ARM_HPP

#include <cstddef>      // std::size_t
#include <map>          // std::map
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "rollgate/error.hpp"   // rollgate::problem
#include "rollgate/sketch.hpp"  // rollgate::quantile_sketch
#include "rollgate/stats.hpp"   // rollgate::stats::sample_summary
#include "rollgate/units.hpp"   // rollgate::unit_summary

namespace rollgate::detail::canary {

/// units: a unit summary (units.hpp), turned into counts (rates) or moments (continuous) once both
/// arms are read, since the winsorising cap pools them (units_compare.cpp).
enum class form { missing, samples, sketch, counts, units, moments };

struct arm {
  form kind = form::missing;
  std::vector<double> values;  // samples, NaN dropped
  std::size_t nan_count = 0;
  // sketch: the sketch and its buckets as (representative value, count), ascending
  std::vector<quantile_sketch> sketch;  // 0 or 1 element (quantile_sketch has no default state)
  std::vector<std::pair<double, double>> bins;
  double events = 0, total = 0;
  std::vector<unit_summary> units;  // 0 or 1 element
  stats::sample_summary moments{};  // form::moments: per-unit values over exposed units
  double capped = 0;                // form::moments: units winsorised
  double n() const {
    if (kind == form::moments) return moments.count;
    if (kind == form::samples) return static_cast<double>(values.size());
    if (kind == form::sketch) return static_cast<double>(sketch.front().count());
    if (kind == form::counts) return total;
    return 0;
  }
};

/// A sketch's buckets as (representative value, count), ascending: the tie groups of the binned
/// Mann-Whitney and Hodges-Lehmann computations.
inline std::vector<std::pair<double, double>> bins_of(const quantile_sketch& sketch) {
  std::vector<std::pair<double, double>> out;
  for (const auto& b : sketch.buckets()) out.emplace_back(b.value, static_cast<double>(b.count));
  return out;
}

/// Reads one arm's data document ({"metrics": {name: data}}, named `what` in pointers and
/// messages), appending every problem (rollgate.canary.510, .511, .512) to `out`.
/// @throws rollgate::error rollgate.json.1xx when the text is not JSON
std::map<std::string, arm> parse_data(std::string_view text, const char* what,
                                      std::vector<problem>& out);

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_ARM_HPP
