// libFuzzer target: loading flagd flag definitions (compile(text, config_format::flagd),
// core/src/flags/flagd_*.cpp: JSON Logic, $ref, fractional, sem_ver) and evaluating them.
//
// Input layout: FLAGD-DOCUMENT [NUL CONTEXT]. The document is compiled (as flagd, and as
// flagd-js when its length is odd); if it compiles, the context (a JSON object; "{}" when absent,
// nested objects are read along `var` paths) is loaded and every flag is evaluated at several
// times, by index and by key, and all at once.
// Findings: any crash or sanitizer report; any exception other than rollgate::error; validate()
// disagreeing with compile(); a problem outside rollgate.json.1xx / rollgate.config.2xx; an
// evaluation naming the wrong flag, with a value and no variant (or the reverse), or whose
// to_json() or flag_metadata() is not valid JSON.
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t, std::int64_t
#include <cstdlib>      // std::abort
#include <limits>       // std::numeric_limits
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include <nlohmann/json.hpp>  // checks that to_json() output is JSON

#include "rollgate/error.hpp"
#include "rollgate/flags.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant failed: libFuzzer saves the input as a crash
}

constexpr std::int64_t kTimes[] = {
    0,
    1'795'694'400'000,  // 2026-11-26T12:00:00Z
    -1,
    std::numeric_limits<std::int64_t>::min(),
    std::numeric_limits<std::int64_t>::max(),
};

void check_evaluation(const rollgate::evaluation& r, std::string_view key) {
  check(r.flag == key);
  if (r.reason != rollgate::reason::error) check(r.error_code == rollgate::error_code::none);
  if (r.variation_index >= 0) {
    check(!r.value.empty() && !r.variant.empty());
    check(nlohmann::json::accept(r.value.begin(), r.value.end()));
  } else {
    check(r.value.empty() && r.variant.empty());
  }
  check(nlohmann::json::accept(r.to_json()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view config = input.substr(0, nul);
  const std::string_view context_text =
      nul == std::string_view::npos ? "{}" : input.substr(nul + 1);
  const auto format =
      size % 2 == 1 ? rollgate::config_format::flagd_js : rollgate::config_format::flagd;

  const std::vector<rollgate::problem> problems = rollgate::validate(config, format);
  std::optional<rollgate::evaluator> ev;
  try {
    ev = rollgate::compile(config, format);
  } catch (const rollgate::error& e) {
    check(!problems.empty());
    check(e.problems().size() == problems.size());
    for (const auto& p : e.problems()) {
      check(p.code.rfind("rollgate.config.2", 0) == 0 || p.code.rfind("rollgate.json.1", 0) == 0);
    }
    return 0;
  }
  check(problems.empty());
  check(nlohmann::json::accept(ev->describe()));

  rollgate::context ctx(*ev);
  try {
    ctx.assign_json(*ev, context_text);
  } catch (const rollgate::error& e) {
    check(e.code().rfind("rollgate.", 0) == 0);
    ctx.set(ev->attribute("targetingKey"), context_text.substr(0, 64));
  }
  for (std::size_t i = 0; i < ev->flag_count(); ++i) {
    const std::string_view key = ev->flag_key(i);
    const std::string_view metadata = ev->flag_metadata(i);
    check(nlohmann::json::accept(metadata.begin(), metadata.end()));
    for (const std::int64_t now : kTimes) {
      check_evaluation(ev->evaluate(i, ctx, now), key);
      check_evaluation(ev->evaluate(key, ctx, now), key);
    }
  }
  std::vector<rollgate::evaluation> all;
  ev->evaluate_all(ctx, kTimes[1], all);
  check(all.size() == ev->flag_count());
  ctx.clear();
  for (std::size_t i = 0; i < ev->flag_count(); ++i)
    check_evaluation(ev->evaluate(i, ctx, kTimes[1]), ev->flag_key(i));
  return 0;
}
