// Internal to the canary judge: "no PASS without power" (docs/canary.md, "Power"). A metric may
// pass only when its window could have detected the change it guards against (its allowed change)
// with the configured power; otherwise it is NoData with how much more data it needs.
#ifndef ROLLGATE_CANARY_POWER_HPP
#define ROLLGATE_CANARY_POWER_HPP

#include <string>  // std::string

namespace rollgate::detail::canary {

/// The design of one comparison: per-observation variances at the alternative and arm sizes.
struct power_design {
  double var_baseline = 0;  ///< variance of one baseline observation
  double var_canary = 0;    ///< variance of one canary observation (at the guarded change)
  double n_baseline = 0;
  double n_canary = 0;
  double effect = 0;  ///< the change to detect (> 0), in the metric's units
  double alpha = 0.05;
  double power = 0.8;
  bool sequential = false;  ///< the test is the always-valid mSPRT (wider, its own half-width)
  bool one_sided = false;   ///< a one-sided bound (rate gates)
};

struct power_result {
  bool enough = true;
  double detectable = 0;   ///< smallest change detected with `power` at the current sizes
  double need_canary = 0;  ///< canary observations needed (same arm ratio), total
  double need_baseline = 0;
};

/// The normal-approximation power rule: detectable(k) = crit(k) + z_power * se(k), where se(k) is
/// the standard error with both arms k times their size and crit(k) is the test's critical
/// half-width (z_{1-alpha/2} se, or the mSPRT confidence sequence's half-width); enough when
/// detectable(1) <= effect, and need = the smallest k with detectable(k) <= effect.
power_result check_power(const power_design& d);

/// "too little data to pass: ..." for a metric whose Pass lacks power; `unit` names what is
/// counted ("requests", "units", "samples").
std::string underpowered_reason(const power_result& r, const power_design& d, const char* unit);

}  // namespace rollgate::detail::canary

#endif  // ROLLGATE_CANARY_POWER_HPP
