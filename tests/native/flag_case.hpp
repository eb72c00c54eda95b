// One case of a shared flag-vector file (tests/vectors/flags.json, targeting.json): compiles its
// config, evaluates its flag for its context at its time, and checks the result against its
// "expected" member (reason, rule index, error code, variant and value; a null variant means no
// value). Used by every test that runs such a file, so the files are read by one rule.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>  // std::int64_t
#include <string>   // std::string
#include <string_view>

#include <nlohmann/json.hpp>

#include "rollgate/flags.hpp"

namespace rollgate::test {

inline rollgate::evaluation expect_flag_case(const nlohmann::json& c) {
  const auto ev = rollgate::compile(c.at("config").dump());
  const auto ctx = rollgate::context::from_json(ev, c.at("context").dump());
  auto r = ev.evaluate(std::string_view(c.at("flag").get<std::string>()), ctx,
                       c.at("now").get<std::int64_t>());
  const auto& exp = c.at("expected");
  EXPECT_EQ(rollgate::to_string(r.reason), exp.at("reason").get<std::string>());
  EXPECT_EQ(r.rule_index, exp.at("ruleIndex").get<int>());
  if (exp.at("errorCode").is_null()) {
    EXPECT_EQ(r.error_code, rollgate::error_code::none);
  } else {
    EXPECT_EQ(rollgate::to_string(r.error_code), exp.at("errorCode").get<std::string>());
  }
  if (exp.at("variant").is_null()) {
    EXPECT_EQ(r.variation_index, -1);
    EXPECT_TRUE(r.value.empty());
  } else {
    EXPECT_EQ(r.variant, exp.at("variant").get<std::string>());
    EXPECT_EQ(nlohmann::json::parse(r.value), exp.at("value"));
  }
  return r;
}

}  // namespace rollgate::test
