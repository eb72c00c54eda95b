// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file host.hpp
/// @brief Small C++ wrappers over the hostcalls (hostcalls.hpp): strings in and out, buffers
/// grown when the host answers `buflen`, statuses as values (this target has no exceptions).
#ifndef ROLLGATE_FASTLY_HOST_HPP
#define ROLLGATE_FASTLY_HOST_HPP

#include <cstdint>      // std::uint16_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

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

/// @brief A new, empty body.
std::optional<handle> new_body();

/// @brief Sends `req` with `body` to `backend` and waits for the response head. Both handles are
/// consumed, whatever the outcome.
status send(handle req, handle body, std::string_view backend, message& response);

status response_header_insert(handle resp, std::string_view name, std::string_view value);
status response_header_append(handle resp, std::string_view name, std::string_view value);
void response_header_remove(handle resp, std::string_view name);
/// @brief Sends the response to the client; the host streams `body` to it (`streaming` = 0: the
/// body is a backend's, which the host pipes through without the service copying it).
status send_downstream(const message& response);

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

}  // namespace rollgate_fastly::host

#endif  // ROLLGATE_FASTLY_HOST_HPP
