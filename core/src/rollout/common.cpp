// Helpers shared by the rollout sources (common.hpp).
#include "rollout/common.hpp"

#include <cmath>   // std::isfinite, std::floor, std::llround, std::fabs
#include <cstdio>  // std::snprintf

#include "detail/json_input.hpp"  // pointer_append, json_type_name
#include "rollgate/bucket.hpp"    // rollgate::kScale

namespace rollgate::detail::rollout {

std::string fmt_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string fmt_percent(double p) {
  return fmt_num(p) + "%";
}

std::string fmt_duration(std::int64_t ms) {
  if (ms % kHour == 0 && ms >= kHour) return std::to_string(ms / kHour) + " h";
  if (ms % kMinute == 0 && ms >= kMinute) return std::to_string(ms / kMinute) + " min";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

ojson percent_json(double p) {
  if (p == std::floor(p)) return static_cast<std::int64_t>(p);
  return p;
}

bool is_ms(const json& v) {
  // Bounded by 2^53 so that the value is exact in JavaScript and never overflows int64.
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= (std::uint64_t{1} << 53);
  if (v.is_number_integer()) {
    return v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= (std::int64_t{1} << 53);
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return std::isfinite(d) && d >= 0 && d == std::floor(d) && d < 9.0e15;
  }
  return false;
}

std::int64_t ms_of(const json& v) {
  return v.is_number_float() ? static_cast<std::int64_t>(v.get<double>()) : v.get<std::int64_t>();
}

bool coverage_of(double percent, std::uint32_t& coverage) {
  // The one percent rule (bucket.hpp percent_to_scale): 0 to 100, at most 3 decimals, exactly.
  return !try_percent_to_scale(percent, coverage);
}

void type_problem(std::vector<problem>& out, const std::string& ptr, const json& v,
                  const char* expected) {
  out.push_back({"rollgate.plan.608", ptr,
                 std::string("expected ") + expected + ", got " + json_type_name(v)});
}

}  // namespace rollgate::detail::rollout
