// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 4: what a rule or the fallthrough serves (a variation or a
// rollout with weights, coverage or a ramp) and the layers that share traffic between flags.
// Every percentage goes through builder::percent (percent_to_scale's rule).
#include <unordered_set>  // duplicate layer keys
#include <utility>        // std::move

#include "flags/builder.hpp"

namespace rollgate {
namespace detail {

bool builder::build_serve(const json& value, const std::string& ptr, const flag& f, serve& s) {
  if (!object(value, ptr, {"variation", "rollout"})) return false;
  const json* var = member(value, "variation");
  const json* roll = member(value, "rollout");
  if ((var == nullptr) == (roll == nullptr)) {
    add("rollgate.config.201", ptr, "expected exactly one of 'variation' or 'rollout'");
    return false;
  }
  if (var != nullptr) {
    const auto vi = variation_ref(*var, pointer_append(ptr, "variation"), f);
    if (vi) s.variation = *vi;
    return vi.has_value();
  }
  s.is_rollout = true;
  return build_rollout(*roll, pointer_append(ptr, "rollout"), f, s.split);
}

bool builder::build_rollout(const json& value, const std::string& ptr, const flag& f, rollout& r) {
  if (!object(value, ptr, {"weights", "coverage", "ramp"})) return false;
  bool ok = build_weights(value, ptr, f, r);
  const json* coverage = member(value, "coverage");
  const json* ramp = member(value, "ramp");
  if (coverage != nullptr && ramp != nullptr) {
    add("rollgate.config.215", ptr, "a rollout has either 'coverage' or 'ramp', not both");
    ok = false;
  } else if (coverage != nullptr) {
    const auto c = percent(*coverage, pointer_append(ptr, "coverage"));
    if (c)
      r.coverage = *c;
    else
      ok = false;
  } else if (ramp != nullptr) {
    if (!build_ramp(*ramp, pointer_append(ptr, "ramp"), r)) ok = false;
  }
  if (ok && f.scheme != bucket_scheme::rollgate) ok = build_peer_rollout(ptr, f, r);
  return ok;
}

// Weights: every variation at most once, each a percentage, together exactly 100%.
bool builder::build_weights(const json& value, const std::string& ptr, const flag& f, rollout& r) {
  bool ok = true;
  const json* weights = array_member(value, ptr, "weights", true);
  const std::string wptr = pointer_append(ptr, "weights");
  if (weights != nullptr) {
    if (weights->empty()) {
      add("rollgate.config.210", wptr, "must not be empty");
      ok = false;
    }
    std::uint64_t sum = 0;
    bool all_read = true;
    std::vector<bool> seen;
    for (std::size_t i = 0; i < weights->size(); ++i) {
      const json& w = (*weights)[i];
      const std::string p = pointer_append(wptr, i);
      if (!object(w, p, {"variation", "weight"})) {
        all_read = false;
        continue;
      }
      const json* var = member(w, "variation");
      const json* weight = member(w, "weight");
      if (var == nullptr || weight == nullptr) {
        add("rollgate.config.201", p,
            var == nullptr ? "missing required member 'variation'"
                           : "missing required member 'weight'");
        all_read = false;
        continue;
      }
      const auto vi = variation_ref(*var, pointer_append(p, "variation"), f);
      const auto wi = percent(*weight, pointer_append(p, "weight"));
      if (!vi || !wi) {
        all_read = false;
        continue;
      }
      if (seen.size() < f.variation_keys.size()) seen.resize(f.variation_keys.size(), false);
      if (seen[*vi]) {
        add("rollgate.config.203", pointer_append(p, "variation"),
            "variation '" + f.variation_keys[*vi] + "' appears twice in the weights");
        all_read = false;
      }
      seen[*vi] = true;
      r.variations.push_back(*vi);
      r.weights.push_back(*wi);
      sum += *wi;
    }
    if (all_read && !weights->empty() && sum != kScale) {
      add("rollgate.config.204", wptr,
          "weights sum to " + std::to_string(sum) + ", expected " + std::to_string(kScale) +
              " (100%)");
      ok = false;
    }
    ok = ok && all_read;
  } else {
    ok = false;
  }
  return ok;
}

// Ramp steps: (time, coverage) in strictly increasing time order.
bool builder::build_ramp(const json& ramp, const std::string& ptr, rollout& r) {
  if (!ramp.is_array()) {
    add("rollgate.config.201", ptr, std::string("expected an array, got ") + json_type_name(ramp));
    return false;
  }
  if (ramp.empty()) {
    add("rollgate.config.215", ptr, "a ramp needs at least one step");
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < ramp.size(); ++i) {
    const json& step = ramp[i];
    const std::string sp = pointer_append(ptr, i);
    if (!object(step, sp, {"at", "coverage"})) {
      ok = false;
      continue;
    }
    const json* at = member(step, "at");
    const json* cov = member(step, "coverage");
    if (at == nullptr || cov == nullptr) {
      add("rollgate.config.201", sp,
          at == nullptr ? "missing required member 'at'" : "missing required member 'coverage'");
      ok = false;
      continue;
    }
    const auto t = time_value(*at, pointer_append(sp, "at"));
    const auto c = percent(*cov, pointer_append(sp, "coverage"));
    if (!t || !c) {
      ok = false;
      continue;
    }
    if (!r.ramp.empty() && *t <= r.ramp.back().first) {
      add("rollgate.config.215", pointer_append(sp, "at"),
          "ramp steps must be in strictly increasing time order");
      ok = false;
    }
    r.ramp.emplace_back(*t, *c);
  }
  return ok;
}

void builder::build_layers(const json& list, const std::string& ptr) {
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& value = list[i];
    const std::string lp = pointer_append(ptr, i);
    if (!object(value, lp, {"key", "description", "salt", "bucketBy", "allocations"})) continue;
    layer l;
    const auto key = string_member(value, lp, "key", true);
    if (key) {
      l.key = *key;
      if (!seen.insert(*key).second) {
        add("rollgate.config.203", pointer_append(lp, "key"), "duplicate layer key '" + *key + "'");
      }
    }
    const auto salt = string_member(value, lp, "salt", false);
    l.hasher = bucketer(salt ? std::string_view(*salt) : std::string_view(l.key));
    const auto unit = string_member(value, lp, "bucketBy", false);
    l.unit = intern(unit ? *unit : "targetingKey");
    const auto layer_index = static_cast<std::int32_t>(out.layers.size());
    out.layers.push_back(std::move(l));
    const json* allocs = array_member(value, lp, "allocations", true);
    if (allocs == nullptr) continue;
    const std::string ap = pointer_append(lp, "allocations");
    std::uint64_t start = 0;
    for (std::size_t j = 0; j < allocs->size(); ++j) {
      const json& a = (*allocs)[j];
      const std::string p = pointer_append(ap, j);
      if (!object(a, p, {"flag", "share"})) continue;
      const auto flag_key = string_member(a, p, "flag", true);
      const json* share = member(a, "share");
      if (share == nullptr) add("rollgate.config.201", p, "missing required member 'share'");
      const auto s = share != nullptr ? percent(*share, pointer_append(p, "share")) : std::nullopt;
      if (!flag_key || !s) continue;
      const auto fi = lookup(out.flag_keys, *flag_key);
      if (!fi) {
        add("rollgate.config.207", pointer_append(p, "flag"), "unknown flag '" + *flag_key + "'");
        continue;
      }
      flag& f = out.flags[*fi];
      if (f.layer >= 0) {
        add("rollgate.config.216", pointer_append(p, "flag"),
            "flag '" + *flag_key + "' already belongs to layer '" +
                out.layers[static_cast<std::size_t>(f.layer)].key + "'");
        continue;
      }
      if (start + *s > kScale) {
        add("rollgate.config.216", pointer_append(p, "share"),
            "the layer's shares add up to more than 100% (" + std::to_string(start + *s) + " of " +
                std::to_string(kScale) + ")");
        continue;
      }
      f.layer = layer_index;
      f.layer_begin = static_cast<std::uint32_t>(start);
      f.layer_end = static_cast<std::uint32_t>(start + *s);
      start += *s;
    }
  }
}

}  // namespace detail
}  // namespace rollgate
