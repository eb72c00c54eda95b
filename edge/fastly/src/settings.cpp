// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "settings.hpp"

namespace rollgate_fastly {

namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 40));
  if (s.size() > 40) out += "...";
  return out + "\"";
}

}  // namespace

settings read_settings(const lookup& vars, const std::optional<lookup>& secrets) {
  settings s;
  // An empty value means "not set", as in settings.js.
  const auto var = [&](std::string_view name, std::string& into) {
    std::optional<std::string> v = vars(name);
    if (v && !v->empty()) into = std::move(*v);
  };
  var("ROLLGATE_STABLE_BACKEND", s.stable_backend);
  var("ROLLGATE_CANARY_BACKEND", s.canary_backend);
  var("ROLLGATE_SHADOW_BACKEND", s.shadow_backend);
  var("ROLLGATE_COORDINATOR_BACKEND", s.coordinator_backend);
  var("ROLLGATE_COORDINATOR_HOST", s.coordinator_host);
  var("ROLLGATE_ROLLOUT", s.rollout);
  var("ROLLGATE_UNIT_HEADER", s.unit_header);
  var("ROLLGATE_COOKIE", s.cookie_name);
  var("ROLLGATE_ARM_HEADER", s.arm_header);
  var("ROLLGATE_OVERRIDE_HEADER", s.override_header);
  s.unit_header = lower(s.unit_header);
  s.arm_header = lower(s.arm_header);
  s.override_header = lower(s.override_header);

  // Integers are plain decimal digits here (settings.js takes whatever Number() takes; the
  // difference is only in spellings such as "1e3" or " 60", which are refused here).
  const auto integer = [&](std::string_view name, std::int64_t& into, std::int64_t min,
                           std::int64_t max) {
    const std::optional<std::string> raw = vars(name);
    if (!raw || raw->empty()) return;
    std::int64_t n = 0;
    bool ok = raw->size() <= 9;
    for (char c : *raw) ok = ok && c >= '0' && c <= '9';
    if (ok) {
      for (char c : *raw) n = n * 10 + (c - '0');
    }
    if (!ok || n < min || n > max) {
      s.problems.push_back(std::string(name) + " must be an integer in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "], got " + quoted(*raw));
    } else {
      into = n;
    }
  };
  integer("ROLLGATE_COOKIE_MAX_AGE_S", s.cookie_max_age_s, 60, 63072000);
  // settings.js allows 100 ms; Fastly's cache TTL is whole seconds (settings.hpp).
  integer("ROLLGATE_STATE_TTL_MS", s.state_ttl_ms, 1000, 60000);
  integer("ROLLGATE_SHADOW_TIMEOUT_MS", s.shadow_timeout_ms, 100, 30000);
  integer("ROLLGATE_MAX_DIFF_BYTES", s.max_diff_bytes, 1024, 16777216);

  const auto secret = [&](std::string_view name, std::string& into) {
    std::optional<std::string> v = (*secrets)(name);
    if (!v || v->empty()) {
      s.problems.push_back("secret " + std::string(name) + " is missing");
    } else if (v->size() < 16) {
      s.problems.push_back("secret " + std::string(name) + " is shorter than 16 characters");
    } else {
      into = std::move(*v);
    }
  };
  if (!secrets) {
    s.problems.push_back("secret store " + std::string(kSecretStore) + " is missing");
  } else {
    secret("ROLLGATE_COOKIE_SECRET", s.cookie_secret);
    secret("ROLLGATE_OVERRIDE_SECRET", s.override_secret);
    // Required here: the coordinator is the service's only source of the rollout (on
    // Cloudflare, a missing coordinator binding is a settings problem too).
    secret("ROLLGATE_PEER_TOKEN", s.peer_token);
  }
  return s;
}

}  // namespace rollgate_fastly
