// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "host.hpp"

#include <cstddef>  // std::size_t
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

}  // namespace rollgate_fastly::host
