// The throwing forms of the checked bucketing functions (rollgate/bucket.hpp): thin wrappers
// over the try_ functions of bucket.cpp. The only bucketing code with a `throw`, so a build
// without exceptions (the wasm32-wasi Fastly service) leaves this file out and calls the try_
// forms.
#include "detail/raise.hpp"
#include "rollgate/bucket.hpp"
#include "rollgate/error.hpp"

namespace rollgate {

using detail::raise;

std::uint32_t percent_to_scale(std::string_view percent) {
  std::uint32_t out = 0;
  raise(try_percent_to_scale(percent, out));
  return out;
}

std::uint32_t percent_to_scale(double percent) {
  std::uint32_t out = 0;
  raise(try_percent_to_scale(percent, out));
  return out;
}

std::uint32_t rate_to_scale(double rate) {
  std::uint32_t out = 0;
  raise(try_rate_to_scale(rate, out));
  return out;
}

void check_coverage(std::uint32_t coverage) {
  raise(try_check_coverage(coverage));
}

void check_weights(const std::uint32_t* weights, std::size_t count) {
  raise(try_check_weights(weights, count));
}

void weights_to_scale(const double* weights, std::size_t count, std::uint32_t* out) {
  raise(try_weights_to_scale(weights, count, out));
}

bool in_rollout(std::string_view unit, std::string_view salt, std::uint32_t coverage) {
  bool out = false;
  raise(try_in_rollout(unit, salt, coverage, out));
  return out;
}

std::size_t pick_variant(std::string_view unit, std::string_view salt, const std::uint32_t* weights,
                         std::size_t count) {
  std::size_t out = 0;
  raise(try_pick_variant(unit, salt, weights, count, out));
  return out;
}

}  // namespace rollgate
