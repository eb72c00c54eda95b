// Internal to the canary judge (core/src/canary/): how numbers read in the judge's reasons.
#ifndef ROLLGATE_CANARY_TEXT_HPP
#define ROLLGATE_CANARY_TEXT_HPP

#include <limits>  // std::numeric_limits
#include <string>  // std::string

namespace rollgate::detail::canary {

/// A number the judge could not compute: "n/a" in reasons, null in JSON.
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A count as an integer ("20000", not "2e+04"), anything else with 4 significant digits.
std::string num(double v);

/// A rate as a percentage with 3 significant digits ("1.25%").
std::string pct(double v);

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_TEXT_HPP
