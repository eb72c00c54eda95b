// Statistics: see rollgate/stats.hpp and docs/statistics.md. (Work in progress: functions that
// still throw "not implemented" are being filled in.)
#include "rollgate/stats.hpp"

#include "rollgate/error.hpp"

namespace rollgate::stats {
namespace {
[[noreturn]] void not_implemented(const char* what) {
  throw rollgate::error("rollgate.stats.499", "", std::string(what) + ": not implemented yet");
}
}  // namespace

alternative parse_alternative(std::string_view text) {
  if (text == "two-sided") return alternative::two_sided;
  if (text == "less") return alternative::less;
  if (text == "greater") return alternative::greater;
  throw rollgate::error("rollgate.stats.407", "/alternative",
                        "unknown alternative '" + std::string(text) +
                            "', expected \"two-sided\", \"less\" or \"greater\"");
}
method parse_method(std::string_view text) {
  if (text == "auto") return method::automatic;
  if (text == "exact") return method::exact;
  if (text == "asymptotic") return method::asymptotic;
  throw rollgate::error(
      "rollgate.stats.407", "/method",
      "unknown method '" + std::string(text) + "', expected \"auto\", \"exact\" or \"asymptotic\"");
}
nan_policy parse_nan_policy(std::string_view text) {
  if (text == "reject" || text == "raise") return nan_policy::reject;
  if (text == "omit") return nan_policy::omit;
  throw rollgate::error(
      "rollgate.stats.407", "/nanPolicy",
      "unknown NaN policy '" + std::string(text) + "', expected \"reject\" or \"omit\"");
}
const char* to_string(alternative a) noexcept {
  switch (a) {
    case alternative::less:
      return "less";
    case alternative::greater:
      return "greater";
    default:
      return "two-sided";
  }
}
const char* to_string(method m) noexcept {
  switch (m) {
    case method::exact:
      return "exact";
    case method::asymptotic:
      return "asymptotic";
    default:
      return "auto";
  }
}
const char* to_string(nan_policy p) noexcept {
  return p == nan_policy::omit ? "omit" : "reject";
}

mannwhitneyu_result mannwhitneyu(const std::vector<double>&, const std::vector<double>&,
                                 const mannwhitneyu_options&) {
  not_implemented("mannwhitneyu");
}
hodges_lehmann_result hodges_lehmann(const std::vector<double>&, const std::vector<double>&,
                                     const hodges_lehmann_options&) {
  not_implemented("hodges_lehmann");
}
sample_summary summarize(const std::vector<double>&, nan_policy) {
  not_implemented("summarize");
}
welch_result welch_t_test(const std::vector<double>&, const std::vector<double>&, alternative,
                          nan_policy) {
  not_implemented("welch_t_test");
}
welch_result welch_t_test(const sample_summary&, const sample_summary&, alternative) {
  not_implemented("welch_t_test");
}
proportions_result two_proportion_z_test(std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                                         alternative) {
  not_implemented("two_proportion_z_test");
}
fisher_result fisher_exact(std::int64_t, std::int64_t, std::int64_t, std::int64_t, alternative) {
  not_implemented("fisher_exact");
}
chisquare_result chisquare(const std::vector<double>&, const std::vector<double>&) {
  not_implemented("chisquare");
}
chisquare_result sample_ratio_mismatch(const std::vector<std::int64_t>&,
                                       const std::vector<double>&) {
  not_implemented("sample_ratio_mismatch");
}
sequential_result sequential_mean_test(const sample_summary&, const sample_summary&,
                                       const sequential_options&, double) {
  not_implemented("sequential_mean_test");
}
sequential_result sequential_proportion_test(std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                                             const sequential_options&, double) {
  not_implemented("sequential_proportion_test");
}
std::vector<double> quantiles(std::vector<double>, const std::vector<double>&, nan_policy) {
  not_implemented("quantiles");
}
double quantile(std::vector<double>, double, nan_policy) {
  not_implemented("quantile");
}

}  // namespace rollgate::stats
