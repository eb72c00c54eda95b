// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Error slot and memory helpers shared by every binding (see common.hpp).
#include "common.hpp"

#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <string>  // std::string

#include "rollgate/version.hpp"  // rollgate::version

namespace rollgate::wasm {
namespace {
std::string g_last_error;  // JSON text of the last error; read by JS right after the failing call
}

void set_error(const rollgate::error& e) {
  g_last_error = e.to_json();
}

void set_error(std::string_view code, std::string_view message) {
  set_error(rollgate::error(std::string(code), "", std::string(message)));
}

void record_current_exception() noexcept {
  try {
    throw;
  } catch (const rollgate::error& e) {
    set_error(e);
  } catch (const std::bad_alloc&) {
    set_error("rollgate.js.801", "out of memory");
  } catch (const std::exception& e) {
    set_error("rollgate.js.802", std::string("internal error: ") + e.what());
  } catch (...) {
    set_error("rollgate.js.802", "internal error: unknown exception");
  }
}

}  // namespace rollgate::wasm

extern "C" {

/// Address of the last error's JSON text (NUL-terminated), valid until the next failing call.
EMSCRIPTEN_KEEPALIVE const char* rg_last_error() {
  return rollgate::wasm::g_last_error.c_str();
}

/// The library version string (static).
EMSCRIPTEN_KEEPALIVE const char* rg_version() {
  return rollgate::version();
}
}
