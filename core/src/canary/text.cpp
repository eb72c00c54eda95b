// Numbers in the canary judge's reasons: see text.hpp.
#include "canary/text.hpp"

#include <cmath>   // std::isnan, std::floor, std::fabs
#include <cstdio>  // std::snprintf

namespace rollgate::detail::canary {

std::string num(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);  // counts read as counts, not 2e+04
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}
std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%%", v * 100);
  return buf;
}

}  // namespace rollgate::detail::canary
