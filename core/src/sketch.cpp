// Quantile sketch: see rollgate/sketch.hpp. (Work in progress.)
#include "rollgate/sketch.hpp"

#include <cmath>   // std::log
#include <limits>  // std::numeric_limits

#include "rollgate/error.hpp"

namespace rollgate {
namespace {
[[noreturn]] void not_implemented(const char* what) {
  throw rollgate::error("rollgate.stats.499", "", std::string(what) + ": not implemented yet");
}
}  // namespace

quantile_sketch::quantile_sketch(double relative_accuracy, std::size_t max_buckets)
    : alpha_(relative_accuracy),
      gamma_((1 + relative_accuracy) / (1 - relative_accuracy)),
      inv_log_gamma_(1.0 / std::log(gamma_)),
      max_buckets_(max_buckets),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {}
void quantile_sketch::add(double) {
  not_implemented("quantile_sketch::add");
}
void quantile_sketch::add(double, std::uint64_t) {
  not_implemented("quantile_sketch::add");
}
void quantile_sketch::add_all(const std::vector<double>&) {
  not_implemented("add_all");
}
void quantile_sketch::merge(const quantile_sketch&) {
  not_implemented("merge");
}
double quantile_sketch::quantile(double) const {
  not_implemented("quantile");
}
std::size_t quantile_sketch::bucket_count() const noexcept {
  return 0;
}
std::string quantile_sketch::to_json() const {
  not_implemented("to_json");
}
quantile_sketch quantile_sketch::from_json(std::string_view) {
  not_implemented("from_json");
}
std::string quantile_sketch::to_base64() const {
  not_implemented("to_base64");
}
quantile_sketch quantile_sketch::from_base64(std::string_view) {
  not_implemented("from_base64");
}
bool quantile_sketch::operator==(const quantile_sketch& o) const noexcept {
  return count_ == o.count_;
}
void quantile_sketch::add_key(store&, std::int32_t, std::uint64_t, bool) {}
std::int32_t quantile_sketch::key_of(double) const noexcept {
  return 0;
}
double quantile_sketch::value_of(std::int32_t) const noexcept {
  return 0;
}
void quantile_sketch::check_compatible(const quantile_sketch&) const {}

}  // namespace rollgate
