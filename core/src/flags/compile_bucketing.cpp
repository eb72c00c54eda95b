// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 4b: a flag's `bucketing` (kept assignments, issue 18):
//   {"scheme": "rollgate"}                                    the default (docs/bucketing.md)
//   {"scheme": "growthbook", "hashVersion": 1 | 2, "seed": s} GrowthBook's hash and ranges
//   {"scheme": "unleash", "groupId": g}                       Unleash's flexible rollout
// The seed and the groupId default to the flag's salt, which defaults to its key: GrowthBook's
// experiment seed and Unleash's groupId default to the feature key the same way. What a peer
// cannot express is refused here (rollgate.config.223), so evaluation never meets it.
#include "detail/peer_hash.hpp"  // growthbook_bucket_ranges
#include "flags/builder.hpp"

namespace rollgate {
namespace detail {
namespace {

// kScale units as the percentage a config writes ("33.333", "50").
std::string percent_text(std::uint32_t units) {
  std::string text = std::to_string(units / 1000);
  const std::uint32_t frac = units % 1000;
  if (frac != 0) {
    std::string digits = std::to_string(1000 + frac).substr(1);
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

}  // namespace

void builder::build_bucketing(const json& value, const std::string& ptr, const std::string& salt,
                              flag& f) {
  if (!object(value, ptr, {"scheme", "hashVersion", "seed", "groupId"})) return;
  const auto scheme = string_member(value, ptr, "scheme", true);
  if (!scheme) return;
  const auto only = [&](const char* name, const char* for_scheme) {
    if (value.contains(name))
      add("rollgate.config.223", pointer_append(ptr, name),
          std::string("'") + name + "' belongs to the " + for_scheme + " scheme, not '" + *scheme +
              "'");
  };
  f.scheme_seed = salt;
  if (*scheme == "rollgate") {
    only("hashVersion", "growthbook");
    only("seed", "growthbook");
    only("groupId", "unleash");
  } else if (*scheme == "growthbook") {
    f.scheme = bucket_scheme::growthbook;
    only("groupId", "unleash");
    if (const json* v = member(value, "hashVersion")) {
      if (!v->is_number_integer() || (*v != 1 && *v != 2)) {
        add("rollgate.config.223", pointer_append(ptr, "hashVersion"),
            "GrowthBook's hashVersion is 1 or 2, got " + v->dump());
      } else {
        f.hash_version = v->get<int>();
      }
    }
    if (auto seed = string_member(value, ptr, "seed", false, false)) f.scheme_seed = *seed;
  } else if (*scheme == "unleash") {
    f.scheme = bucket_scheme::unleash;
    only("hashVersion", "growthbook");
    only("seed", "growthbook");
    if (auto group = string_member(value, ptr, "groupId", false, false)) f.scheme_seed = *group;
  } else {
    add("rollgate.config.223", pointer_append(ptr, "scheme"),
        "unknown bucketing scheme '" + *scheme + "' (rollgate, growthbook or unleash)");
  }
}

bool builder::build_peer_rollout(const std::string& ptr, const flag& f, rollout& r) {
  if (f.scheme == bucket_scheme::growthbook) {
    std::vector<double> weights;
    for (const std::uint32_t w : r.weights) weights.push_back(static_cast<double>(w) / kScale);
    std::vector<std::uint32_t> coverages{r.coverage};
    if (!r.ramp.empty()) {
      coverages.assign(1, 0);  // before the first step
      for (const auto& step : r.ramp) coverages.push_back(step.second);
    }
    for (const std::uint32_t c : coverages) {
      peer_ranges at;
      at.coverage = c;
      at.ranges =
          growthbook_bucket_ranges(weights.size(), static_cast<double>(c) / kScale, &weights);
      r.growthbook.push_back(std::move(at));
    }
    return true;
  }
  // Unleash weighs variants in integers that sum to 1000 (tenths of a percent): a weight with
  // more precision would be rounded, and would move units between variants.
  bool ok = true;
  for (std::size_t i = 0; i < r.weights.size(); ++i) {
    if (r.weights[i] % (kScale / 1000) != 0) {
      add("rollgate.config.223",
          pointer_append(pointer_append(pointer_append(ptr, "weights"), i), "weight"),
          "the unleash scheme weighs variants in tenths of a percent; " +
              percent_text(r.weights[i]) + " has more decimals");
      ok = false;
    }
    r.unleash_weights.push_back(r.weights[i] / (kScale / 1000));
  }
  return ok;
}

}  // namespace detail
}  // namespace rollgate
