// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "shadow.hpp"

#include <cstdint>  // std::uint64_t

#include "log.hpp"                       // log_problem
#include "rollgate/diff.hpp"             // rollgate::response, try_parse_diff_options
#include "rollgate/mismatch_report.hpp"  // rollgate::mismatch_report

namespace rollgate_fastly {

namespace {

// The first problem of a list, for the log line: "[code] pointer: message".
std::string first(const std::vector<rollgate::problem>& problems) {
  return problems.empty() ? std::string() : problems.front().to_string();
}

}  // namespace

double random_unit() {
  std::uint64_t r = 0;
  if (!host::random_bytes(&r, sizeof r)) return 1;
  return static_cast<double>(r >> 11) / 9007199254740992.0;  // 53 random bits / 2^53
}

copy_end stream_to_client(host::handle from, host::handle to, double limit, std::string& copy) {
  char buf[16384];
  bool keep = true;
  bool client = true;
  while (true) {
    std::size_t n = 0;
    if (fastly_http_body__read(from, buf, sizeof buf, &n) != abi::ok) {
      (void)fastly_http_body__abandon(to);  // the client must see a truncated body as such
      host::close_body(from);
      return copy_end::failed;
    }
    if (n == 0) break;
    if (client && host::write_all(to, std::string_view(buf, n)) != abi::ok) client = false;
    if (keep) {
      if (static_cast<double>(copy.size() + n) > limit) {
        keep = false;
        std::string().swap(copy);
      } else {
        copy.append(buf, n);
      }
    }
  }
  host::close_body(from);
  host::close_body(to);
  return keep ? copy_end::complete : copy_end::over_limit;
}

std::optional<dark_launch> dark_launch::prepare(host::handle request, bool noise) {
  dark_launch d;
  d.candidate_ = host::copy_request(request);
  if (!d.candidate_) return std::nullopt;
  if (noise) {
    d.secondary_ = host::copy_request(request);
    if (!d.secondary_) {
      (void)fastly_http_req__close(*d.candidate_);
      return std::nullopt;
    }
  }
  return d;
}

void dark_launch::start(const settings& s, const std::string& served_backend, int status,
                        std::vector<std::pair<std::string, std::string>> headers) {
  status_ = status;
  headers_ = std::move(headers);
  deadline_ms_ = host::monotonic_ms() + static_cast<double>(s.shadow_timeout_ms);
  started_ = true;
  const auto launch = [&](std::optional<host::handle>& req, std::string_view role,
                          const std::string& backend) {
    if (!req) return;
    const host::handle r = *req;
    req.reset();
    (void)host::request_header_insert(r, "x-rollgate-shadow", role);
    (void)host::cache_pass(r);
    const std::optional<host::handle> body = host::new_body();
    if (!body) {
      (void)fastly_http_req__close(r);
      return;
    }
    req = host::send_async(r, *body, backend);  // nothing: refused at once, counted as failed
  };
  launch(candidate_, "candidate", s.shadow_backend);
  launch(secondary_, "secondary", served_backend);
}

void dark_launch::discard() {
  if (started_) return;  // sent already: the instance's end drops what is still pending
  if (candidate_) (void)fastly_http_req__close(*candidate_);
  if (secondary_) (void)fastly_http_req__close(*secondary_);
  candidate_.reset();
  secondary_.reset();
}

void dark_launch::finish(const settings& s, const rollgate::shadow_settings& config,
                         arm_summary& arm, const std::string& body, copy_end end) {
  ++arm.shadow.sent;
  const double limit =
      config.max_body_bytes > 0 ? config.max_body_bytes : static_cast<double>(s.max_diff_bytes);
  const bool want_noise = secondary_.has_value();
  // The answers' heads, then their bodies, as worker.js awaits them: a failure of either
  // request (or the timeout) is one failed comparison.
  host::message cand, second;
  const auto fail = [&](const std::string& why) {
    ++arm.shadow.failed;
    log_problem("shadow comparison failed", "shadow", why);
  };
  if (!candidate_ || host::wait(*candidate_, deadline_ms_, cand) != abi::ok) {
    return fail("the shadow backend did not answer within ROLLGATE_SHADOW_TIMEOUT_MS");
  }
  bool noise = false;
  if (want_noise) {
    if (host::wait(*secondary_, deadline_ms_, second) != abi::ok) {
      return fail("the secondary request did not answer within ROLLGATE_SHADOW_TIMEOUT_MS");
    }
    noise = true;
  }
  if (end == copy_end::failed) return fail("the served body could not be read to its end");
  rollgate::response shadow;
  shadow.status = host::response_status(cand.head);
  shadow.headers = host::response_headers(cand.head);
  host::close_response(cand.head);
  const host::read_end shadow_end = host::read_body(cand.body, limit, deadline_ms_, shadow.body);
  rollgate::response secondary;
  host::read_end secondary_end = host::read_end::complete;
  if (noise) {
    secondary.status = host::response_status(second.head);
    secondary.headers = host::response_headers(second.head);
    host::close_response(second.head);
    secondary_end = host::read_body(second.body, limit, deadline_ms_, secondary.body);
  }
  if (shadow_end == host::read_end::failed || shadow_end == host::read_end::timed_out ||
      secondary_end == host::read_end::failed || secondary_end == host::read_end::timed_out) {
    return fail("a shadow body could not be read within ROLLGATE_SHADOW_TIMEOUT_MS");
  }
  if (end == copy_end::over_limit || shadow_end == host::read_end::over_limit) {
    ++arm.shadow.skipped;
    return;
  }
  // A secondary body above the limit leaves the sample without noise, as in worker.js.
  if (secondary_end == host::read_end::over_limit) noise = false;

  if (!config.limits_are_integers) {
    return fail("shadow.report limits must be non-negative integers");
  }
  if (!arm.mismatches) {
    rollgate::report_limits limits;
    limits.max_paths = static_cast<std::size_t>(config.max_paths);
    limits.max_examples = static_cast<std::size_t>(config.max_examples);
    limits.max_example_length = static_cast<std::size_t>(config.max_example_length);
    rollgate::mismatch_report report;
    if (auto p = rollgate::mismatch_report::try_create(limits, report); !p.empty()) {
      return fail(first(p));
    }
    arm.mismatches = std::move(report);
  }
  rollgate::diff_options options;
  if (!config.diff_options.empty()) {
    if (auto p = rollgate::try_parse_diff_options(config.diff_options, options); !p.empty()) {
      return fail(first(p));
    }
  }
  rollgate::response served;
  served.status = status_;
  served.headers = headers_;
  served.body = body;
  rollgate::diff_result candidate;
  if (auto p = arm.mismatches->try_add_responses(served, shadow, noise ? &secondary : nullptr,
                                                 options, &candidate);
      !p.empty()) {
    return fail(first(p));
  }
  ++arm.shadow.compared;
  if (candidate.equal()) ++arm.shadow.equal;
  if (noise) ++arm.shadow.noise;
}

}  // namespace rollgate_fastly
