// rollgate on Fastly Compute: the service. SPDX-License-Identifier: MIT
//
// One instance per request (Compute runs main() once per downstream request). Per request:
// settings (config store + secret store) → rollout state (config store `rollgate_state`) → unit
// (header, signed cookie, or a fresh id) → arm (signed QA override, or rollgate's coverage draw
// < coverage) → proxy to that arm's backend with a header naming the arm; the host streams
// the request and response bodies without the service copying them.
//
// Fails open: any problem of rollgate itself (settings, state, its store) serves the request
// from the stable backend with `x-rollgate-fallback: <kind>`, logged as one JSON line on stderr
// (Compute's log tail). Counting, latency sketches, the dark launch and reporting to the
// coordinator come in later phases; `outcome` below is what they will consume.
#include <unistd.h>  // getentropy
#include <cstdio>    // std::fprintf
#include <ctime>     // clock_gettime
#include <string>    // std::string

#include "host.hpp"
#include "request_path.hpp"
#include "settings.hpp"
#include "state.hpp"

namespace rollgate_fastly {
namespace {

constexpr std::string_view kPrefix = "/__rollgate/";
constexpr std::string_view kInternal = "/__rollgate/internal/";
constexpr std::string_view kHopByHop[] = {
    "connection", "keep-alive", "proxy-connection", "transfer-encoding",
    "upgrade",    "te",         "trailer"};

/// What one request did: the input of counting and reporting (later phases).
struct outcome {
  std::string_view fallback;  // fail-open kind, or empty
  bool canary = false;
  bool forced = false;
  bool new_unit = false;
  bool tampered_cookie = false;
  bool tampered_override = false;
};

std::int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// A JSON string literal for the log line (quotes, backslashes and control bytes escaped).
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void log_problem(std::string_view msg, std::string_view kind, std::string_view why) {
  std::fprintf(stderr,
               "{\"src\":\"rollgate\",\"level\":\"error\",\"msg\":%s,\"kind\":%s,\"why\":%s}\n",
               json_string(msg).c_str(), json_string(kind).c_str(), json_string(why).c_str());
}

bool is_safe(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

// The path of an absolute URI ("http://host/p?q" → "/p?q"), or the URI itself.
std::string_view path_of(std::string_view uri) {
  const std::size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return uri;
  const std::size_t slash = uri.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view("/") : uri.substr(slash);
}

// The authority of an absolute URI ("http://host:8080/p" → "host:8080"): worker.js's url.host.
std::string_view host_of(std::string_view uri) {
  const std::size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::string_view rest = uri.substr(scheme + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

// The body to forward: the downstream body for unsafe methods, an empty one for GET and HEAD
// (worker.js forwards no body for safe methods either).
std::optional<host::handle> forward_body(const host::message& down, bool safe) {
  if (!safe) return down.body;
  return host::new_body();
}

// Hands a backend's response to the client with rollgate's headers. The host streams the body.
void respond(host::message& resp, const settings& s, std::string_view arm,
             std::string_view fallback, const std::optional<std::string>& set_cookie) {
  for (std::string_view h : kHopByHop) host::response_header_remove(resp.head, h);
  (void)host::response_header_insert(resp.head, s.arm_header, arm);
  if (!fallback.empty())
    (void)host::response_header_insert(resp.head, "x-rollgate-fallback", fallback);
  if (set_cookie) (void)host::response_header_append(resp.head, "set-cookie", *set_cookie);
  (void)host::send_downstream(resp);
}

// worker.js proxyPlain: straight to the stable backend, override header removed, nothing else
// added upstream; the answer says which kind of problem it was.
void fail_open(host::message& down, const settings& s, std::string_view method,
               std::string_view kind, std::string_view why, outcome& out) {
  out.fallback = kind;
  log_problem("rollgate failing open to stable", kind, why);
  if (!host::backend_exists(s.stable_backend)) {
    host::respond_text(502, "origin not configured");
    return;
  }
  host::request_header_remove(down.head, s.override_header);
  const std::optional<host::handle> body = forward_body(down, is_safe(method));
  host::message resp;
  if (!body || host::send(down.head, *body, s.stable_backend, resp) != abi::ok) {
    host::respond_text(502, "upstream unreachable", s.arm_header, "stable", kind);
    return;
  }
  respond(resp, s, "stable", kind, std::nullopt);
}

settings load_settings() {
  const std::optional<host::handle> vars = host::config_store_open(kConfigStore);
  const std::optional<host::handle> secrets = host::secret_store_open(kSecretStore);
  const lookup from_vars = [&](std::string_view key) -> std::optional<std::string> {
    if (!vars) return std::nullopt;
    return host::config_store_get(*vars, key);
  };
  std::optional<lookup> from_secrets;
  if (secrets) {
    from_secrets = [&](std::string_view key) { return host::secret_get(*secrets, key); };
  }
  return read_settings(from_vars, from_secrets);
}

void serve(host::message& down, outcome& out) {
  const settings s = load_settings();
  const std::string method = host::request_method(down.head).value_or("GET");
  if (!s.problems.empty()) {
    std::string why;
    for (const std::string& p : s.problems) why += (why.empty() ? "" : "; ") + p;
    return fail_open(down, s, method, "settings", why, out);
  }
  const std::string uri = host::request_uri(down.head).value_or("/");
  const std::string_view path = path_of(uri);
  if (path.substr(0, kPrefix.size()) == kPrefix) {
    // The coordinator's API is not reachable from Fastly yet (a later phase forwards it to the
    // coordinator backend). Internal paths are never served from outside, as on Cloudflare.
    if (path.substr(0, kInternal.size()) == kInternal) return host::respond_text(404, "not found");
    return host::respond_text(503, "rollgate coordinator not connected on Fastly yet");
  }

  // --- rollout state: an item of the config store that the coordinator writes ---------------
  const std::optional<host::handle> store = host::config_store_open(kStateStore);
  if (!store) {
    return fail_open(down, s, method, "coordinator",
                     "config store " + std::string(kStateStore) + " is missing", out);
  }
  rollout_state state = idle_state();
  if (const std::optional<std::string> text = host::config_store_get(*store, s.rollout)) {
    state_result parsed = parse_state(*text);
    if (!parsed.problem.empty()) return fail_open(down, s, method, "state", parsed.problem, out);
    state = std::move(parsed.state);
  }
  request_facts facts;
  facts.now_ms = now_ms();
  state = in_force(std::move(state), facts.now_ms);

  // --- who, and which arm -----------------------------------------------------------------
  const std::optional<std::string> unit_header = host::request_header(down.head, s.unit_header);
  const std::optional<std::string> cookie = host::request_header(down.head, "cookie");
  const std::optional<std::string> token = host::request_header(down.head, s.override_header);
  facts.unit_header = unit_header;
  facts.cookie_header = cookie;
  facts.override_token = token;
  if (getentropy(facts.fresh, sizeof facts.fresh) != 0) {
    return fail_open(down, s, method, "internal", "no random bytes for a unit id", out);
  }
  const decision d = decide(s, state, facts);
  out.canary = d.canary;
  out.forced = d.forced;
  out.new_unit = d.set_cookie.has_value();
  out.tampered_cookie = d.tampered_cookie;
  out.tampered_override = d.tampered_override;
  if (d.canary && !host::backend_exists(s.canary_backend)) {
    return fail_open(down, s, method, "settings",
                     "backend " + s.canary_backend + " (ROLLGATE_CANARY_BACKEND) is missing", out);
  }

  // --- proxy ----------------------------------------------------------------------------------
  host::request_header_remove(down.head, s.override_header);
  (void)host::request_header_insert(down.head, "x-forwarded-host", host_of(uri));
  const bool safe = is_safe(method);
  host::message resp;
  if (d.canary) {
    // A safe request whose canary cannot be reached is served from stable: keep the downstream
    // request for that, and send a copy to the canary (a sent request is consumed).
    (void)host::request_header_insert(down.head, "x-rollgate-arm", "canary");
    const std::optional<host::handle> upstream =
        safe ? host::copy_request(down.head) : std::optional<host::handle>(down.head);
    const std::optional<host::handle> body = forward_body(down, safe);
    if (upstream && body && host::send(*upstream, *body, s.canary_backend, resp) == abi::ok) {
      return respond(resp, s, "canary", {}, d.set_cookie);
    }
    if (!safe || !upstream) {
      return host::respond_text(502, "upstream unreachable", s.arm_header, "canary");
    }
    log_problem("origin unreachable", "canary", s.canary_backend);
    (void)host::request_header_insert(down.head, "x-rollgate-arm", "stable");
    const std::optional<host::handle> retry_body = host::new_body();
    if (retry_body && host::send(down.head, *retry_body, s.stable_backend, resp) == abi::ok) {
      return respond(resp, s, "stable", "canary-unreachable", d.set_cookie);
    }
    return host::respond_text(502, "upstream unreachable", s.arm_header, "stable",
                              "canary-unreachable");
  }
  (void)host::request_header_insert(down.head, "x-rollgate-arm", "stable");
  const std::optional<host::handle> body = forward_body(down, safe);
  if (body && host::send(down.head, *body, s.stable_backend, resp) == abi::ok) {
    return respond(resp, s, "stable", {}, d.set_cookie);
  }
  log_problem("origin unreachable", "stable", s.stable_backend);
  host::respond_text(502, "upstream unreachable", s.arm_header, "stable");
}

}  // namespace
}  // namespace rollgate_fastly

int main() {
  using namespace rollgate_fastly;
  // ABI version 1 is the one the witx files describe (Viceroy refuses any other).
  if (fastly_abi__init(1) != abi::ok) return 1;
  std::optional<host::message> down = host::downstream_request();
  if (!down) return 1;
  outcome out;
  serve(*down, out);
  return 0;
}
