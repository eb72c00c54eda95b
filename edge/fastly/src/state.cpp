// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "state.hpp"

#include <cmath>  // std::isfinite, std::floor

#include <nlohmann/json.hpp>  // nlohmann::json (built with JSON_NOEXCEPTION: parse never throws)

#include "rollgate/bucket.hpp"  // rollgate::kScale

namespace rollgate_fastly {

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

}  // namespace

rollout_state idle_state() {
  return {};
}

state_result parse_state(std::string_view json_text) {
  state_result r;
  const json st = json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (st.is_discarded()) {
    r.problem = "state is not JSON";
    return r;
  }
  // The checks and their order follow worker.js checkState, message for message.
  if (!st.is_object()) {
    r.problem = "state is not an object";
    return r;
  }
  const json* percent = member(st, "percent");
  if (!finite_number(percent) || percent->get<double>() < 0 || percent->get<double>() > 100) {
    r.problem = "percent out of range";
    return r;
  }
  const json* salt = member(st, "salt");
  const json* origins = member(st, "origins");
  const json* canary = origins ? member(*origins, "canary") : nullptr;
  const bool has_canary = canary && canary->is_string();
  if (percent->get<double>() > 0) {
    if (!non_empty_string(salt)) {
      r.problem = "salt missing";
      return r;
    }
    if (!has_canary) {
      r.problem = "canary origin missing";
      return r;
    }
  }
  if (!origins || !origins->is_object()) {
    r.problem = "origins missing";
    return r;
  }
  const json* next = member(st, "next");
  if (next) {
    const json* at = member(*next, "at");
    const json* np = member(*next, "percent");
    if (!next->is_object() || !finite_number(at) || !finite_number(np) || np->get<double>() < 0 ||
        np->get<double>() > 100) {
      r.problem = "next out of range";
      return r;
    }
    if (np->get<double>() > 0 && (!non_empty_string(salt) || !has_canary)) {
      r.problem = "salt or canary origin missing";
      return r;
    }
    const json* nw = member(*next, "window");
    r.state.next =
        next_step{np->get<double>(), finite_number(nw) ? nw->get<double>() : 0, at->get<double>()};
  }
  if (const json* shadow = member(st, "shadow"); shadow && !shadow->is_null()) {
    // JavaScript truthiness: false, 0 and "" are "no shadow" too.
    const bool truthy = !(shadow->is_boolean() && !shadow->get<bool>()) &&
                        !(shadow->is_number() && shadow->get<double>() == 0) &&
                        !(shadow->is_string() && shadow->get_ref<const std::string&>().empty());
    if (truthy) {
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
    }
  }
  r.state.percent = percent->get<double>();
  if (salt && salt->is_string()) r.state.salt = salt->get<std::string>();
  r.state.has_canary = has_canary;
  if (const json* rollout = member(st, "rollout"); rollout && rollout->is_string()) {
    r.state.rollout = rollout->get<std::string>();
  }
  if (const json* window = member(st, "window"); finite_number(window)) {
    r.state.window = window->get<double>();
  }
  return r;
}

rollout_state in_force(rollout_state state, std::int64_t now_ms) {
  if (!state.next || static_cast<double>(now_ms) < state.next->at_ms) return state;
  state.percent = state.next->percent;
  state.window = state.next->window;
  state.next.reset();
  return state;
}

std::uint32_t coverage_of_percent(double percent) noexcept {
  if (!(percent > 0)) return 0;  // also NaN
  if (percent > 100) percent = 100;
  // Math.round: the nearest integer, halves up. floor(x + 0.5) would differ just below a half
  // (0.49999999999999994 + 0.5 rounds to 1), so compare the fraction, which x - floor(x) gives
  // exactly for x <= 100000.
  const double x = percent * (rollgate::kScale / 100);
  const double whole = std::floor(x);
  return static_cast<std::uint32_t>(x - whole >= 0.5 ? whole + 1 : whole);
}

}  // namespace rollgate_fastly
