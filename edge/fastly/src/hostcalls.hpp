// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file hostcalls.hpp
/// @brief The Fastly Compute hostcalls the service imports, declared as the witx ABI lowers them
/// (fastly/Viceroy, lib/compute-at-edge-abi/*.witx; the table in tests/fastly/support/abi.json
/// was generated from those files and the harness checks every import below against it):
///   - every call returns a `fastly_status` (u32; 0 = ok);
///   - `string` and `(list u8)` parameters are a (pointer, length) pair;
///   - the ok value of `(expected T (error $fastly_status))` is written through one out-pointer
///     per value (a tuple gives several), appended after the parameters;
///   - handles are u32, `usize` is 32 bits on wasm32.
/// Only the calls this service uses are declared: an unused import would still have to be
/// provided by the host and would widen what the service depends on.
#ifndef ROLLGATE_FASTLY_HOSTCALLS_HPP
#define ROLLGATE_FASTLY_HOSTCALLS_HPP

#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint32_t, std::uint64_t, std::int64_t

namespace rollgate_fastly::abi {

/// @brief typenames.witx `$fastly_status`.
enum status : std::uint32_t {
  ok = 0,
  error = 1,
  inval = 2,
  badf = 3,
  buflen = 4,
  unsupported = 5,
  badalign = 6,
  httpinvalid = 7,
  httpuser = 8,
  httpincomplete = 9,
  none = 10,
  httpheadtoolarge = 11,
  httpinvalidstatus = 12,
  limitexceeded = 13,
  again = 14,
};

using handle = std::uint32_t;
/// @brief The invalid handle, as the Fastly SDKs spell it (u32::MAX).
inline constexpr handle kInvalidHandle = 0xFFFFFFFFu;
/// @brief typenames.witx `$body_write_end`.
enum body_write_end : std::uint32_t { back = 0, front = 1 };
/// @brief typenames.witx `$cache_override_tag` (flags): no override is 0.
enum cache_override : std::uint32_t { cache_pass = 1, cache_ttl = 2 };
/// @brief typenames.witx `$backend_health`.
enum backend_health : std::uint32_t { health_unknown = 0, healthy = 1, unhealthy = 2 };
/// @brief What fastly_async_io.select answers when its timeout passes first (u32::MAX).
inline constexpr std::uint32_t kSelectTimedOut = 0xFFFFFFFFu;

}  // namespace rollgate_fastly::abi

#define ROLLGATE_FASTLY_IMPORT(module, name) \
  __attribute__((import_module(module), import_name(name)))

extern "C" {
using rollgate_fastly::abi::handle;
using rollgate_fastly::abi::status;

// --- fastly_abi ---------------------------------------------------------------------------------
ROLLGATE_FASTLY_IMPORT("fastly_abi", "init")
status fastly_abi__init(std::uint64_t abi_version);

// --- fastly_http_req ----------------------------------------------------------------------------
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "body_downstream_get")
status fastly_http_req__body_downstream_get(handle* req_out, handle* body_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "new")
status fastly_http_req__new(handle* req_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "method_get")
status fastly_http_req__method_get(handle req, char* buf, std::size_t buf_len,
                                   std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "method_set")
status fastly_http_req__method_set(handle req, const char* method, std::size_t method_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "uri_get")
status fastly_http_req__uri_get(handle req, char* buf, std::size_t buf_len,
                                std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "uri_set")
status fastly_http_req__uri_set(handle req, const char* uri, std::size_t uri_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "header_names_get")
status fastly_http_req__header_names_get(handle req, char* buf, std::size_t buf_len,
                                         std::uint32_t cursor, std::int64_t* ending_cursor_out,
                                         std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "header_values_get")
status fastly_http_req__header_values_get(handle req, const char* name, std::size_t name_len,
                                          char* buf, std::size_t buf_len, std::uint32_t cursor,
                                          std::int64_t* ending_cursor_out,
                                          std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "header_values_set")
status fastly_http_req__header_values_set(handle req, const char* name, std::size_t name_len,
                                          const char* values, std::size_t values_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "header_value_get")
status fastly_http_req__header_value_get(handle req, const char* name, std::size_t name_len,
                                         char* value, std::size_t value_max_len,
                                         std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "header_insert")
status fastly_http_req__header_insert(handle req, const char* name, std::size_t name_len,
                                      const char* value, std::size_t value_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "header_remove")
status fastly_http_req__header_remove(handle req, const char* name, std::size_t name_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "send")
status fastly_http_req__send(handle req, handle body, const char* backend, std::size_t backend_len,
                             handle* resp_out, handle* resp_body_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "cache_override_set")
status fastly_http_req__cache_override_set(handle req, std::uint32_t tag, std::uint32_t ttl,
                                           std::uint32_t stale_while_revalidate);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "send_async")
status fastly_http_req__send_async(handle req, handle body, const char* backend,
                                   std::size_t backend_len, handle* pending_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "pending_req_wait")
status fastly_http_req__pending_req_wait(handle pending, handle* resp_out, handle* resp_body_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_req", "close")
status fastly_http_req__close(handle req);

// --- fastly_http_resp ---------------------------------------------------------------------------
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "new")
status fastly_http_resp__new(handle* resp_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "header_insert")
status fastly_http_resp__header_insert(handle resp, const char* name, std::size_t name_len,
                                       const char* value, std::size_t value_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "header_append")
status fastly_http_resp__header_append(handle resp, const char* name, std::size_t name_len,
                                       const char* value, std::size_t value_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "header_remove")
status fastly_http_resp__header_remove(handle resp, const char* name, std::size_t name_len);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "header_names_get")
status fastly_http_resp__header_names_get(handle resp, char* buf, std::size_t buf_len,
                                          std::uint32_t cursor, std::int64_t* ending_cursor_out,
                                          std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "header_values_get")
status fastly_http_resp__header_values_get(handle resp, const char* name, std::size_t name_len,
                                           char* buf, std::size_t buf_len, std::uint32_t cursor,
                                           std::int64_t* ending_cursor_out,
                                           std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "status_get")
status fastly_http_resp__status_get(handle resp, std::uint16_t* status_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "close")
status fastly_http_resp__close(handle resp);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "status_set")
status fastly_http_resp__status_set(handle resp, std::uint16_t status);
ROLLGATE_FASTLY_IMPORT("fastly_http_resp", "send_downstream")
status fastly_http_resp__send_downstream(handle resp, handle body, std::uint32_t streaming);

// --- fastly_http_body ---------------------------------------------------------------------------
ROLLGATE_FASTLY_IMPORT("fastly_http_body", "new")
status fastly_http_body__new(handle* body_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_body", "write")
status fastly_http_body__write(handle body, const char* buf, std::size_t buf_len,
                               rollgate_fastly::abi::body_write_end end, std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_body", "read")
status fastly_http_body__read(handle body, char* buf, std::size_t buf_len, std::size_t* nread_out);
ROLLGATE_FASTLY_IMPORT("fastly_http_body", "close")
status fastly_http_body__close(handle body);
ROLLGATE_FASTLY_IMPORT("fastly_http_body", "abandon")
status fastly_http_body__abandon(handle body);

// --- fastly_async_io ----------------------------------------------------------------------------
ROLLGATE_FASTLY_IMPORT("fastly_async_io", "select")
status fastly_async_io__select(const handle* handles, std::size_t handles_len,
                               std::uint32_t timeout_ms, std::uint32_t* ready_idx_out);

// --- fastly_config_store, fastly_secret_store, fastly_backend ---------------------------------
ROLLGATE_FASTLY_IMPORT("fastly_config_store", "open")
status fastly_config_store__open(const char* name, std::size_t name_len, handle* store_out);
ROLLGATE_FASTLY_IMPORT("fastly_config_store", "get")
status fastly_config_store__get(handle store, const char* key, std::size_t key_len, char* value,
                                std::size_t value_max_len, std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_secret_store", "open")
status fastly_secret_store__open(const char* name, std::size_t name_len, handle* store_out);
ROLLGATE_FASTLY_IMPORT("fastly_secret_store", "get")
status fastly_secret_store__get(handle store, const char* key, std::size_t key_len,
                                handle* secret_out);
ROLLGATE_FASTLY_IMPORT("fastly_secret_store", "plaintext")
status fastly_secret_store__plaintext(handle secret, char* buf, std::size_t buf_len,
                                      std::size_t* nwritten_out);
ROLLGATE_FASTLY_IMPORT("fastly_backend", "exists")
status fastly_backend__exists(const char* name, std::size_t name_len, std::uint32_t* exists_out);
ROLLGATE_FASTLY_IMPORT("fastly_backend", "is_healthy")
status fastly_backend__is_healthy(const char* name, std::size_t name_len,
                                  std::uint32_t* health_out);
}

#endif  // ROLLGATE_FASTLY_HOSTCALLS_HPP
