// Internal: IPv4 and IPv6 addresses and CIDR ranges, for the `inCidr` targeting operator
// (issue 18). Parsing allocates nothing and never throws, so it can run on the evaluation path
// (the context's address attribute is parsed when it is matched).
//
// Accepted text (docs/targeting-semantics.md, "IP addresses"):
//   - IPv4: four decimal octets 0-255 without leading zeros ("10.0.0.1"; "010.0.0.1" is refused:
//     some parsers read it as octal).
//   - IPv6: RFC 4291 text, hex groups of 1-4 digits in either case, one "::" for a run of zero
//     groups, an embedded IPv4 in the last 32 bits ("::ffff:1.2.3.4", "64:ff9b::10.0.0.1").
//     Zone ids ("fe80::1%eth0") are refused: a zone names an interface of one host and means
//     nothing in a targeting rule. No brackets, no whitespace.
//   - A range is an address, "/", and a prefix length in decimal without leading zeros
//     (0-32, 0-128). A bare address is a /32 or /128. Host bits may be set ("10.1.2.3/8" is
//     10.0.0.0/8), as Python's ip_network(strict=False) and Unleash (ip-address) accept.
//     Netmask forms ("1.2.3.4/255.0.0.0") are refused.
// Containment never crosses families: an IPv4 address is only in IPv4 ranges, and an
// IPv4-mapped IPv6 address ("::ffff:1.2.3.4") only in IPv6 ranges, as in Python's ipaddress and
// Unleash (ip-address). A caller that wants the mapped form to match IPv4 ranges says so
// explicitly with unmap_ipv4().
#ifndef ROLLGATE_DETAIL_CIDR_HPP
#define ROLLGATE_DETAIL_CIDR_HPP

#include <array>        // std::array
#include <cstdint>      // std::uint8_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view

namespace rollgate::detail {

struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  ///< network order; an IPv4 address uses bytes[0..3]

  unsigned bits() const noexcept { return v6 ? 128u : 32u; }
  bool operator==(const ip_address& o) const noexcept { return v6 == o.v6 && bytes == o.bytes; }
};

struct ip_range {
  ip_address base;      ///< host bits cleared
  unsigned prefix = 0;  ///< 0..32 or 0..128
};

/// Parses an IPv4 or IPv6 address (rules above); nothing for anything else.
std::optional<ip_address> parse_ip_address(std::string_view text) noexcept;

/// Parses "ADDRESS/PREFIX" or a bare address (a one-address range).
std::optional<ip_range> parse_ip_range(std::string_view text) noexcept;

/// Whether `address` lies in `range`: same family, and the first `prefix` bits are equal.
bool ip_range_contains(const ip_range& range, const ip_address& address) noexcept;

/// The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d); any other address is
/// returned unchanged.
ip_address unmap_ipv4(const ip_address& address) noexcept;

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_CIDR_HPP
