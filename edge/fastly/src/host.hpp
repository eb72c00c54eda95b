// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file host.hpp
/// @brief Small C++ wrappers over the hostcalls (hostcalls.hpp): strings in and out, buffers
/// grown when the host answers `buflen`, statuses as values (this target has no exceptions).
#ifndef ROLLGATE_FASTLY_HOST_HPP
#define ROLLGATE_FASTLY_HOST_HPP

#include <cstdint>      // std::uint16_t, std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "hostcalls.hpp"  // abi::handle, abi::status

namespace rollgate_fastly::host {

using abi::handle;
using abi::status;

/// @brief A request or response with its body.
struct message {
  handle head = abi::kInvalidHandle;
  handle body = abi::kInvalidHandle;
};

/// @brief The downstream (client) request, or nothing if the host has none.
std::optional<message> downstream_request();

std::optional<std::string> request_method(handle req);
std::optional<std::string> request_uri(handle req);
/// @brief The first value of header `name` (lower case), or nothing when it is absent.
std::optional<std::string> request_header(handle req, std::string_view name);
status request_header_insert(handle req, std::string_view name, std::string_view value);
/// @brief Removes a header; absent headers are fine (the host answers `inval` for them).
void request_header_remove(handle req, std::string_view name);

/// @brief A new request with the same method, URI and headers (every value of every header).
std::optional<handle> copy_request(handle req);

/// @brief A new request with `method` and `uri` and no headers.
std::optional<handle> new_request(std::string_view method, std::string_view uri);

/// @brief Sets the readthrough cache's behaviour for `req`: pass (never cached), or a TTL in
/// whole seconds (the host's unit) that overrides the response's own cache headers.
status cache_pass(handle req);
status cache_ttl(handle req, std::uint32_t seconds);

/// @brief A new, empty body.
std::optional<handle> new_body();

/// @brief Writes all of `data` to `body` (the host may take it in parts).
status write_all(handle body, std::string_view data);

/// @brief Closes a body: for a streaming body, the successful end of the stream.
void close_body(handle body);

/// @brief Sends `req` with `body` to `backend` and waits for the response head. Both handles are
/// consumed, whatever the outcome.
status send(handle req, handle body, std::string_view backend, message& response);

/// @brief Sends `req` with `body` to `backend` without waiting: the pending request, or nothing
/// when the host refuses it at once. Both handles are consumed.
std::optional<handle> send_async(handle req, handle body, std::string_view backend);

/// @brief Milliseconds of the monotonic clock (for latencies and deadlines).
double monotonic_ms();

/// @brief Waits for a pending request's response head until `deadline_ms` (monotonic_ms()).
/// @return ok with `response` filled; error when the backend failed; again when the deadline
/// passed first (the request is left pending).
status wait(handle pending, double deadline_ms, message& response);

/// @brief How reading a body ended.
enum class read_end { complete, over_limit, failed, timed_out };

/// @brief Reads a whole body, at most `limit` bytes, until `deadline_ms` (no deadline when < 0).
/// Stops reading at the first byte past the limit (over_limit) and closes nothing.
read_end read_body(handle body, double limit, double deadline_ms, std::string& out);

/// @brief A response's status, or 0 when the host has none.
std::uint16_t response_status(handle resp);
/// @brief A response's headers as (lower-case name, value) pairs, a name's values joined by ", "
/// in one pair as the Fetch API's Headers iterates them (set-cookie: one pair per value).
std::vector<std::pair<std::string, std::string>> response_headers(handle resp);
/// @brief Frees a response head that is not sent downstream.
void close_response(handle resp);

status response_header_insert(handle resp, std::string_view name, std::string_view value);
status response_header_append(handle resp, std::string_view name, std::string_view value);
void response_header_remove(handle resp, std::string_view name);
/// @brief Sends the response to the client; the host streams `body` to it (`streaming` = 0: the
/// body is a backend's, which the host pipes through without the service copying it).
status send_downstream(const message& response);
/// @brief Sends the response head to the client with `body` as a streaming body that the
/// service writes to (write_all) and ends (close_body); the instance keeps running meanwhile.
status send_downstream_streaming(handle resp, handle body);

/// @brief Answers the client with a short text: 502 when there is nothing to fail open to or
/// the origin cannot be reached. `arm` goes into `arm_header` and `fallback` into
/// x-rollgate-fallback, each when non-empty.
void respond_text(std::uint16_t code, std::string_view text, std::string_view arm_header = {},
                  std::string_view arm = {}, std::string_view fallback = {});

/// @brief A config store, or nothing when the service has none of that name.
std::optional<handle> config_store_open(std::string_view name);
/// @brief An item of a config store, or nothing when absent.
std::optional<std::string> config_store_get(handle store, std::string_view key);
/// @brief A secret store, or nothing when the service has none of that name.
std::optional<handle> secret_store_open(std::string_view name);
/// @brief A secret's plaintext, or nothing when absent.
std::optional<std::string> secret_get(handle store, std::string_view key);

/// @brief True iff the service has a backend of that name.
bool backend_exists(std::string_view name);
/// @brief True iff the backend's health check says it is down (no check configured: false).
bool backend_unhealthy(std::string_view name);

/// @brief Bytes from the host's random source (WASI random_get); false when there are none.
bool random_bytes(void* out, std::size_t n);

}  // namespace rollgate_fastly::host

#endif  // ROLLGATE_FASTLY_HOST_HPP
