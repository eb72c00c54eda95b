// rollgate on Fastly Compute: the service. SPDX-License-Identifier: MIT
//
// One instance per request (Compute runs main() once per downstream request). Per request, as
// edge/cloudflare/src/worker.js does it: settings (config store + secret store) → rollout state
// (the coordinator's, through the POP's cache for the state TTL) → unit (header, signed cookie,
// or a fresh id) → arm (signed QA override, or rollgate's coverage draw < coverage) → proxy to
// that arm's backend with a header naming the arm (the host streams both bodies) → count it →
// for a sampled share, the dark launch, after the client has the response → one flush of this
// request's summary to the coordinator.
//
// Fails open: any problem of rollgate itself (settings, coordinator, state) serves the request
// from the stable backend with `x-rollgate-fallback: <kind>`, counted in the flush and logged as
// one JSON line on stderr (Compute's log tail).
#include <cstdlib>  // std::getenv
#include <ctime>    // clock_gettime
#include <string>   // std::string

#include "coordinator.hpp"
#include "host.hpp"
#include "log.hpp"
#include "request_path.hpp"
#include "rollgate/serving_state.hpp"
#include "settings.hpp"
#include "shadow.hpp"
#include "summary.hpp"

namespace rollgate_fastly {
namespace {

constexpr std::string_view kPrefix = "/__rollgate/";
constexpr std::string_view kInternal = "/__rollgate/internal/";
constexpr std::string_view kPeer = "/__rollgate/peer/";
constexpr std::string_view kHopByHop[] = {
    "connection", "keep-alive", "proxy-connection", "transfer-encoding",
    "upgrade",    "te",         "trailer"};

std::int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

bool is_safe(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
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

/// One request's instance: what it was asked, what it knows, what it will flush.
struct instance {
  host::message down;
  std::string method;
  std::string uri;
  settings s;
  summary sum;
  bool can_flush = false;  // a peer token and a coordinator backend: the flush can be sent
};

// The body to forward: the downstream body for unsafe methods, an empty one for GET and HEAD
// (worker.js forwards no body for safe methods either).
std::optional<host::handle> forward_body(const host::message& down, bool safe) {
  if (!safe) return down.body;
  return host::new_body();
}

// Sends one request to a backend with pass: Fastly's readthrough cache keys by URL and Host,
// not by arm, so a cached page of one arm would be served to the other (README, "Caching").
host::status send_pass(host::handle req, host::handle body, std::string_view backend,
                       host::message& resp) {
  (void)host::cache_pass(req);
  return host::send(req, body, backend, resp);
}

// rollgate's headers on a backend's response head (hop-by-hop ones removed).
void prepare_head(host::handle head, const settings& s, std::string_view arm,
                  std::string_view fallback, const std::optional<std::string>& set_cookie) {
  for (std::string_view h : kHopByHop) host::response_header_remove(head, h);
  (void)host::response_header_insert(head, s.arm_header, arm);
  if (!fallback.empty()) (void)host::response_header_insert(head, "x-rollgate-fallback", fallback);
  if (set_cookie) (void)host::response_header_append(head, "set-cookie", *set_cookie);
}

// Hands a backend's response to the client with rollgate's headers. The host streams the body.
void respond(host::message& resp, const settings& s, std::string_view arm,
             std::string_view fallback, const std::optional<std::string>& set_cookie) {
  prepare_head(resp.head, s, arm, fallback, set_cookie);
  (void)host::send_downstream(resp);
}

// The request's headers without the ones only rollgate may set (worker.js forwardedHeaders): a
// client must not be able to carry an override on or claim to be a shadow request.
void strip_rollgate_headers(host::handle req, const settings& s) {
  host::request_header_remove(req, s.override_header);
  host::request_header_remove(req, "x-rollgate-shadow");
}

// worker.js proxyPlain: straight to the stable backend, nothing added upstream; the answer
// says which kind of problem it was. Counted and logged.
void fail_open(instance& in, fail_kind kind, std::string_view kind_name, std::string_view why) {
  in.sum.fail_open(kind);
  log_problem("rollgate failing open to stable", kind_name, why);
  const settings& s = in.s;
  if (!host::backend_exists(s.stable_backend)) {
    host::respond_text(502, "origin not configured");
    return;
  }
  strip_rollgate_headers(in.down.head, s);
  const std::optional<host::handle> body = forward_body(in.down, is_safe(in.method));
  host::message resp;
  if (!body || send_pass(in.down.head, *body, s.stable_backend, resp) != abi::ok) {
    host::respond_text(502, "upstream unreachable", s.arm_header, "stable", kind_name);
    return;
  }
  respond(resp, s, "stable", kind_name, std::nullopt);
}

// /__rollgate/*: internal and peer paths are never served from outside; the control API
// (status, start, pause, resume, rollback) goes to the coordinator's worker as it is, which
// checks the admin token and answers CORS itself, as on Cloudflare.
void control(instance& in, std::string_view path) {
  if (starts_with(path, kInternal) || starts_with(path, kPeer)) {
    return host::respond_text(404, "not found");
  }
  const settings& s = in.s;
  if (!host::backend_exists(s.coordinator_backend)) {
    return host::respond_text(503, "coordinator backend missing");
  }
  if (!s.coordinator_host.empty()) {
    const std::string uri = "https://" + s.coordinator_host + std::string(path);
    (void)fastly_http_req__uri_set(in.down.head, uri.data(), uri.size());
    (void)host::request_header_insert(in.down.head, "host", s.coordinator_host);
  }
  const std::optional<host::handle> body = forward_body(in.down, is_safe(in.method));
  host::message resp;
  if (!body || send_pass(in.down.head, *body, s.coordinator_backend, resp) != abi::ok) {
    return host::respond_text(503, "coordinator unavailable");
  }
  (void)host::send_downstream(resp);
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
  settings s = read_settings(from_vars, from_secrets);
  // worker.js's settings include the coordinator binding; here it is a backend.
  if (!host::backend_exists(s.coordinator_backend)) {
    s.problems.push_back("backend " + s.coordinator_backend +
                         " (ROLLGATE_COORDINATOR_BACKEND) is missing");
  }
  return s;
}

// Proxies to the arm's backend, counts it, answers the client, and runs the dark launch.
void proxy(instance& in, const rollgate::serving_state& state, const decision& d,
           std::optional<dark_launch> launch) {
  const settings& s = in.s;
  const bool safe = is_safe(in.method);
  const std::string_view arm = arm_name(d.canary);
  const std::string& backend = d.canary ? s.canary_backend : s.stable_backend;
  (void)host::request_header_insert(in.down.head, "x-rollgate-arm", arm);
  // A safe request whose canary cannot be reached is served from stable: keep the downstream
  // request for that, and send a copy to the canary (a sent request is consumed).
  const std::optional<host::handle> upstream =
      d.canary && safe ? host::copy_request(in.down.head) : std::optional(in.down.head);
  const std::optional<host::handle> body = forward_body(in.down, safe);
  host::message resp;
  const double t0 = host::monotonic_ms();
  const bool reached = upstream && body && send_pass(*upstream, *body, backend, resp) == abi::ok;
  const double ms = host::monotonic_ms() - t0;
  const int status = reached ? host::response_status(resp.head) : 0;
  if (!d.forced) in.sum.record_request(state, d.canary, status, ms, d.set_cookie.has_value());

  if (reached && launch) {
    launch->start(s, backend, status, host::response_headers(resp.head));
    prepare_head(resp.head, s, arm, {}, d.set_cookie);
    const std::optional<host::handle> out = host::new_body();
    if (!out || host::send_downstream_streaming(resp.head, *out) != abi::ok) {
      host::respond_text(502, "upstream unreachable", s.arm_header, arm);
      return;
    }
    std::string copy;
    const double limit = state.shadow->max_body_bytes > 0 ? state.shadow->max_body_bytes
                                                          : static_cast<double>(s.max_diff_bytes);
    const copy_end end = stream_to_client(resp.body, *out, limit, copy);
    // The client has the whole response now; the comparison cannot delay it.
    launch->finish(s, *state.shadow, in.sum.arm(state, d.canary), copy, end);
    return;
  }
  if (launch) launch->discard();
  if (reached) return respond(resp, s, arm, {}, d.set_cookie);
  log_problem("origin unreachable", std::string(arm), backend);
  if (!d.canary || !safe) {
    return host::respond_text(502, "upstream unreachable", s.arm_header, arm);
  }
  // The canary could not be reached: that is a canary error (counted above), but the user of a
  // safe request still gets a page, from stable.
  (void)host::request_header_insert(in.down.head, "x-rollgate-arm", "stable");
  const std::optional<host::handle> retry_body = host::new_body();
  if (retry_body && send_pass(in.down.head, *retry_body, s.stable_backend, resp) == abi::ok) {
    return respond(resp, s, "stable", "canary-unreachable", d.set_cookie);
  }
  host::respond_text(502, "upstream unreachable", s.arm_header, "stable", "canary-unreachable");
}

void serve(instance& in) {
  in.s = load_settings();
  const settings& s = in.s;
  in.can_flush = !s.peer_token.empty() && host::backend_exists(s.coordinator_backend);
  in.method = host::request_method(in.down.head).value_or("GET");
  in.uri = host::request_uri(in.down.head).value_or("/");
  const std::string_view path = path_of(in.uri);
  if (starts_with(path, kPrefix)) return control(in, path);
  if (!s.problems.empty()) {
    std::string why;
    for (const std::string& p : s.problems) why += (why.empty() ? "" : "; ") + p;
    return fail_open(in, fail_kind::settings, "settings", why);
  }

  // --- rollout state: the coordinator's, cached by the POP for the state TTL ----------------
  std::string why;
  const std::optional<std::string> text = read_state(s, peer_base(s, in.uri), why);
  if (!text) return fail_open(in, fail_kind::coordinator, "coordinator", why);
  rollgate::serving_state_result parsed = rollgate::parse_serving_state(*text);
  if (!parsed.problem.empty()) return fail_open(in, fail_kind::state, "state", parsed.problem);
  // A guarded flag rollout's arms are the flag's (the Cloudflare worker evaluates the served
  // configuration for them); this service does not, so it serves stable and counts nothing rather
  // than count every unit as the baseline of the merged decision.
  if (parsed.state.has_target) {
    return fail_open(in, fail_kind::state, "state",
                     "flag rollouts are served by the Cloudflare worker only");
  }
  request_facts facts;
  facts.now_ms = now_ms();
  const rollgate::serving_state state = rollgate::in_force(std::move(parsed.state), facts.now_ms);

  // --- who, and which arm -----------------------------------------------------------------
  const std::optional<std::string> unit_header = host::request_header(in.down.head, s.unit_header);
  const std::optional<std::string> cookie = host::request_header(in.down.head, "cookie");
  const std::optional<std::string> token = host::request_header(in.down.head, s.override_header);
  facts.unit_header = unit_header;
  facts.cookie_header = cookie;
  facts.override_token = token;
  if (!host::random_bytes(facts.fresh, sizeof facts.fresh)) {
    return fail_open(in, fail_kind::internal, "internal", "no random bytes for a unit id");
  }
  const decision d = decide(s, state, facts);
  if (d.tampered_cookie) ++in.sum.counts.tampered_cookies;
  if (d.forced) ++in.sum.counts.overrides;
  if (d.tampered_override) ++in.sum.counts.tampered_overrides;
  if (d.canary && !host::backend_exists(s.canary_backend)) {
    return fail_open(in, fail_kind::settings, "settings",
                     "backend " + s.canary_backend + " (ROLLGATE_CANARY_BACKEND) is missing");
  }

  // --- dark launch: sampled before the request goes out, so that it can be copied ------------
  strip_rollgate_headers(in.down.head, s);
  std::optional<dark_launch> launch;
  if (state.shadow && state.has_shadow && !d.forced) {
    const rollgate::shadow_settings& sh = *state.shadow;
    bool eligible = false;
    for (const std::string& m : sh.methods) eligible = eligible || m == in.method;
    if (eligible && random_unit() < sh.sample_rate) {
      if (!host::backend_exists(s.shadow_backend)) {
        log_problem("shadow backend missing, not shadowing", "settings",
                    "backend " + s.shadow_backend + " (ROLLGATE_SHADOW_BACKEND) is missing");
      } else {
        launch = dark_launch::prepare(in.down.head, random_unit() < sh.noise_rate);
      }
    }
  }
  (void)host::request_header_insert(in.down.head, "x-forwarded-host", host_of(in.uri));
  proxy(in, state, d, std::move(launch));
}

// This request's summary to the coordinator, after the client has its answer.
void flush(instance& in) {
  if (!in.can_flush || !in.sum.dirty()) return;
  const char* pop = std::getenv("FASTLY_POP");
  const char* node = std::getenv("FASTLY_HOSTNAME");
  // One Fastly cache node is one "isolate" in the coordinator's status: instances come and go
  // per request, nodes stay (and the status keeps the most recent 500 isolates).
  const std::string isolate =
      std::string("fastly:") + (pop ? pop : "?") + ":" + (node ? node : "?");
  // The coordinator dedupes batches by "<source>:<seq>", a source's sequence increasing
  // (coordinator/dedupe.js). An instance has no sequence of its own, so each is a source of one
  // batch: a random id (at most 64 characters) and seq 1, re-sent as it is by the one retry.
  std::uint8_t random[16];
  if (!host::random_bytes(random, sizeof random)) return;
  static const char* const kHex = "0123456789abcdef";
  std::string batch = "fastly-";
  for (std::uint8_t b : random) {
    batch += kHex[b >> 4];
    batch += kHex[b & 15];
  }
  batch += ":1";
  std::string why;
  if (!post_report(in.s, peer_base(in.s, in.uri), in.sum.to_json(isolate, batch, now_ms()), why)) {
    log_problem("flush to the coordinator failed", "flush", why);
  }
}

}  // namespace
}  // namespace rollgate_fastly

int main() {
  using namespace rollgate_fastly;
  // ABI version 1 is the one the witx files describe (Viceroy refuses any other).
  if (fastly_abi__init(1) != abi::ok) return 1;
  std::optional<host::message> down = host::downstream_request();
  if (!down) return 1;
  instance in;
  in.down = *down;
  serve(in);
  flush(in);
  return 0;
}
