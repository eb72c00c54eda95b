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
  if (std::optional<std::string> raw = vars("ROLLGATE_COOKIE_MAX_AGE_S"); raw && !raw->empty()) {
    constexpr std::int64_t kMin = 60, kMax = 63072000;
    std::int64_t n = 0;
    bool ok = raw->size() <= 9;
    for (char c : *raw) ok = ok && c >= '0' && c <= '9';
    if (ok) {
      for (char c : *raw) n = n * 10 + (c - '0');
    }
    if (!ok || n < kMin || n > kMax) {
      s.problems.push_back("ROLLGATE_COOKIE_MAX_AGE_S must be an integer in [60, 63072000], got " +
                           quoted(*raw));
    } else {
      s.cookie_max_age_s = n;
    }
  }

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
  }
  return s;
}

}  // namespace rollgate_fastly
