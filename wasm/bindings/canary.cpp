// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The canary judge (canary.hpp) through Embind: JSON text in, JSON text out, "" after recording
// an error (see common.hpp).
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS, function

#include <string>  // std::string

#include "common.hpp"
#include "rollgate/canary.hpp"  // rollgate::judge, validate_canary_config, to_json

namespace {

using rollgate::wasm::guard;

std::string judge(std::string config, std::string baseline, std::string canary) {
  return guard(std::string(),
               [&] { return rollgate::to_json(rollgate::judge(config, baseline, canary)); });
}

bool validate_canary_config(std::string config) {
  return guard(false, [&] {
    rollgate::validate_canary_config(config);
    return true;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(rollgate_canary) {
  using namespace emscripten;
  function("judge", &judge);
  function("validateCanaryConfig", &validate_canary_config);
}
