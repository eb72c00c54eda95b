// Helpers shared by the stats_*_test.cpp files: reading tests/vectors/stats.json and comparing
// floating-point results with the tolerance the library promises (docs/statistics.md).
#ifndef ROLLGATE_TESTS_STATS_SUPPORT_HPP
#define ROLLGATE_TESTS_STATS_SUPPORT_HPP

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "rollgate/error.hpp"
#include "test_support.hpp"

namespace rollgate::test {

/// tests/vectors/stats.json is made by tests/vectors/gen/gen_stats.py from scipy 1.10 / numpy /
/// statsmodels (regenerate: /usr/bin/python3 tests/vectors/gen/gen_stats.py >
/// tests/vectors/stats.json). A red test here means rollgate no longer agrees with the reference
/// a user would check against.
inline const nlohmann::json& stats_vectors() {
  static const nlohmann::json doc = load_vectors("stats.json");
  return doc;
}

/// JSON number, null (NaN) or "inf"/"-inf" to double.
inline double num(const nlohmann::json& v) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (v.is_string())
    return v.get<std::string>() == "inf" ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
  return v.get<double>();
}

inline std::vector<double> nums(const nlohmann::json& a) {
  std::vector<double> out;
  for (const auto& v : a) out.push_back(num(v));
  return out;
}

/// Relative agreement to `rel`; both NaN agree; an expected 0 needs |actual| <= abs_floor.
inline ::testing::AssertionResult close(double actual, double expected, double rel = 1e-9,
                                        double abs_floor = 1e-300) {
  if (std::isnan(expected) && std::isnan(actual)) return ::testing::AssertionSuccess();
  if (std::isinf(expected) && actual == expected) return ::testing::AssertionSuccess();
  const double diff = std::fabs(actual - expected);
  if (expected == 0 ? diff <= abs_floor : diff <= rel * std::fabs(expected))
    return ::testing::AssertionSuccess();
  char buf[160];
  std::snprintf(buf, sizeof buf, "actual %.17g, expected %.17g, relative error %.3g", actual,
                expected, expected == 0 ? diff : diff / std::fabs(expected));
  return ::testing::AssertionFailure() << buf;
}

/// Runs f and returns what() of the rollgate::error it throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const rollgate::error& e) {
    return e.what();
  }
  return "";
}

}  // namespace rollgate::test

#endif  // ROLLGATE_TESTS_STATS_SUPPORT_HPP
