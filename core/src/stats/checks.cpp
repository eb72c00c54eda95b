// Input checks shared by the statistical tests: see checks.hpp.
#include "stats/checks.hpp"

#include <cmath>    // std::isnan, std::isinf, std::isfinite
#include <cstdio>   // std::snprintf
#include <cstdlib>  // std::strtod

namespace rollgate::stats::detail {

std::string fmt(double v) {
  // Shortest form that round-trips is not available in C++17 without <charconv> floats on all
  // toolchains, so 17 significant digits trimmed of trailing zeros.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s(buf);
  // Prefer a shorter representation when it round-trips.
  for (int prec = 1; prec < 17; ++prec) {
    char b2[40];
    std::snprintf(b2, sizeof b2, "%.*g", prec, v);
    if (std::strtod(b2, nullptr) == v) return b2;
  }
  return s;
}

std::string ptr(const char* name) {
  return std::string("/") + name;
}
std::string ptr(const char* name, std::size_t i) {
  return std::string("/") + name + "/" + std::to_string(i);
}

std::vector<double> clean(const std::vector<double>& v, const char* name, nan_policy nan,
                          std::size_t min_size, std::vector<problem>& problems) {
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double d = v[i];
    if (std::isnan(d)) {
      if (nan == nan_policy::omit) continue;
      if (problems.size() < kMaxProblems)
        problems.push_back({"rollgate.stats.402", ptr(name, i),
                            "value is NaN (pass nan_policy omit to drop NaNs)"});
      continue;
    }
    if (std::isinf(d)) {
      if (problems.size() < kMaxProblems)
        problems.push_back({"rollgate.stats.403", ptr(name, i), "value is infinite"});
      continue;
    }
    out.push_back(d);
  }
  if (out.size() < min_size) {
    const bool had_values = !v.empty();
    std::string msg;
    if (out.empty())
      msg = had_values ? "sample is empty after omitting NaNs" : "sample is empty";
    else
      msg = "sample needs at least " + std::to_string(min_size) + " values, got " +
            std::to_string(out.size());
    problems.push_back({"rollgate.stats.401", ptr(name), msg});
  }
  return out;
}

void throw_if(std::vector<problem>& problems) {
  if (!problems.empty()) throw rollgate::error(std::move(problems));
}

void check_count(std::int64_t v, const char* name, std::vector<problem>& problems) {
  if (v < 0)
    problems.push_back(
        {"rollgate.stats.404", ptr(name), "count is negative (" + std::to_string(v) + ")"});
}

void check_successes(std::int64_t s, const char* sname, std::int64_t n, const char* nname,
                     std::vector<problem>& problems) {
  check_count(s, sname, problems);
  check_count(n, nname, problems);
  if (n == 0) {
    problems.push_back({"rollgate.stats.405", ptr(nname), "number of trials is 0"});
  } else if (s >= 0 && n > 0 && s > n) {
    problems.push_back(
        {"rollgate.stats.405", ptr(sname),
         "successes (" + std::to_string(s) + ") exceed trials (" + std::to_string(n) + ")"});
  }
}

void check_summary(const sample_summary& s, const char* name, std::size_t min_count,
                   std::vector<problem>& problems) {
  const std::string base = ptr(name);
  if (std::isnan(s.count) || std::isnan(s.mean) || std::isnan(s.variance))
    problems.push_back({"rollgate.stats.402", base, "summary field is NaN"});
  else if (!std::isfinite(s.count) || !std::isfinite(s.mean) || !std::isfinite(s.variance))
    problems.push_back({"rollgate.stats.403", base, "summary field is infinite"});
  else if (s.count < static_cast<double>(min_count))
    problems.push_back(
        {"rollgate.stats.401", base + "/count",
         "sample needs at least " + std::to_string(min_count) + " values, got " + fmt(s.count)});
  else if (s.variance < 0)
    problems.push_back({"rollgate.stats.404", base + "/variance",
                        "variance is negative (" + fmt(s.variance) + ")"});
}

}  // namespace rollgate::stats::detail
