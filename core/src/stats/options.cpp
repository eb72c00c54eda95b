// The option strings of the statistical tests (alternative, method, NaN policy): see stats.hpp.
#include <string>  // std::string

#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"

namespace rollgate::stats {

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

}  // namespace rollgate::stats
