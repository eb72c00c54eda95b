// Internal to the canary judge: unit summaries (units.hpp) as a metric's data. Conversion (a rate
// metric) is the share of exposed units with at least one event; value (a continuous metric) is
// the per-unit sum over exposed units, 0 without the event, winsorised at the pooled cap.
#ifndef ROLLGATE_CANARY_UNITS_COMPARE_HPP
#define ROLLGATE_CANARY_UNITS_COMPARE_HPP

#include <string>  // std::string

#include "canary/arm.hpp"
#include "detail/canary_config.hpp"

namespace rollgate::detail::canary {

/// Turns arms of form::units into counts (rate metrics) or moments (continuous ones), in place.
/// Returns "" or, when the arms cannot be compared (one arm is a unit summary and the other is
/// not), the NoData reason.
std::string units_to_arms(const metric_spec& m, arm& baseline, arm& canary);

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_UNITS_COMPARE_HPP
