// Internal to the statistics sources (core/src/stats/): the input checks every test applies
// before computing, and the guard that turns numerical failures into rollgate errors. Tests
// collect problems rather than throw the first, so that a caller sees every bad input at once.
#ifndef ROLLGATE_STATS_CHECKS_HPP
#define ROLLGATE_STATS_CHECKS_HPP

#include <cstddef>    // std::size_t
#include <cstdint>    // std::int64_t
#include <exception>  // std::exception
#include <string>     // std::string
#include <vector>     // std::vector

#include "rollgate/error.hpp"  // rollgate::error, rollgate::problem
#include "rollgate/stats.hpp"  // nan_policy, sample_summary

namespace rollgate::stats::detail {

constexpr std::size_t kMaxProblems = 10;  // enough to see a pattern, bounded message size

/// The shortest %g text of `v` that reads back as `v` (for messages).
std::string fmt(double v);

/// "/name" and "/name/i": the pointer of an argument, or of one of its values.
std::string ptr(const char* name);
std::string ptr(const char* name, std::size_t i);

/// Copies a sample, applying the NaN policy, collecting problems under "/name": NaN (402,
/// unless omitted), infinite (403: every test rejects infinities), fewer than `min_size` values
/// left (401).
std::vector<double> clean(const std::vector<double>& v, const char* name, nan_policy nan,
                          std::size_t min_size, std::vector<problem>& problems);

/// Throws every collected problem at once, if there is any.
void throw_if(std::vector<problem>& problems);

/// A count must be >= 0 (rollgate.stats.404).
void check_count(std::int64_t v, const char* name, std::vector<problem>& problems);

/// Successes out of trials: both counts, trials > 0, successes <= trials (rollgate.stats.405).
void check_successes(std::int64_t s, const char* sname, std::int64_t n, const char* nname,
                     std::vector<problem>& problems);

/// A sample summary: finite fields, at least `min_count` values, variance >= 0.
void check_summary(const sample_summary& s, const char* name, std::size_t min_count,
                   std::vector<problem>& problems);

/// Converts exceptions from Boost.Math (or std::bad_alloc) into rollgate::error.
template <class F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const rollgate::error&) {
    throw;
  } catch (const std::exception& e) {
    throw rollgate::error("rollgate.stats.415", "",
                          std::string(what) + ": numerical failure: " + e.what());
  }
}

}  // namespace rollgate::stats::detail

#endif  // ROLLGATE_STATS_CHECKS_HPP
