// Internal: the parsed canary config, shared by the judge (canary/) and by rollout plans
// (rollout.cpp), whose stages carry canary configs inline or name metrics of the plan's config.
#ifndef ROLLGATE_DETAIL_CANARY_CONFIG_HPP
#define ROLLGATE_DETAIL_CANARY_CONFIG_HPP

#include <string>  // std::string
#include <vector>  // std::vector

#include <nlohmann/json.hpp>  // nlohmann::json

#include "rollgate/error.hpp"  // rollgate::problem

namespace rollgate::detail {

enum class metric_kind { continuous, rate };
enum class bad_direction { increase, decrease, either };
enum class metric_test { automatic, mann_whitney, welch, fisher, proportions, sequential };
enum class nan_strategy { fail, remove };

struct gate_spec {
  std::string stat;  ///< "mean", "rate", "p50", "p99", "p99.9", ...
  double q = -1;     ///< quantile for pNN stats, else -1
  bool has_max = false, has_min = false;
  double max = 0, min = 0;
};

struct metric_spec {
  std::string name;
  metric_kind kind = metric_kind::continuous;
  bad_direction direction = bad_direction::increase;
  double allowed_relative = 0, allowed_absolute = 0;
  bool critical = false;
  bool must_have_data = true;
  bool compare = true;
  std::string group;
  double weight = 1;
  metric_test test = metric_test::automatic;
  std::vector<double> quantiles;
  std::vector<gate_spec> gates;
  double min_samples = 20;      ///< per arm (continuous samples, rate trials)
  double min_events = 10;       ///< rates: events in both arms together before "too few events"
  double min_tail_samples = 5;  ///< quantile checks/gates need n * (1 - q) >= this
  nan_strategy nan = nan_strategy::fail;
  std::string event;           ///< unit summaries: the event counted (default: the metric name)
  double cap_quantile = 0.99;  ///< unit summaries: per-unit values winsorised at this quantile
};

struct canary_config {
  double alpha = 0.05;
  double power = 0.8;  ///< a Pass needs this power to detect the allowed change (0: no check)
  double pass_threshold = 100;
  double marginal_threshold = 75;
  std::vector<std::pair<std::string, double>> group_weights;
  std::vector<metric_spec> metrics;
};

/// detail::parse_json, plus a catch-all that turns any other nlohmann exception into
/// rollgate.json.101 (parse_json now does this itself for number overflow; kept so that the judge
/// and plans never leak a non-rollgate exception whatever the JSON library raises).
nlohmann::json parse_input(std::string_view text, std::string_view what);

/// Parses a config already turned into JSON; appends every problem (pointers under `base`).
canary_config parse_canary_config(const nlohmann::json& doc, const std::string& base,
                                  std::vector<problem>& problems);

/// Parses and throws every problem (rollgate.canary.5xx).
canary_config load_canary_config(const nlohmann::json& doc);

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_CANARY_CONFIG_HPP
