// IPv4 / IPv6 addresses and CIDR ranges (core/src/detail/cidr.hpp).
//
// Why tests/vectors/cidr.json exists: its answers come from Python's ipaddress module through
// tests/vectors/gen/gen_cidr.py (with rollgate's three documented refusals applied as explicit
// rules there), never from rollgate. A failing row names the text that parses differently.
// Regenerate:
//   /usr/bin/python3 tests/vectors/gen/gen_cidr.py > tests/vectors/cidr.json
#include <gtest/gtest.h>

#include <cstdio>  // std::snprintf
#include <string>

#include "detail/cidr.hpp"
#include "test_support.hpp"

namespace {

using rollgate::detail::ip_address;
using rollgate::detail::parse_ip_address;
using rollgate::detail::parse_ip_range;

std::string hex(const ip_address& a) {
  std::string out;
  char buf[3];
  for (unsigned i = 0; i < a.bits() / 8; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", a.bytes[i]);
    out += buf;
  }
  return out;
}

TEST(Cidr, AddressesParseAsPythonIpaddressSays) {
  const auto v = rollgate::test::load_vectors("cidr.json");
  ASSERT_EQ(v.at("spec_version"), 1);
  const auto& rows = v.at("addresses");
  ASSERT_GE(rows.size(), 500u);
  std::size_t valid = 0;
  for (const auto& r : rows) {
    const std::string text = r.at("text");
    const auto a = parse_ip_address(text);
    ASSERT_EQ(a.has_value(), r.at("valid").get<bool>()) << "'" << text << "'";
    if (!a) continue;
    ++valid;
    EXPECT_EQ(a->v6, r.at("version").get<int>() == 6) << text;
    EXPECT_EQ(hex(*a), r.at("bytes").get<std::string>()) << text;
  }
  EXPECT_GT(valid, rows.size() / 2);
  EXPECT_LT(valid, rows.size());
}

TEST(Cidr, RangesParseAsPythonIpNetworkSays) {
  const auto v = rollgate::test::load_vectors("cidr.json");
  const auto& rows = v.at("ranges");
  ASSERT_GE(rows.size(), 300u);
  for (const auto& r : rows) {
    const std::string text = r.at("text");
    const auto n = parse_ip_range(text);
    ASSERT_EQ(n.has_value(), r.at("valid").get<bool>()) << "'" << text << "'";
    if (!n) continue;
    EXPECT_EQ(n->base.v6, r.at("version").get<int>() == 6) << text;
    EXPECT_EQ(hex(n->base), r.at("base").get<std::string>()) << text;
    EXPECT_EQ(n->prefix, r.at("prefix").get<unsigned>()) << text;
  }
}

TEST(Cidr, ContainmentAgreesWithPython) {
  const auto v = rollgate::test::load_vectors("cidr.json");
  const auto& rows = v.at("contains");
  ASSERT_GE(rows.size(), 1500u);
  std::size_t inside = 0;
  for (const auto& r : rows) {
    const std::string range = r.at("range");
    const std::string address = r.at("address");
    const auto n = parse_ip_range(range);
    const auto a = parse_ip_address(address);
    ASSERT_TRUE(n && a) << range << " / " << address;
    const bool got = rollgate::detail::ip_range_contains(*n, *a);
    EXPECT_EQ(got, r.at("in").get<bool>()) << address << " in " << range;
    inside += got ? 1 : 0;
  }
  EXPECT_GT(inside, rows.size() / 4);
  EXPECT_LT(inside, rows.size() - rows.size() / 4);
}

TEST(Cidr, MappedAddressesMatchIpv4RangesOnlyWhenUnmapped) {
  const auto range = *parse_ip_range("1.2.3.0/24");
  const auto mapped = *parse_ip_address("::ffff:1.2.3.4");
  EXPECT_FALSE(rollgate::detail::ip_range_contains(range, mapped));
  const auto unmapped = rollgate::detail::unmap_ipv4(mapped);
  EXPECT_FALSE(unmapped.v6);
  EXPECT_TRUE(rollgate::detail::ip_range_contains(range, unmapped));
  const auto other = *parse_ip_address("::fffe:1.2.3.4");  // not the mapped prefix
  EXPECT_TRUE(rollgate::detail::unmap_ipv4(other) == other);
}

TEST(Cidr, RefusesWhatSomeParsersReadDifferently) {
  for (const char* bad : {"010.0.0.1", "1.2.3.4/08", "1.2.3.4/255.0.0.0", "fe80::1%eth0", "[::1]",
                          " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/", "1.2.3.4/33", "::/129"}) {
    EXPECT_FALSE(parse_ip_range(bad)) << bad;
  }
  EXPECT_EQ(parse_ip_range("10.1.2.3/8")->base, *parse_ip_address("10.0.0.0"));
  EXPECT_EQ(parse_ip_range("2001:db8::1")->prefix, 128u);
  EXPECT_EQ(parse_ip_range("192.0.2.1")->prefix, 32u);
}

}  // namespace
