// Which gated metrics a client can measure from its sources (rollout.hpp measurable_from): the
// one place that decides whether an edge with Server-Timing names and event names can run a plan.
#include <algorithm>  // std::find, std::sort, std::unique
#include <iterator>   // std::begin, std::end
#include <string>     // std::string
#include <vector>     // std::vector

#include "detail/canary_config.hpp"  // load_canary_config
#include "rollgate/rollout.hpp"
#include "rollout/common.hpp"

namespace rollgate {

std::vector<std::string> rollout_plan::measurable_from(const metric_sources& src) const {
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  std::vector<std::string> out;
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    if (!stages_[i].has_gates) continue;
    const auto cfg = detail::load_canary_config(nlohmann::json::parse(stage_configs_[i]));
    for (const auto& m : cfg.metrics) {
      const std::string& event = m.event.empty() ? m.name : m.event;
      const bool request_metric = std::find(std::begin(kRequestMetrics), std::end(kRequestMetrics),
                                            m.name) != std::end(kRequestMetrics);
      const bool ok = (src.requests && request_metric && m.event.empty()) ||
                      (m.kind == detail::metric_kind::continuous && m.event.empty() &&
                       has(src.server_timing, m.name)) ||
                      has(src.events, event);
      if (ok) out.push_back(m.name);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace rollgate
