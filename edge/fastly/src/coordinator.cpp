// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "coordinator.hpp"

#include "host.hpp"

namespace rollgate_fastly {

namespace {

constexpr double kMaxStateBytes = 64 * 1024;

// RFC 3986 percent-encoding of a query value (unreserved characters kept).
std::string query_value(std::string_view v) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string authority_of(std::string_view uri) {
  const std::size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::string_view rest = uri.substr(scheme + 3);
  return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

// One request to the coordinator: its status and body (bounded), or 0 when it was not reached.
int call(const settings& s, std::string_view method, const std::string& url, std::string_view body,
         bool cached, std::string& answer) {
  const std::optional<host::handle> req = host::new_request(method, url);
  if (!req) return 0;
  (void)host::request_header_insert(*req, "authorization", "Bearer " + s.peer_token);
  if (!body.empty()) (void)host::request_header_insert(*req, "content-type", "application/json");
  const std::int64_t ttl_s = s.state_ttl_ms / 1000;
  if (cached) {
    (void)host::cache_ttl(*req, static_cast<std::uint32_t>(ttl_s));
  } else {
    (void)host::cache_pass(*req);
  }
  const std::optional<host::handle> out = host::new_body();
  if (!out || host::write_all(*out, body) != abi::ok) return 0;
  host::message resp;
  if (host::send(*req, *out, s.coordinator_backend, resp) != abi::ok) return 0;
  const int status = host::response_status(resp.head);
  host::close_response(resp.head);
  const host::read_end end = host::read_body(resp.body, kMaxStateBytes, -1, answer);
  host::close_body(resp.body);
  if (end == host::read_end::over_limit) answer = "(answer larger than 64 KiB)";
  return end == host::read_end::complete || end == host::read_end::over_limit ? status : 0;
}

}  // namespace

std::string peer_base(const settings& s, std::string_view downstream_uri) {
  const std::string host =
      s.coordinator_host.empty() ? authority_of(downstream_uri) : s.coordinator_host;
  return "https://" + host + "/__rollgate/peer/";
}

std::optional<std::string> read_state(const settings& s, std::string_view base, std::string& why) {
  if (host::backend_unhealthy(s.coordinator_backend)) {
    why = "backend " + s.coordinator_backend + " is unhealthy";
    return std::nullopt;
  }
  std::string answer;
  const int status = call(s, "GET", std::string(base) + "state?rollout=" + query_value(s.rollout),
                          {}, true, answer);
  if (status == 0) {
    why = "coordinator unreachable";
    return std::nullopt;
  }
  if (status != 200) {
    why = "coordinator answered " + std::to_string(status);  // worker.js rolloutState's words
    return std::nullopt;
  }
  return answer;
}

bool post_report(const settings& s, std::string_view base, std::string_view flush,
                 std::string& why) {
  const std::string url = std::string(base) + "report?rollout=" + query_value(s.rollout);
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string answer;
    const int status = call(s, "POST", url, flush, false, answer);
    if (status >= 200 && status < 300) return true;
    why = status == 0
              ? std::string("coordinator unreachable")
              : "coordinator answered " + std::to_string(status) + ": " + answer.substr(0, 200);
  }
  return false;
}

}  // namespace rollgate_fastly
