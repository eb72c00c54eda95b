// RFC 3339 parsing (core/src/detail/timestamp) and rollgate::parse_time. The epoch values were
// computed independently with GNU date, e.g. `date -u -d 2026-11-26T14:00:00Z +%s` = 1795701600.
#include <gtest/gtest.h>

#include "detail/timestamp.hpp"
#include "rollgate/flags.hpp"

namespace {

using rollgate::detail::parse_rfc3339_ms;

TEST(FlagsTimestamp, ParsesUtcAndOffsets) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-26T14:00:00Z"), 1795701600000);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-26T15:00:00+01:00"), 1795701600000);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-26T09:30:00-04:30"), 1795701600000);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-26t14:00:00z"), 1795701600000);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-26 14:00:00Z"), 1795701600000);
  EXPECT_EQ(parse_rfc3339_ms("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(parse_rfc3339_ms("2000-02-29T00:00:00Z"), 951782400000);
}

TEST(FlagsTimestamp, FractionsAreTruncatedToMilliseconds) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00.5Z"), 500);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00.123Z"), 123);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00.123999999Z"), 123);
}

TEST(FlagsTimestamp, LeapSecondIsTheLastMillisecondOfTheMinute) {
  EXPECT_EQ(parse_rfc3339_ms("2016-12-31T23:59:60Z"), 1483228799999);
}

TEST(FlagsTimestamp, RejectsMalformedDates) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T14:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-26T24:00:00Z",
        "2026-11-26T14:60:00Z", "2026-11-26T14:00:61Z", "2026-11-26T14:00:00.Z",
        "2026-11-26T14:00:00+0100", "2026-11-26T14:00:00+01:00x", "2026-11-26X14:00:00Z",
        "26-11-26T14:00:00Z", "2026-11-26T14:00:00+24:00"}) {
    EXPECT_FALSE(parse_rfc3339_ms(bad)) << bad;
  }
}

TEST(FlagsTimestamp, ParseTimeAcceptsEpochMillisecondsOrRfc3339) {
  EXPECT_EQ(rollgate::parse_time("1795701600000"), 1795701600000);
  EXPECT_EQ(rollgate::parse_time("-5"), -5);
  EXPECT_EQ(rollgate::parse_time("2026-11-26T14:00:00Z"), 1795701600000);
  EXPECT_FALSE(rollgate::parse_time("12a"));
  EXPECT_FALSE(rollgate::parse_time("-"));
  EXPECT_FALSE(rollgate::parse_time("99999999999999999999"));
}

}  // namespace
