// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "host.hpp"

#include <unistd.h>  // getentropy

#include <cstddef>  // std::size_t
#include <ctime>    // clock_gettime
#include <vector>   // std::vector

namespace rollgate_fastly::host {

namespace {

// Bytes the service reads from one hostcall at most. Config store items are at most 8000
// characters; header values and URIs beyond 64 KiB are not worth reading.
constexpr std::size_t kMaxRead = 64 * 1024;

// Calls `get(buf, size, &nwritten)` with a buffer that grows when the host answers `buflen` (it
// then writes the size it needs into nwritten, or 0 when it does not say).
template <typename Get>
std::optional<std::string> read_string(Get get, std::size_t first = 256) {
  std::string buf(first, '\0');
  while (true) {
    std::size_t n = 0;
    const status st = get(buf.data(), buf.size(), &n);
    if (st == abi::ok) {
      if (n > buf.size()) return std::nullopt;  // a host that says it wrote more than fits
      buf.resize(n);
      return buf;
    }
    if (st != abi::buflen || buf.size() >= kMaxRead) return std::nullopt;
    std::size_t want = n > buf.size() ? n : buf.size() * 2;
    if (want > kMaxRead) want = kMaxRead;
    buf.assign(want, '\0');
  }
}

// Reads a multi-value list (values each ended by '\0') with the cursor protocol of
// MultiValueWriter: the host fills the buffer, and ending_cursor is -1 when it has written all.
template <typename Get>
std::optional<std::vector<std::string>> read_values(Get get) {
  std::vector<std::string> out;
  std::string buf(1024, '\0');
  std::uint32_t cursor = 0;
  for (int rounds = 0; rounds < 1000; ++rounds) {
    std::int64_t ending = -1;
    std::size_t n = 0;
    const status st = get(buf.data(), buf.size(), cursor, &ending, &n);
    if (st == abi::buflen) {
      if (buf.size() >= kMaxRead) return std::nullopt;
      std::size_t want = n > buf.size() ? n : buf.size() * 2;
      buf.assign(want > kMaxRead ? kMaxRead : want, '\0');
      continue;
    }
    if (st != abi::ok || n > buf.size()) return std::nullopt;
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (buf[i] == '\0') {
        out.emplace_back(buf.data() + start, i - start);
        start = i + 1;
      }
    }
    if (ending < 0) return out;
    if (ending <= static_cast<std::int64_t>(cursor)) return std::nullopt;  // no progress
    cursor = static_cast<std::uint32_t>(ending);
  }
  return std::nullopt;
}

}  // namespace

std::optional<message> downstream_request() {
  message m;
  if (fastly_http_req__body_downstream_get(&m.head, &m.body) != abi::ok) return std::nullopt;
  return m;
}

std::optional<std::string> request_method(handle req) {
  return read_string([&](char* b, std::size_t n,
                         std::size_t* w) { return fastly_http_req__method_get(req, b, n, w); },
                     16);
}

std::optional<std::string> request_uri(handle req) {
  return read_string([&](char* b, std::size_t n,
                         std::size_t* w) { return fastly_http_req__uri_get(req, b, n, w); },
                     1024);
}

std::optional<std::string> request_header(handle req, std::string_view name) {
  return read_string([&](char* b, std::size_t n, std::size_t* w) {
    return fastly_http_req__header_value_get(req, name.data(), name.size(), b, n, w);
  });
}

status request_header_insert(handle req, std::string_view name, std::string_view value) {
  return fastly_http_req__header_insert(req, name.data(), name.size(), value.data(), value.size());
}

void request_header_remove(handle req, std::string_view name) {
  (void)fastly_http_req__header_remove(req, name.data(), name.size());
}

std::optional<handle> copy_request(handle req) {
  const std::optional<std::string> method = request_method(req);
  const std::optional<std::string> uri = request_uri(req);
  const auto names =
      read_values([&](char* b, std::size_t n, std::uint32_t c, std::int64_t* e, std::size_t* w) {
        return fastly_http_req__header_names_get(req, b, n, c, e, w);
      });
  if (!method || !uri || !names) return std::nullopt;
  handle copy = abi::kInvalidHandle;
  if (fastly_http_req__new(&copy) != abi::ok) return std::nullopt;
  bool ok = fastly_http_req__method_set(copy, method->data(), method->size()) == abi::ok &&
            fastly_http_req__uri_set(copy, uri->data(), uri->size()) == abi::ok;
  for (const std::string& name : *names) {
    if (!ok) break;
    const auto values =
        read_values([&](char* b, std::size_t n, std::uint32_t c, std::int64_t* e, std::size_t* w) {
          return fastly_http_req__header_values_get(req, name.data(), name.size(), b, n, c, e, w);
        });
    if (!values) {
      ok = false;
      break;
    }
    // header_values_set takes the values each ended by '\0', as header_values_get gives them.
    std::string joined;
    for (const std::string& v : *values) {
      joined += v;
      joined += '\0';
    }
    ok = fastly_http_req__header_values_set(copy, name.data(), name.size(), joined.data(),
                                            joined.size()) == abi::ok;
  }
  if (!ok) {
    (void)fastly_http_req__close(copy);
    return std::nullopt;
  }
  return copy;
}

std::optional<handle> new_request(std::string_view method, std::string_view uri) {
  handle req = abi::kInvalidHandle;
  if (fastly_http_req__new(&req) != abi::ok) return std::nullopt;
  if (fastly_http_req__method_set(req, method.data(), method.size()) != abi::ok ||
      fastly_http_req__uri_set(req, uri.data(), uri.size()) != abi::ok) {
    (void)fastly_http_req__close(req);
    return std::nullopt;
  }
  return req;
}

status cache_pass(handle req) {
  return fastly_http_req__cache_override_set(req, abi::cache_pass, 0, 0);
}

status cache_ttl(handle req, std::uint32_t seconds) {
  return fastly_http_req__cache_override_set(req, abi::cache_ttl, seconds, 0);
}

status write_all(handle body, std::string_view data) {
  while (!data.empty()) {
    std::size_t n = 0;
    const status st = fastly_http_body__write(body, data.data(), data.size(), abi::back, &n);
    if (st != abi::ok) return st;
    if (n == 0 || n > data.size()) return abi::error;  // no progress, or a host that overcounts
    data.remove_prefix(n);
  }
  return abi::ok;
}

void close_body(handle body) {
  (void)fastly_http_body__close(body);
}

std::optional<handle> send_async(handle req, handle body, std::string_view backend) {
  handle pending = abi::kInvalidHandle;
  if (fastly_http_req__send_async(req, body, backend.data(), backend.size(), &pending) != abi::ok) {
    return std::nullopt;
  }
  return pending;
}

double monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

namespace {

// Blocks until `item` is ready or `deadline_ms` passes (no deadline when < 0): true when ready.
bool ready_by(handle item, double deadline_ms) {
  std::uint32_t timeout = 0;  // 0: no timeout
  if (deadline_ms >= 0) {
    const double left = deadline_ms - monotonic_ms();
    if (left < 1) return false;
    timeout = left > 4e9 ? 4000000000u : static_cast<std::uint32_t>(left);
  }
  std::uint32_t index = abi::kSelectTimedOut;
  return fastly_async_io__select(&item, 1, timeout, &index) == abi::ok && index == 0;
}

}  // namespace

status wait(handle pending, double deadline_ms, message& response) {
  if (!ready_by(pending, deadline_ms)) return abi::again;
  return fastly_http_req__pending_req_wait(pending, &response.head, &response.body);
}

read_end read_body(handle body, double limit, double deadline_ms, std::string& out) {
  char buf[16384];
  while (true) {
    if (deadline_ms >= 0 && !ready_by(body, deadline_ms)) return read_end::timed_out;
    std::size_t n = 0;
    if (fastly_http_body__read(body, buf, sizeof buf, &n) != abi::ok) return read_end::failed;
    if (n == 0) return read_end::complete;
    if (static_cast<double>(out.size() + n) > limit) return read_end::over_limit;
    out.append(buf, n);
  }
}

std::uint16_t response_status(handle resp) {
  std::uint16_t code = 0;
  return fastly_http_resp__status_get(resp, &code) == abi::ok ? code : 0;
}

std::vector<std::pair<std::string, std::string>> response_headers(handle resp) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto names =
      read_values([&](char* b, std::size_t n, std::uint32_t c, std::int64_t* e, std::size_t* w) {
        return fastly_http_resp__header_names_get(resp, b, n, c, e, w);
      });
  if (!names) return out;
  for (const std::string& name : *names) {
    const auto values =
        read_values([&](char* b, std::size_t n, std::uint32_t c, std::int64_t* e, std::size_t* w) {
          return fastly_http_resp__header_values_get(resp, name.data(), name.size(), b, n, c, e, w);
        });
    if (!values) continue;
    if (name == "set-cookie") {
      for (const std::string& v : *values) out.emplace_back(name, v);
      continue;
    }
    std::string joined;
    for (const std::string& v : *values) joined += (joined.empty() ? "" : ", ") + v;
    out.emplace_back(name, std::move(joined));
  }
  return out;
}

void close_response(handle resp) {
  (void)fastly_http_resp__close(resp);
}

std::optional<handle> new_body() {
  handle b = abi::kInvalidHandle;
  if (fastly_http_body__new(&b) != abi::ok) return std::nullopt;
  return b;
}

status send(handle req, handle body, std::string_view backend, message& response) {
  return fastly_http_req__send(req, body, backend.data(), backend.size(), &response.head,
                               &response.body);
}

status response_header_insert(handle resp, std::string_view name, std::string_view value) {
  return fastly_http_resp__header_insert(resp, name.data(), name.size(), value.data(),
                                         value.size());
}

status response_header_append(handle resp, std::string_view name, std::string_view value) {
  return fastly_http_resp__header_append(resp, name.data(), name.size(), value.data(),
                                         value.size());
}

void response_header_remove(handle resp, std::string_view name) {
  (void)fastly_http_resp__header_remove(resp, name.data(), name.size());
}

status send_downstream(const message& response) {
  return fastly_http_resp__send_downstream(response.head, response.body, 0);
}

status send_downstream_streaming(handle resp, handle body) {
  return fastly_http_resp__send_downstream(resp, body, 1);
}

void respond_text(std::uint16_t code, std::string_view text, std::string_view arm_header,
                  std::string_view arm, std::string_view fallback) {
  message m;
  if (fastly_http_resp__new(&m.head) != abi::ok) return;
  const std::optional<handle> body = new_body();
  if (!body) return;
  m.body = *body;
  (void)fastly_http_resp__status_set(m.head, code);
  (void)response_header_insert(m.head, "content-type", "text/plain; charset=utf-8");
  if (!arm_header.empty() && !arm.empty()) (void)response_header_insert(m.head, arm_header, arm);
  if (!fallback.empty()) (void)response_header_insert(m.head, "x-rollgate-fallback", fallback);
  std::size_t written = 0;
  (void)fastly_http_body__write(m.body, text.data(), text.size(), abi::back, &written);
  (void)send_downstream(m);
}

std::optional<handle> config_store_open(std::string_view name) {
  handle h = abi::kInvalidHandle;
  if (fastly_config_store__open(name.data(), name.size(), &h) != abi::ok) return std::nullopt;
  return h;
}

std::optional<std::string> config_store_get(handle store, std::string_view key) {
  return read_string(
      [&](char* b, std::size_t n, std::size_t* w) {
        return fastly_config_store__get(store, key.data(), key.size(), b, n, w);
      },
      1024);
}

std::optional<handle> secret_store_open(std::string_view name) {
  handle h = abi::kInvalidHandle;
  if (fastly_secret_store__open(name.data(), name.size(), &h) != abi::ok) return std::nullopt;
  return h;
}

std::optional<std::string> secret_get(handle store, std::string_view key) {
  handle secret = abi::kInvalidHandle;
  if (fastly_secret_store__get(store, key.data(), key.size(), &secret) != abi::ok) {
    return std::nullopt;
  }
  return read_string(
      [&](char* b, std::size_t n, std::size_t* w) {
        return fastly_secret_store__plaintext(secret, b, n, w);
      },
      128);
}

bool backend_exists(std::string_view name) {
  std::uint32_t exists = 0;
  return fastly_backend__exists(name.data(), name.size(), &exists) == abi::ok && exists == 1;
}

bool backend_unhealthy(std::string_view name) {
  std::uint32_t health = abi::health_unknown;
  return fastly_backend__is_healthy(name.data(), name.size(), &health) == abi::ok &&
         health == abi::unhealthy;
}

bool random_bytes(void* out, std::size_t n) {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {  // getentropy gives at most 256 bytes per call
    const std::size_t k = n > 256 ? 256 : n;
    if (getentropy(p, k) != 0) return false;
    p += k;
    n -= k;
  }
  return true;
}

}  // namespace rollgate_fastly::host
