// Unit summaries as judge data (units_compare.hpp; docs/canary.md, "Unit-level metrics").
#include "canary/units_compare.hpp"

#include <utility>  // std::pair

#include "rollgate/units.hpp"

namespace rollgate::detail::canary {

std::string units_to_arms(const metric_spec& m, arm& b, arm& c) {
  const bool bu = b.kind == form::units, cu = c.kind == form::units;
  if (!bu && !cu) return "";
  if (bu != cu && b.kind != form::missing && c.kind != form::missing) {
    return "one arm sent a unit summary and the other did not: they cannot be compared";
  }
  const std::string& event = m.event.empty() ? m.name : m.event;
  unit_metric mb, mc;
  if (bu) mb = b.units.front().metric(event);
  if (cu) mc = c.units.front().metric(event);
  const double cap = m.kind == metric_kind::continuous ? value_cap(mb, mc, m.cap_quantile) : -1;
  const std::pair<arm*, const unit_metric*> sides[] = {{&b, &mb}, {&c, &mc}};
  for (const auto& side : sides) {
    arm& a = *side.first;
    if (a.kind != form::units) continue;
    const unit_metric& um = *side.second;
    if (m.kind == metric_kind::rate) {
      a.kind = form::counts;
      a.events = static_cast<double>(um.converted);
      a.total = static_cast<double>(um.exposed);
    } else {
      const unit_moments mo = moments_of(um, cap);
      a.kind = form::moments;
      a.moments = {mo.count, mo.mean, mo.variance};
      a.capped = mo.capped;
    }
  }
  return "";
}

}  // namespace rollgate::detail::canary
