// The canary judge of canary.hpp: judge every metric (metric.cpp), then score by groups and
// decide PASS / HOLD / ROLLBACK. See docs/canary.md for the rules and where they differ from
// Kayenta.
#include <algorithm>  // std::max
#include <cmath>      // std::isnan
#include <map>        // std::map
#include <string>     // std::string
#include <utility>    // std::pair, std::move
#include <vector>     // std::vector

#include "canary/arm.hpp"
#include "canary/metric.hpp"
#include "canary/text.hpp"
#include "detail/canary_config.hpp"
#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"

namespace rollgate {

using detail::canary::kNaN;
using detail::canary::num;

const char* to_string(classification c) noexcept {
  switch (c) {
    case classification::pass:
      return "Pass";
    case classification::high:
      return "High";
    case classification::low:
      return "Low";
    default:
      return "NoData";
  }
}

const char* to_string(decision d) noexcept {
  switch (d) {
    case decision::pass:
      return "PASS";
    case decision::rollback:
      return "ROLLBACK";
    default:
      return "HOLD";
  }
}

void validate_canary_config(std::string_view canary_config_json) {
  (void)detail::load_canary_config(detail::parse_input(canary_config_json, "canary config"));
}

analysis judge(std::string_view canary_config_json, std::string_view baseline_json,
               std::string_view canary_json) {
  const detail::canary_config cfg =
      detail::load_canary_config(detail::parse_input(canary_config_json, "canary config"));
  std::vector<problem> bad;
  auto base = detail::canary::parse_data(baseline_json, "baseline", bad);
  auto can = detail::canary::parse_data(canary_json, "canary", bad);
  if (!bad.empty()) throw error(std::move(bad));

  analysis out;
  for (const auto& m : cfg.metrics) {
    auto bi = base.find(m.name);
    auto ci = can.find(m.name);
    out.metrics.push_back(detail::canary::evaluate_metric(
        m, cfg, bi == base.end() ? nullptr : &bi->second, ci == can.end() ? nullptr : &ci->second));
  }

  // ---- groups and score
  std::vector<std::string> order;
  std::map<std::string, std::pair<double, double>> sums;  // group -> (passing, classified)
  for (const auto& r : out.metrics) {
    if (!sums.count(r.group)) order.push_back(r.group);
    auto& s = sums[r.group];
    if (r.outcome == classification::no_data) continue;
    s.second += r.weight;
    if (r.outcome == classification::pass) s.first += r.weight;
  }
  double configured = 0;
  std::size_t unlisted = 0;
  std::map<std::string, double> weights;
  for (const auto& [g, w] : cfg.group_weights) weights[g] = w;
  for (const auto& g : order) {
    if (weights.count(g)) {
      configured += weights[g];
    } else {
      ++unlisted;
    }
  }
  const double rest =
      unlisted ? std::max(0.0, 100 - configured) / static_cast<double>(unlisted) : 0;
  double wsum = 0, ssum = 0;
  for (const auto& g : order) {
    group_score gs{g, weights.count(g) ? weights[g] : rest, kNaN};
    const auto& s = sums[g];
    if (s.second > 0) {
      gs.score = 100 * s.first / s.second;
      wsum += gs.weight;
      ssum += gs.weight * gs.score;
    }
    out.groups.push_back(gs);
  }
  out.score = wsum > 0 ? ssum / wsum : kNaN;

  // ---- decision
  std::vector<std::string> blocking;  // NoData that keeps us from PASS
  std::size_t failing = 0;
  for (const auto& r : out.metrics) {
    const bool fail = r.outcome == classification::high || r.outcome == classification::low;
    failing += fail;
    if (fail && r.critical) out.critical_failures.push_back(r.name);
    if (r.outcome == classification::no_data && r.must_have_data) blocking.push_back(r.name);
  }
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
    return s;
  };
  if (!out.critical_failures.empty()) {
    out.verdict = decision::rollback;
    out.reasons.push_back("critical metric failed: " + names(out.critical_failures));
  } else if (std::isnan(out.score)) {
    out.verdict = decision::hold;
    out.reasons.push_back("no metric had enough data to score: " + names(blocking));
  } else if (failing == 0 && blocking.empty() && out.score >= cfg.pass_threshold) {
    out.verdict = decision::pass;
    out.reasons.push_back("all metrics passed (score " + num(out.score) + ")");
  } else if (out.score < cfg.marginal_threshold) {
    out.verdict = decision::rollback;
    out.reasons.push_back("score " + num(out.score) + " is below the marginal threshold " +
                          num(cfg.marginal_threshold));
  } else {
    out.verdict = decision::hold;
    if (failing > 0) {
      out.reasons.push_back(std::to_string(failing) + " metric(s) failed; score " + num(out.score) +
                            " is between the thresholds " + num(cfg.marginal_threshold) + " and " +
                            num(cfg.pass_threshold));
    }
    if (!blocking.empty()) out.reasons.push_back("need more data for: " + names(blocking));
    if (out.reasons.empty()) {
      out.reasons.push_back("score " + num(out.score) + " is below the pass threshold " +
                            num(cfg.pass_threshold));
    }
  }
  return out;
}

}  // namespace rollgate
