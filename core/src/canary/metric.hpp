// Internal to the canary judge: the checks of one metric (shift, tail quantiles, rate, absolute
// gates) and their combination into the metric's classification.
#ifndef ROLLGATE_CANARY_METRIC_HPP
#define ROLLGATE_CANARY_METRIC_HPP

#include "canary/arm.hpp"            // arm
#include "detail/canary_config.hpp"  // canary_config, metric_spec
#include "rollgate/canary.hpp"       // metric_result

namespace rollgate::detail::canary {

/// Judges metric `m` on the two arms' data (nullptr: the arm sent none for it). Never throws for
/// data a test refuses: that check becomes NoData with the reason.
metric_result evaluate_metric(const metric_spec& m, const canary_config& cfg, const arm* base,
                              const arm* can);

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_METRIC_HPP
