// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "request_path.hpp"

#include "rollgate/bucket.hpp"  // rollgate::bucketer
#include "tokens.hpp"           // verify_unit, sign_unit, verify_override, cookie_value, uuid_v4

namespace rollgate_fastly {

decision decide(const settings& s, const rollgate::serving_state& state,
                const request_facts& facts) {
  decision d;
  if (facts.unit_header && !facts.unit_header->empty() && facts.unit_header->size() <= 256) {
    d.unit = std::string(*facts.unit_header);
  }
  if (d.unit.empty()) {
    if (facts.cookie_header) {
      const std::optional<std::string_view> raw = cookie_value(*facts.cookie_header, s.cookie_name);
      if (raw && !raw->empty()) {
        if (std::optional<std::string> unit = verify_unit(s.cookie_secret, *raw)) {
          d.unit = std::move(*unit);
        } else {
          d.tampered_cookie = true;
        }
      }
    }
    if (d.unit.empty()) {
      d.unit = uuid_v4(facts.fresh);
      d.set_cookie = s.cookie_name + "=" + sign_unit(s.cookie_secret, d.unit) +
                     "; Max-Age=" + std::to_string(s.cookie_max_age_s) +
                     "; Path=/; HttpOnly; Secure; SameSite=Lax";
    }
  }

  if (facts.override_token && !facts.override_token->empty()) {
    if (std::optional<std::string> arm =
            verify_override(s.override_secret, *facts.override_token, facts.now_ms)) {
      d.canary = *arm == "canary";
      d.forced = true;
    } else {
      d.tampered_override = true;
    }
  }
  if (!d.forced) {
    d.canary =
        state.coverage > 0 && rollgate::bucketer(state.salt).in_coverage(d.unit, state.coverage);
  }
  if (d.canary && !state.has_canary) d.canary = false;
  return d;
}

}  // namespace rollgate_fastly
