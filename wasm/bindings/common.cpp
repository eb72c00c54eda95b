// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Error slot and memory helpers shared by every binding (see common.hpp).
#include "common.hpp"

#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <cstdio>  // std::snprintf
#include <string>  // std::string

#include "rollgate/version.hpp"  // rollgate::version

namespace rollgate::wasm {
namespace {
std::string g_last_error;  // JSON text of the last error; read by JS right after the failing call
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

void set_error(const rollgate::error& e) {
  std::string out = "{\"code\":" + json_quote(e.code()) +
                    ",\"pointer\":" + json_quote(e.pointer()) +
                    ",\"message\":" + json_quote(e.message()) +
                    ",\"what\":" + json_quote(e.what()) + ",\"problems\":[";
  bool first = true;
  for (const auto& p : e.problems()) {
    if (!first) out += ',';
    first = false;
    out += "{\"code\":" + json_quote(p.code) + ",\"pointer\":" + json_quote(p.pointer) +
           ",\"message\":" + json_quote(p.message) + "}";
  }
  out += "]}";
  g_last_error = std::move(out);
}

void set_error(std::string_view id, std::string_view message) {
  set_error(rollgate::error(std::string(id), "", std::string(message)));
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
