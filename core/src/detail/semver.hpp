// Internal: Semantic Versioning 2.0.0 parsing and precedence (https://semver.org, section 11),
// without allocation, so the evaluator can compare a context attribute on the hot path.
#ifndef ROLLGATE_DETAIL_SEMVER_HPP
#define ROLLGATE_DETAIL_SEMVER_HPP

#include <cstdint>      // std::uint64_t, std::uint32_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view

namespace rollgate::detail {

/// A parsed version. The pre-release part is kept as a view into the parsed text; build
/// metadata is validated and then ignored, as precedence requires.
struct semver {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::string_view pre;  ///< "" when there is no pre-release (e.g. "rc.1" for "1.0.0-rc.1+b7")
};

/// Parses "MAJOR.MINOR.PATCH[-PRE][+BUILD]" strictly (no leading "v", no leading zeros in
/// numeric identifiers, no empty identifiers; numeric parts up to 18 digits).
std::optional<semver> parse_semver(std::string_view text) noexcept;

/// <0, 0 or >0 as a has lower, equal or higher precedence than b.
int compare_semver(const semver& a, const semver& b) noexcept;

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_SEMVER_HPP
