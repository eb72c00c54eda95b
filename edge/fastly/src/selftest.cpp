// rollgate on Fastly Compute: the self-test module. SPDX-License-Identifier: MIT
//
// A WASI reactor (no main, no Fastly imports) that exports the service's pure pieces so that
// tests/fastly can check them directly against their references: SHA-256 and HMAC against
// FIPS 180-2 / RFC 4231 and node:crypto, the cookie and override tokens against
// edge/cloudflare/src/crypto.js, and the arm decision against the Cloudflare worker's bucketing
// for many units. It is the same code the service links (request_path, tokens, state, sha256,
// and core/src/bucket.cpp), built into a second module; the service itself exports nothing.
//
// Calling convention: the caller writes inputs into the scratch buffer (rg_scratch, 64 KiB),
// passes (offset, length) pairs, and reads the output from rg_out; functions return the output
// length, or -1 for "nothing" (a refused token).
#include <cstdint>  // std::int64_t
#include <cstring>  // std::memcpy
#include <string>   // std::string

#include "request_path.hpp"
#include "rollgate/bucket.hpp"
#include "rollgate/serving_state.hpp"
#include "sha256.hpp"
#include "summary.hpp"
#include "tokens.hpp"

#define ROLLGATE_EXPORT(name) extern "C" __attribute__((export_name(name)))

namespace {
alignas(16) unsigned char scratch[64 * 1024];
alignas(16) unsigned char out[64 * 1024];

std::string_view arg(std::uint32_t offset, std::uint32_t size) {
  if (offset > sizeof scratch || size > sizeof scratch - offset) return {};
  return {reinterpret_cast<const char*>(scratch) + offset, size};
}

int put(std::string_view s) {
  if (s.size() > sizeof out) return -1;
  std::memcpy(out, s.data(), s.size());
  return static_cast<int>(s.size());
}

int put(const rollgate_fastly::digest& d) {
  std::memcpy(out, d.data(), d.size());
  return static_cast<int>(d.size());
}

rollgate_fastly::settings test_settings() {
  rollgate_fastly::settings s;
  s.cookie_secret = "cookie-secret-for-tests-0123456789";
  s.override_secret = "override-secret-for-tests-0123456789";
  return s;
}
}  // namespace

ROLLGATE_EXPORT("rg_scratch") unsigned char* rg_scratch() {
  return scratch;
}
ROLLGATE_EXPORT("rg_out") unsigned char* rg_out() {
  return out;
}

ROLLGATE_EXPORT("rg_sha256") int rg_sha256(std::uint32_t m, std::uint32_t mn) {
  return put(rollgate_fastly::sha256_of(arg(m, mn)));
}

// SHA-256 fed in pieces of `step` bytes: checks the incremental path.
ROLLGATE_EXPORT("rg_sha256_steps")
int rg_sha256_steps(std::uint32_t m, std::uint32_t mn, std::uint32_t step) {
  rollgate_fastly::sha256 h;
  const std::string_view msg = arg(m, mn);
  if (step == 0) step = 1;
  for (std::size_t i = 0; i < msg.size(); i += step) h.update(msg.substr(i, step));
  return put(h.finish());
}

// SHA-256 of the message repeated `times` times (FIPS 180-2's million 'a').
ROLLGATE_EXPORT("rg_sha256_repeat")
int rg_sha256_repeat(std::uint32_t m, std::uint32_t mn, std::uint32_t times) {
  rollgate_fastly::sha256 h;
  for (std::uint32_t i = 0; i < times; ++i) h.update(arg(m, mn));
  return put(h.finish());
}

ROLLGATE_EXPORT("rg_hmac")
int rg_hmac(std::uint32_t k, std::uint32_t kn, std::uint32_t m, std::uint32_t mn) {
  return put(rollgate_fastly::hmac_sha256(arg(k, kn), arg(m, mn)));
}

ROLLGATE_EXPORT("rg_sign_unit")
int rg_sign_unit(std::uint32_t k, std::uint32_t kn, std::uint32_t id, std::uint32_t idn) {
  return put(rollgate_fastly::sign_unit(arg(k, kn), arg(id, idn)));
}

ROLLGATE_EXPORT("rg_verify_unit")
int rg_verify_unit(std::uint32_t k, std::uint32_t kn, std::uint32_t v, std::uint32_t vn) {
  const auto unit = rollgate_fastly::verify_unit(arg(k, kn), arg(v, vn));
  return unit ? put(*unit) : -1;
}

ROLLGATE_EXPORT("rg_sign_override")
int rg_sign_override(std::uint32_t k, std::uint32_t kn, std::uint32_t a, std::uint32_t an,
                     std::uint32_t e, std::uint32_t en) {
  return put(rollgate_fastly::sign_override(arg(k, kn), arg(a, an), arg(e, en)));
}

ROLLGATE_EXPORT("rg_verify_override")
int rg_verify_override(std::uint32_t k, std::uint32_t kn, std::uint32_t t, std::uint32_t tn,
                       std::int64_t now_ms) {
  const auto arm = rollgate_fastly::verify_override(arg(k, kn), arg(t, tn), now_ms);
  return arm ? put(*arm) : -1;
}

ROLLGATE_EXPORT("rg_cookie_value")
int rg_cookie_value(std::uint32_t h, std::uint32_t hn, std::uint32_t n, std::uint32_t nn) {
  const auto v = rollgate_fastly::cookie_value(arg(h, hn), arg(n, nn));
  return v ? put(*v) : -1;
}

ROLLGATE_EXPORT("rg_uuid") int rg_uuid(std::uint32_t r) {
  std::uint8_t bytes[16];
  std::memcpy(bytes, arg(r, 16).data(), 16);
  return put(rollgate_fastly::uuid_v4(bytes));
}

// The core's coverage check alone (rollgate::bucketer::in_coverage), for the shared vectors.
ROLLGATE_EXPORT("rg_in_coverage")
int rg_in_coverage(std::uint32_t u, std::uint32_t un, std::uint32_t salt, std::uint32_t saltn,
                   std::uint32_t coverage) {
  return rollgate::bucketer(arg(salt, saltn)).in_coverage(arg(u, un), coverage) ? 1 : 0;
}

// The service's arm decision for a unit given in the unit header, under a state with a canary:
// 1 for canary, 0 for stable.
ROLLGATE_EXPORT("rg_arm")
int rg_arm(std::uint32_t u, std::uint32_t un, std::uint32_t salt, std::uint32_t saltn,
           std::uint32_t coverage) {
  const rollgate_fastly::settings s = test_settings();
  rollgate::serving_state state;
  state.coverage = coverage;
  state.salt = std::string(arg(salt, saltn));
  state.has_canary = true;
  rollgate_fastly::request_facts facts;
  facts.unit_header = arg(u, un);
  return rollgate_fastly::decide(s, state, facts).canary ? 1 : 0;
}

// The state check: the problem text (empty when usable); the coverage in force at now_ms into
// rg_out after the text as "\n<coverage>".
ROLLGATE_EXPORT("rg_check_state")
int rg_check_state(std::uint32_t j, std::uint32_t jn, std::int64_t now_ms) {
  const rollgate::serving_state_result r = rollgate::parse_serving_state(arg(j, jn));
  if (!r.problem.empty()) return put(r.problem);
  const rollgate::serving_state st = rollgate::in_force(r.state, now_ms);
  return put("\n" + std::to_string(st.coverage));
}

// One request's counting and flush, as the service does it (summary.hpp): record a request with
// its latency into a fresh summary and write the flush JSON. The flush goes to rg_out; the
// benchmark calls this in a loop.
ROLLGATE_EXPORT("rg_flush")
int rg_flush(std::uint32_t status, double latency_ms, std::uint32_t canary) {
  rollgate::serving_state state;
  state.rollout = "checkout-v2";
  state.window = 3;
  rollgate_fastly::summary sum;
  sum.record_request(state, canary == 1, static_cast<int>(status), latency_ms, true);
  return put(sum.to_json("fastly:LCL:localhost", "fastly:LCL:localhost:1", 1764130000000));
}
