// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Shared plumbing of the WebAssembly bindings.
//
// C++ exceptions must not cross into JavaScript (JS would see a bare number or an opaque
// WebAssembly.Exception, and the message would be lost), so every entry point runs its body
// through guard(): a rollgate::error (or any std::exception) becomes the "last error", stored here
// as JSON text, and the entry point returns a sentinel. The JS wrapper sees the sentinel, reads
// the error with rg_last_error() and throws a RollgateError. Nothing else is shared between calls,
// so the module keeps working after any number of errors.
#ifndef ROLLGATE_WASM_COMMON_HPP
#define ROLLGATE_WASM_COMMON_HPP

#include <cstdint>      // std::uint8_t
#include <exception>    // std::exception
#include <new>          // std::bad_alloc
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::forward
#include <vector>       // std::vector

#include "rollgate/error.hpp"  // rollgate::error, rollgate::json_quote

namespace rollgate::wasm {

/// Records `e` as the last error: its JSON, rollgate::error::to_json()
/// ({"code","pointer","message","what","problems":[...]}).
void set_error(const rollgate::error& e);
/// Records an error that is not a rollgate::error (bad_alloc, a bug) under code `code`.
void set_error(std::string_view code, std::string_view message);
/// JSON text of a string: the core's one escaper.
using rollgate::json_quote;

/// Records the exception being handled (call only inside a catch block): a rollgate::error as
/// itself, bad_alloc as rollgate.js.801, anything else as rollgate.js.802. One out-of-line
/// function for every entry point, so that each guard() adds a single catch-all landing pad
/// instead of four catch clauses with their message building (measured: about 10 KB of the
/// flags-only module).
void record_current_exception() noexcept;

/// Runs f(); on an exception records it and returns `fallback`.
template <typename R, typename F>
R guard(R fallback, F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (...) {
    record_current_exception();
  }
  return fallback;
}

/// The bytes [ptr, ptr + len) of WASM memory as a string_view (JS passes addresses as numbers).
inline std::string_view view(std::uintptr_t ptr, std::uint32_t len) noexcept {
  return len == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(ptr), len);
}

/// "a\0b\0c" → {"a", "b", "c"}; "" → {}. JS passes lists of names joined with NULs (no metric,
/// event or source name contains one), so one string crosses the boundary instead of an array.
inline std::vector<std::string> split_nul(const std::string& joined) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (start < joined.size()) {
    const auto end = joined.find('\0', start);
    out.push_back(joined.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace rollgate::wasm

#endif  // ROLLGATE_WASM_COMMON_HPP
