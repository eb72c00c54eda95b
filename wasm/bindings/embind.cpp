// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The Embind surface shared by every area: the library version.
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS

#include <string>  // std::string

#include "rollgate/version.hpp"  // rollgate::version

EMSCRIPTEN_BINDINGS(rollgate_common) {
  emscripten::function(
      "version", +[]() { return std::string(rollgate::version()); });
}
