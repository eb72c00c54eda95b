// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Turns the problems a try_ function returns into the rollgate::error the throwing API throws.
// Included only by the *throwing.cpp files: a build without exceptions (the wasm32-wasi Fastly
// service) never sees a `throw`.
#pragma once

#include <optional>  // std::optional
#include <utility>   // std::move
#include <vector>    // std::vector

#include "rollgate/error.hpp"

namespace rollgate::detail {

inline void raise(std::optional<problem> p) {
  if (p) throw error({std::move(*p)});
}

inline void raise(std::vector<problem> problems) {
  if (!problems.empty()) throw error(std::move(problems));
}

}  // namespace rollgate::detail
