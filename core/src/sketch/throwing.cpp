// The throwing API of rollgate/sketch.hpp: thin wrappers over the try_ functions, which return
// problems as values. The only sketch file with a `throw`, so a build without exceptions (the
// wasm32-wasi Fastly service) leaves it out and calls the try_ functions.
#include "detail/raise.hpp"
#include "rollgate/error.hpp"
#include "rollgate/sketch.hpp"

namespace rollgate {

using detail::raise;

quantile_sketch::quantile_sketch(double relative_accuracy, std::size_t max_buckets)
    : quantile_sketch() {
  raise(try_create(relative_accuracy, max_buckets, *this));
}

void quantile_sketch::add(double value) {
  raise(try_add(value));
}

void quantile_sketch::add(double value, std::uint64_t count) {
  raise(try_add(value, count));
}

void quantile_sketch::add_all(const std::vector<double>& values) {
  raise(try_add_all(values));
}

void quantile_sketch::merge(const quantile_sketch& other) {
  raise(try_merge(other));
}

double quantile_sketch::quantile(double q) const {
  double out = 0;
  raise(try_quantile(q, out));
  return out;
}

quantile_sketch quantile_sketch::from_json(std::string_view json) {
  quantile_sketch out;
  raise(try_from_json(json, out));
  return out;
}

quantile_sketch quantile_sketch::from_base64(std::string_view text) {
  quantile_sketch out;
  raise(try_from_base64(text, out));
  return out;
}

}  // namespace rollgate
