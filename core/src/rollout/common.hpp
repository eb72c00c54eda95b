// Internal helpers shared by the rollout sources (plan.cpp, state.cpp, machine.cpp): the JSON
// checks of plans and states, and how percentages and durations are written in reasons.
#ifndef ROLLGATE_ROLLOUT_COMMON_HPP
#define ROLLGATE_ROLLOUT_COMMON_HPP

#include <cstdint>           // std::int64_t, std::uint32_t
#include <initializer_list>  // std::initializer_list
#include <string>            // std::string
#include <vector>            // std::vector

#include <nlohmann/json.hpp>  // nlohmann::json

#include "detail/json_input.hpp"  // unknown_members, pointer_append
#include "rollgate/error.hpp"     // rollgate::problem

namespace rollgate::detail::rollout {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;  // output keeps the documented key order

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

/// 50 -> "50", 0.5 -> "0.5": percentages as people write them.
std::string fmt_num(double v);
/// fmt_num(p) + "%".
std::string fmt_percent(double p);
/// "15 min", "1 h", "2 s", "250 ms".
std::string fmt_duration(std::int64_t ms);
/// 10 rather than 10.0 in JSON when the percentage is whole.
ojson percent_json(double p);

/// A non-negative integer number of milliseconds, exact in JavaScript (<= 2^53).
bool is_ms(const json& v);
std::int64_t ms_of(const json& v);

/// The kScale share of a percentage with at most 3 decimals (bucket.hpp's finest step, 0.001%);
/// false when the percentage has more decimals or is outside [0, 100].
bool coverage_of(double percent, std::uint32_t& coverage);

using detail::unknown_members;  // json_input.hpp
/// Appends a rollgate.plan.608 "expected X, got Y" problem.
void type_problem(std::vector<problem>& out, const std::string& ptr, const json& v,
                  const char* expected);

}  // namespace rollgate::detail::rollout

#endif  // ROLLGATE_ROLLOUT_COMMON_HPP
