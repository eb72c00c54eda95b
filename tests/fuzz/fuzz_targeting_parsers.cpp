// libFuzzer target: the small parsers behind the new targeting operators (issue 18) on arbitrary
// bytes: IP addresses and CIDR ranges (core/src/detail/cidr.hpp), loose versions
// (core/src/detail/semver.hpp) and the canonical text of number units
// (core/src/detail/canonical_unit.hpp). Findings: any crash or sanitizer report, and a broken
// invariant: a parsed range contains its own base address and has a prefix within its family; a
// loose version compares equal to itself and to its strict spelling; the canonical text of a
// finite double reads back as the same double and is never longer than 17 significant digits.
#include <cmath>    // std::isfinite
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t, std::uint64_t
#include <cstdlib>  // std::abort, std::strtod
#include <cstring>  // std::memcpy
#include <string>
#include <string_view>

#include "detail/canonical_unit.hpp"
#include "detail/cidr.hpp"
#include "detail/semver.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant failed: libFuzzer saves the input as a crash
}

void check_cidr(std::string_view text) {
  namespace d = rollgate::detail;
  if (const auto a = d::parse_ip_address(text)) {
    const auto r = d::parse_ip_range(text);
    check(r && r->prefix == a->bits() && r->base == *a);
    check(d::unmap_ipv4(d::unmap_ipv4(*a)) == d::unmap_ipv4(*a));
  }
  if (const auto r = d::parse_ip_range(text)) {
    check(r->prefix <= r->base.bits());
    check(d::ip_range_contains(*r, r->base));
  }
}

void check_semver(std::string_view text) {
  namespace d = rollgate::detail;
  const auto loose = d::parse_semver(text, d::semver_syntax::loose);
  if (const auto strict = d::parse_semver(text)) {
    check(loose && d::compare_semver(*strict, *loose) == 0);
  }
  if (!loose) return;
  check(d::compare_semver(*loose, *loose) == 0);
  std::string spelled = std::to_string(loose->major) + "." + std::to_string(loose->minor) + "." +
                        std::to_string(loose->patch);
  if (!loose->pre.empty()) spelled += "-" + std::string(loose->pre);
  const auto again = d::parse_semver(spelled);
  check(again && d::compare_semver(*again, *loose) == 0);
}

void check_number(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return;
  double v = 0;
  std::memcpy(&v, data, sizeof v);
  if (!std::isfinite(v)) return;
  const std::string text = rollgate::detail::canonical_unit_text(v);
  check(text.size() <= rollgate::detail::kCanonicalNumberMaxChars);
  check(std::strtod(text.c_str(), nullptr) == v);
  // Significant digits of the mantissa: no sign, point, leading or trailing zeros.
  std::string digits;
  for (const char c : text.substr(0, text.find('e'))) {
    if (c >= '0' && c <= '9' && !(digits.empty() && c == '0')) digits += c;
  }
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  check(digits.size() <= 17);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_cidr(text);
  check_semver(text);
  check_number(data, size);
  return 0;
}
