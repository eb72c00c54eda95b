// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Structural diff (diff.hpp) and the mismatch report (mismatch_report.hpp) through Embind.
// Documents and options cross as JSON text; results come back as the core's JSON. A report adds
// a comparison by diffing inside WebAssembly, so a result never makes a round trip through JS.
#include <emscripten/bind.h>  // EMSCRIPTEN_BINDINGS, class_, function

#include <cstdint>  // std::uint64_t
#include <string>   // std::string
#include <utility>  // std::pair
#include <vector>   // std::vector

#include "common.hpp"
#include "rollgate/diff.hpp"             // rollgate::diff_json, diff_responses, ...
#include "rollgate/mismatch_report.hpp"  // rollgate::mismatch_report

namespace {

using rollgate::wasm::guard;

/// Parsed options, cached by their text: experiments pass the same options on every call.
struct options_cache {
  std::string text;
  rollgate::diff_options options;
  bool valid = false;

  const rollgate::diff_options& get(const std::string& t) {
    if (!valid || t != text) {
      valid = false;
      options = t.empty() ? rollgate::diff_options{} : rollgate::parse_diff_options(t);
      text = t;
      valid = true;
    }
    return options;
  }
};

options_cache& shared_options() {
  static options_cache cache;
  return cache;
}

std::string diff_json(std::string old_json, std::string new_json, std::string options) {
  return guard(std::string(), [&] {
    return rollgate::diff_result_to_json(
        rollgate::diff_json(old_json, new_json, shared_options().get(options)));
  });
}

bool validate_diff_options(std::string options) {
  return guard(false, [&] {
    rollgate::parse_diff_options(options);
    return true;
  });
}

/// Headers arrive as "name\0value\0name\0value\0..." (NUL never occurs in HTTP header fields).
rollgate::response make_response(double status, const std::string& headers, std::string body,
                                 std::string content_type) {
  rollgate::response r;
  r.status = static_cast<int>(status);
  std::size_t at = 0;
  while (at < headers.size()) {
    const std::size_t name_end = headers.find('\0', at);
    if (name_end == std::string::npos) break;
    const std::size_t value_end = headers.find('\0', name_end + 1);
    const std::size_t stop = value_end == std::string::npos ? headers.size() : value_end;
    r.headers.emplace_back(headers.substr(at, name_end - at),
                           headers.substr(name_end + 1, stop - name_end - 1));
    at = stop + 1;
  }
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

std::string diff_responses(double old_status, std::string old_headers, std::string old_body,
                           std::string old_type, double new_status, std::string new_headers,
                           std::string new_body, std::string new_type, std::string options) {
  return guard(std::string(), [&] {
    return rollgate::diff_result_to_json(rollgate::diff_responses(
        make_response(old_status, old_headers, std::move(old_body), std::move(old_type)),
        make_response(new_status, new_headers, std::move(new_body), std::move(new_type)),
        shared_options().get(options)));
  });
}

struct report {
  rollgate::mismatch_report r;
  options_cache cache;

  /// Diffs and records a candidate comparison (noise: a second run of the old path); returns
  /// the diff as JSON, "" on error.
  std::string add(std::string old_json, std::string new_json, std::string options, bool noise) {
    return guard(std::string(), [&] {
      const auto d = rollgate::diff_json(old_json, new_json, cache.get(options));
      if (noise) {
        r.add_noise(d);
      } else {
        r.add_comparison(d);
      }
      return rollgate::diff_result_to_json(d);
    });
  }
  /// One dark-launch sample of responses: served vs shadow and, with has_secondary, served vs
  /// secondary (noise); returns the served-vs-shadow diff as JSON, "" on error.
  std::string add_responses(double s_status, std::string s_headers, std::string s_body,
                            std::string s_type, double c_status, std::string c_headers,
                            std::string c_body, std::string c_type, bool has_secondary,
                            double n_status, std::string n_headers, std::string n_body,
                            std::string n_type, std::string options) {
    return guard(std::string(), [&] {
      const auto served = make_response(s_status, s_headers, std::move(s_body), std::move(s_type));
      const auto shadow = make_response(c_status, c_headers, std::move(c_body), std::move(c_type));
      rollgate::response secondary;
      if (has_secondary)
        secondary = make_response(n_status, n_headers, std::move(n_body), std::move(n_type));
      return rollgate::diff_result_to_json(r.add_responses(
          served, shadow, has_secondary ? &secondary : nullptr, cache.get(options)));
    });
  }
  void add_verdict(bool equal, bool noise) { r.add_verdict(equal, noise); }
  void add_run(double control_ns, double candidate_ns, bool threw, bool slow) {
    r.add_run(static_cast<std::uint64_t>(control_ns), static_cast<std::uint64_t>(candidate_ns),
              threw, slow);
  }
  bool merge(const report& other) {
    return guard(false, [&] {
      r.merge(other.r);
      return true;
    });
  }
  std::string judge(double relative, double absolute, double significance,
                    double min_differences) const {
    return guard(std::string(), [&] {
      rollgate::noise_thresholds t;
      t.relative = relative;
      t.absolute = absolute;
      t.significance = significance;
      t.min_differences = static_cast<std::uint64_t>(min_differences);
      return rollgate::verdicts_to_json(r.judge(t));
    });
  }
  std::string to_json() const {
    return guard(std::string(), [&] { return r.to_json(); });
  }
  double comparisons() const { return static_cast<double>(r.comparisons()); }
  double noise_comparisons() const { return static_cast<double>(r.noise_comparisons()); }
};

report* report_create(double max_paths, double max_examples, double max_example_length) {
  return guard(static_cast<report*>(nullptr), [&] {
    rollgate::report_limits l;
    l.max_paths = static_cast<std::size_t>(max_paths);
    l.max_examples = static_cast<std::size_t>(max_examples);
    l.max_example_length = static_cast<std::size_t>(max_example_length);
    return new report{rollgate::mismatch_report(l), {}};
  });
}

report* report_from_json(std::string text) {
  return guard(static_cast<report*>(nullptr), [&] {
    return new report{rollgate::mismatch_report::from_json(text), {}};
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(rollgate_diff) {
  using namespace emscripten;
  function("diffJson", &diff_json);
  function("validateDiffOptions", &validate_diff_options);
  function("diffResponses", &diff_responses);
  class_<report>("MismatchReport")
      .function("add", &report::add)
      .function("addResponses", &report::add_responses)
      .function("addVerdict", &report::add_verdict)
      .function("addRun", &report::add_run)
      .function("merge", &report::merge)
      .function("judge", &report::judge)
      .function("toJson", &report::to_json)
      .function("comparisons", &report::comparisons)
      .function("noiseComparisons", &report::noise_comparisons);
  function("reportCreate", &report_create, allow_raw_pointers());
  function("reportFromJson", &report_from_json, allow_raw_pointers());
}
