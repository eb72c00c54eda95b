// libFuzzer target: configuration loading and flag evaluation through the public API
// (core/include/rollgate/flags.hpp), the path every SDK request takes with a config that may come
// from anywhere.
//
// Input layout: CONFIG [NUL CONTEXT]. The config is compiled; if it compiles, the context (a JSON
// object; "{}" when absent) is loaded, and every flag is evaluated at several times, by index, by
// key, with each expected type, and all at once.
// Findings: any crash or sanitizer report; any exception other than rollgate::error; validate()
// disagreeing with compile(); an evaluation that names the wrong flag, serves no value without
// reporting an error, or whose to_json() is not valid JSON.
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
    1'795'694'400'000,    // 2026-11-26T12:00:00Z: inside the example configs' schedules
    -62'135'596'800'000,  // 0001-01-01
    std::numeric_limits<std::int64_t>::min(),
    std::numeric_limits<std::int64_t>::max(),
};

void check_evaluation(const rollgate::evaluation& r, std::string_view key) {
  check(r.flag == key);
  if (r.reason != rollgate::reason::error) {
    check(r.error_code == rollgate::error_code::none);
  }
  if (r.variation_index >= 0) {
    check(!r.value.empty());
    check(nlohmann::json::accept(r.value.begin(), r.value.end()));
  } else {
    check(r.value.empty());
  }
  const std::string line = r.to_json();
  check(nlohmann::json::accept(line));
  (void)rollgate::to_string(r.reason);
  (void)rollgate::to_string(r.error_code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view config = input.substr(0, nul);
  const std::string_view context_text =
      nul == std::string_view::npos ? "{}" : input.substr(nul + 1);

  const std::vector<rollgate::problem> problems = rollgate::validate(config);
  std::optional<rollgate::evaluator> ev;
  try {
    ev = rollgate::compile(config);
  } catch (const rollgate::error& e) {
    check(!problems.empty());                       // validate saw it too
    check(e.problems().size() == problems.size());  // ... all of it
    check(e.code().rfind("rollgate.", 0) == 0);
    return 0;
  }
  check(problems.empty());

  rollgate::context ctx(*ev);
  try {
    ctx.assign_json(*ev, context_text);
  } catch (const rollgate::error& e) {
    check(e.code().rfind("rollgate.", 0) == 0);
    // The context is left cleared; evaluate with a targeting key only, then with nothing.
    ctx.set(ev->attribute("targetingKey"), context_text.substr(0, 64));
  }

  const rollgate::value_type types[] = {rollgate::value_type::boolean, rollgate::value_type::string,
                                        rollgate::value_type::number, rollgate::value_type::json};
  for (std::size_t i = 0; i < ev->flag_count(); ++i) {
    const std::string_view key = ev->flag_key(i);
    check(ev->flag_index(key) == i || ev->flag_index(key).has_value());
    for (const std::int64_t now : kTimes) {
      check_evaluation(ev->evaluate(i, ctx, now), key);
      check_evaluation(ev->evaluate(key, ctx, now), key);
      for (const auto t : types) check_evaluation(ev->evaluate(i, ctx, now, t), key);
    }
  }
  for (std::size_t a = 0; a < ev->attribute_count(); ++a) {
    (void)ev->attribute_name(static_cast<rollgate::attribute_id>(a));
  }
  std::vector<rollgate::evaluation> all;
  ev->evaluate_all(ctx, kTimes[1], all);
  check(all.size() == ev->flag_count());
  const auto missing = ev->evaluate("\xff no such flag", ctx, kTimes[1]);
  check(missing.reason == rollgate::reason::error);
  check(missing.error_code == rollgate::error_code::flag_not_found);
  const auto out_of_range = ev->evaluate(ev->flag_count(), ctx, kTimes[1]);
  check(out_of_range.reason == rollgate::reason::error);

  // An empty context must evaluate too (targeting_key_missing, not a crash).
  ctx.clear();
  for (std::size_t i = 0; i < ev->flag_count(); ++i)
    check_evaluation(ev->evaluate(i, ctx, kTimes[1]), ev->flag_key(i));
  return 0;
}
