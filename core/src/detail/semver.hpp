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

/// How much a version text may leave out. Strict is the default everywhere; loose is an explicit
/// opt-in (issue 18) for versions written as people and peers write them.
enum class semver_syntax : std::uint8_t {
  strict,  ///< SemVer 2.0.0 exactly, as parse_semver(text)
  /// Also a leading "v" or "V" ("v1.2.0"), and a version of one or two numbers ("7", "1.2"),
  /// which means 7.0.0 / 1.2.0. A pre-release or build part still needs all three numbers
  /// ("1.2-rc.1" is refused), and numbers still have no leading zeros ("01.2" is refused), as in
  /// Go's golang.org/x/mod/semver, which flagd's `sem_ver` uses, and flagd-core (JavaScript).
  /// Unlike flagd-core, only one leading "v" ("vv1.2.0" is refused, as in flagd's Go server).
  loose,
};

/// parse_semver with the given syntax.
std::optional<semver> parse_semver(std::string_view text, semver_syntax syntax) noexcept;

/// <0, 0 or >0 as a has lower, equal or higher precedence than b.
int compare_semver(const semver& a, const semver& b) noexcept;

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_SEMVER_HPP
