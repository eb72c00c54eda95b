// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
#include "rollgate/serving_state.hpp"

#include <cmath>  // std::isfinite, std::floor

// nlohmann/json without exceptions in the Fastly service (JSON_NOEXCEPTION): parse() with
// allow_exceptions=false never throws, and every get<> below follows a type check.
#include <nlohmann/json.hpp>

#include "rollgate/bucket.hpp"  // kScale

namespace rollgate {

namespace {

using nlohmann::json;

// Member `key` of an object, or nullptr. Never operator[], which asserts on a missing key.
const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool finite_number(const json* v) {
  return v && v->is_number() && std::isfinite(v->get<double>());
}

bool non_empty_string(const json* v) {
  return v && v->is_string() && !v->get_ref<const std::string&>().empty();
}

// JavaScript's truthiness, which the coordinator's states were first read with: a missing member,
// null, false, 0 and "" are "not set".
bool truthy(const json* v) {
  if (!v || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number()) return v->get<double>() != 0;
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  return true;
}

// The dark launch's settings, read as worker.js uses them: `Math.random() < noiseRate` (so a
// missing or non-numeric rate means no noise requests), `methods.includes(method)` (strings
// only), `maxBodyBytes || ROLLGATE_MAX_DIFF_BYTES`, and the report's limits as the package's
// MismatchReport constructor takes them (absent: the default; else a non-negative integer).
shadow_settings read_shadow(const json& shadow, double rate, const json& methods) {
  shadow_settings c;
  c.sample_rate = rate;
  if (const json* noise = member(shadow, "noiseRate"); finite_number(noise)) {
    c.noise_rate = noise->get<double>();
  }
  for (const json& m : methods) {
    if (m.is_string()) c.methods.push_back(m.get<std::string>());
  }
  if (const json* diff = member(shadow, "diff"); diff && !diff->is_null()) {
    c.diff_options = diff->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (const json* limits = member(shadow, "report"); limits && limits->is_object()) {
    const auto limit = [&](const char* key, std::uint64_t& into) {
      const json* v = member(*limits, key);
      if (!v) return;
      if (!finite_number(v) || v->get<double>() < 0 ||
          v->get<double>() != std::floor(v->get<double>())) {
        c.limits_are_integers = false;
        return;
      }
      const double d = v->get<double>();
      into = d > 1e12 ? static_cast<std::uint64_t>(1e12) : static_cast<std::uint64_t>(d);
    };
    limit("maxPaths", c.max_paths);
    limit("maxExamples", c.max_examples);
    limit("maxExampleLength", c.max_example_length);
  }
  if (const json* max = member(shadow, "maxBodyBytes");
      finite_number(max) && max->get<double>() > 0) {
    c.max_body_bytes = max->get<double>();
  }
  return c;
}

// Parses and checks; on a problem, `state` may hold what was read before it.
serving_state_result parse_and_check(std::string_view json_text) {
  serving_state_result r;
  const json st = json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (st.is_discarded()) {
    r.problem = "state is not JSON";
    return r;
  }
  // The checks in order; docs/edge.md lists the reasons, and both edges fail open on each.
  if (!st.is_object()) {
    r.problem = "state is not an object";
    return r;
  }
  // Coverages are integers out of kScale, as the core's rollout action gives them (written as
  // 5000 or 5000.0: JSON does not tell them apart).
  const auto coverage_ok = [](const json* v) {
    if (!v || !v->is_number()) return false;
    const double d = v->get<double>();
    return std::isfinite(d) && d >= 0 && d <= static_cast<double>(kScale) && d == std::floor(d);
  };
  const auto coverage_of = [](const json* v) {
    return static_cast<std::uint32_t>(v->get<double>());
  };
  const json* coverage = member(st, "coverage");
  if (!coverage_ok(coverage)) {
    r.problem = "coverage out of range";
    return r;
  }
  const json* origins = member(st, "origins");
  if (!origins || !origins->is_object()) {
    r.problem = "origins missing";
    return r;
  }
  const json* salt = member(st, "salt");
  const json* canary = member(*origins, "canary");
  const bool has_canary = canary && canary->is_string();
  // A flag rollout serves every request from stable: its coverage needs neither.
  const bool has_target = truthy(member(st, "target"));
  const auto needs_canary = [&](const json* c) {
    return coverage_of(c) > 0 && !has_target && (!non_empty_string(salt) || !has_canary);
  };
  if (needs_canary(coverage)) {
    r.problem = "salt or canary origin missing";
    return r;
  }
  if (const json* next = member(st, "next")) {
    const json* at = member(*next, "at");
    const json* nc = member(*next, "coverage");
    if (!next->is_object() || !finite_number(at) || !coverage_ok(nc)) {
      r.problem = "next out of range";
      return r;
    }
    if (needs_canary(nc)) {
      r.problem = "salt or canary origin missing";
      return r;
    }
    const json* nw = member(*next, "window");
    r.state.next =
        serving_next{coverage_of(nc), finite_number(nw) ? nw->get<double>() : 0, at->get<double>()};
  }
  if (const json* shadow = member(st, "shadow"); truthy(shadow)) {
    const json* rate = member(*shadow, "sampleRate");
    if (!finite_number(rate) || rate->get<double>() < 0 || rate->get<double>() > 1) {
      r.problem = "shadow.sampleRate out of range";
      return r;
    }
    const json* methods = member(*shadow, "methods");
    if (!methods || !methods->is_array()) {
      r.problem = "shadow.methods missing";
      return r;
    }
    r.state.shadow = read_shadow(*shadow, rate->get<double>(), *methods);
  }
  r.state.coverage = coverage_of(coverage);
  if (salt && salt->is_string()) r.state.salt = salt->get<std::string>();
  r.state.has_canary = has_canary;
  r.state.has_target = has_target;
  if (const json* shadow = member(*origins, "shadow"); shadow && shadow->is_string()) {
    r.state.has_shadow = true;
  }
  if (const json* rollout = member(st, "rollout"); rollout && rollout->is_string()) {
    r.state.rollout = rollout->get<std::string>();
  }
  if (const json* window = member(st, "window"); finite_number(window)) {
    r.state.window = window->get<double>();
  }
  return r;
}

}  // namespace

serving_state idle_serving_state() {
  return {};
}

serving_state_result parse_serving_state(std::string_view json_text) {
  serving_state_result r = parse_and_check(json_text);
  if (!r.problem.empty()) r.state = idle_serving_state();
  return r;
}

serving_state in_force(serving_state state, std::int64_t now_ms) {
  if (!state.next || static_cast<double>(now_ms) < state.next->at_ms) return state;
  state.coverage = state.next->coverage;
  state.window = state.next->window;
  state.next.reset();
  return state;
}

}  // namespace rollgate
