// The throwing API of rollgate/mismatch_report.hpp: thin wrappers over the try_ functions, which
// return problems as values. The only mismatch report file with a `throw`, so a build without
// exceptions (the wasm32-wasi Fastly service) leaves it out and calls the try_ functions.
#include "detail/raise.hpp"
#include "rollgate/error.hpp"
#include "rollgate/mismatch_report.hpp"

namespace rollgate {

using detail::raise;

mismatch_report::mismatch_report(report_limits limits) : mismatch_report() {
  raise(try_create(limits, *this));
}

diff_result mismatch_report::add_responses(const response& served, const response& shadow,
                                           const response* secondary, const diff_options& options) {
  diff_result candidate;
  raise(try_add_responses(served, shadow, secondary, options, &candidate));
  return candidate;
}

void mismatch_report::merge(const mismatch_report& other) {
  raise(try_merge(other));
}

std::vector<field_verdict> mismatch_report::judge(const noise_thresholds& thresholds) const {
  std::vector<field_verdict> out;
  raise(try_judge(thresholds, out));
  return out;
}

mismatch_report mismatch_report::from_json(std::string_view json_text) {
  mismatch_report out;
  raise(try_from_json(json_text, out));
  return out;
}

}  // namespace rollgate
