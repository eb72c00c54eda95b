// `rollgate bucket` (core/cli/cmd_bucket.cpp), run as a real process. Expected values come from
// tests/vectors/bucketing.json (made by python3-xxhash, see tests/vectors/gen/gen_bucketing.py),
// so these tests prove the command prints the contract's values, not merely the library's.
#include <gtest/gtest.h>

#include <cstdlib>  // std::strtod
#include <map>      // std::map
#include <sstream>  // std::istringstream
#include <string>   // std::string
#include <vector>   // std::vector

#include "test_support.hpp"

#ifdef ROLLGATE_CLI_PATH
namespace {

using rollgate::test::load_vectors;
using rollgate::test::run_cli;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (true) {
    const auto tab = line.find('\t', begin);
    out.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
    if (tab == std::string::npos) return out;
    begin = tab + 1;
  }
}

// Rows of the vectors under one salt whose unit can travel as one stdin line.
std::vector<nlohmann::json> rows_for_salt(const std::string& salt) {
  std::vector<nlohmann::json> rows;
  const auto vectors = load_vectors("bucketing.json");
  for (const auto& row : vectors.at("draws")) {
    const auto unit = row.at("unit").get<std::string>();
    if (row.at("salt") == salt && unit.find('\n') == std::string::npos) rows.push_back(row);
  }
  return rows;
}

TEST(CliBucket, TextOutputMatchesVectorsForUnitsFromStdin) {
  const auto rows = rows_for_salt("new-checkout");
  ASSERT_GE(rows.size(), 25u);
  std::string input;
  for (const auto& row : rows) input += row.at("unit").get<std::string>() + "\n";
  const auto r = run_cli("bucket --salt new-checkout", input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto unit = rows[i].at("unit").get<std::string>();
    SCOPED_TRACE(rows[i].at("note").get<std::string>());
    // The unit may contain a NUL or a tab, so split from the right: the fraction is the last field.
    const auto tab = out[i].rfind('\t');
    ASSERT_NE(tab, std::string::npos);
    EXPECT_EQ(out[i].substr(0, tab), unit);
    const std::string printed = out[i].substr(tab + 1);
    EXPECT_EQ(std::strtod(printed.c_str(), nullptr), rows[i].at("fraction").get<double>())
        << "printed " << printed << ": must read back as the exact double";
  }
}

TEST(CliBucket, JsonOutputMatchesVectorsIncludingHashAndBucket) {
  for (const std::string salt : {"new-checkout", ""}) {
    SCOPED_TRACE("salt '" + salt + "'");
    const auto rows = rows_for_salt(salt);
    ASSERT_GE(rows.size(), 5u);
    std::string input;
    for (const auto& row : rows) input += row.at("unit").get<std::string>() + "\n";
    const auto r = run_cli("bucket --json --salt '" + salt + "'", input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto out = nlohmann::json::parse(r.out);
    ASSERT_TRUE(out.is_array());
    ASSERT_EQ(out.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(out[i].at("unit"), rows[i].at("unit"));
      EXPECT_EQ(out[i].at("hash"), rows[i].at("coverage_hash"));
      EXPECT_EQ(out[i].at("fraction").get<double>(), rows[i].at("fraction").get<double>());
      EXPECT_EQ(out[i].at("bucket"), rows[i].at("coverage_bucket"));
      EXPECT_FALSE(out[i].contains("in"));
      EXPECT_FALSE(out[i].contains("variant"));
    }
  }
}

// kScale units -> the percentage text the CLI takes (exact: at most 3 decimals).
std::string percent_text(std::uint32_t scaled) {
  return std::to_string(scaled / 1000) + "." + std::to_string(1000 + scaled % 1000).substr(1);
}

TEST(CliBucket, CoverageAndWeightsMatchMembershipVectors) {
  // Group the rows by (coverage, weights) so each group is one process run.
  std::map<std::string, std::vector<nlohmann::json>> groups;
  const auto vectors = load_vectors("bucketing.json");
  for (const auto& row : vectors.at("membership")) {
    std::string args = "--salt '" + row.at("salt").get<std::string>() + "' --coverage " +
                       percent_text(row.at("coverage").get<std::uint32_t>()) + " --weights ";
    const auto& w = row.at("weights");
    for (std::size_t i = 0; i < w.size(); ++i)
      args += (i ? "," : "") + percent_text(w[i].get<std::uint32_t>());
    groups[args].push_back(row);
  }
  ASSERT_GE(groups.size(), 5u);
  for (const auto& [args, rows] : groups) {
    SCOPED_TRACE(args);
    std::string input;
    for (const auto& row : rows) input += row.at("unit").get<std::string>() + "\n";
    const auto text = run_cli("bucket " + args, input);
    const auto json = run_cli("bucket --json " + args, input);
    ASSERT_EQ(text.exit_code, 0) << text.err;
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto out = lines(text.out);
    const auto arr = nlohmann::json::parse(json.out);
    ASSERT_EQ(out.size(), rows.size());
    ASSERT_EQ(arr.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const bool in = rows[i].at("in").get<bool>();
      const auto fields = split_tabs(out[i]);
      ASSERT_EQ(fields.size(), 4u) << out[i];
      EXPECT_EQ(fields[2], in ? "in" : "out");
      // Outside the rollout no variant is served: '-' / null.
      EXPECT_EQ(fields[3], in ? std::to_string(rows[i].at("variant").get<int>()) : "-");
      EXPECT_EQ(arr[i].at("in").get<bool>(), in);
      if (in) {
        EXPECT_EQ(arr[i].at("variant"), rows[i].at("variant"));
      } else {
        EXPECT_TRUE(arr[i].at("variant").is_null());
      }
    }
  }
}

TEST(CliBucket, WeightsAloneGiveEveryUnitAVariant) {
  const auto r = run_cli("bucket --salt new-checkout --weights 10,30,60 alice user-42");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto v = load_vectors("bucketing.json");
  for (const auto& row : v.at("membership")) {
    if (row.at("unit") != "alice" || row.at("weights") != nlohmann::json({10000, 30000, 60000}))
      continue;
    EXPECT_EQ(split_tabs(lines(r.out).at(0)).at(2), std::to_string(row.at("variant").get<int>()));
  }
  EXPECT_EQ(split_tabs(lines(r.out).at(1)).size(), 3u);
}

TEST(CliBucket, ArgumentsDashAndCrlfStdinKeepOrder) {
  const auto r = run_cli("bucket --salt s first - last", "x\r\ny\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(split_tabs(out[0])[0], "first");
  EXPECT_EQ(split_tabs(out[1])[0], "x");  // CR removed: "x" and "x\r" would bucket differently
  EXPECT_EQ(split_tabs(out[2])[0], "y");
  EXPECT_EQ(split_tabs(out[3])[0], "last");
  // The same unit from argv and from stdin gets the same fraction.
  const auto again = run_cli("bucket --salt s x");
  EXPECT_EQ(lines(again.out).at(0), out[1]);
  // '--' ends options, so units may start with '-'; '=' form of options works too.
  const auto dashed = run_cli("bucket --salt=s -- -x");
  ASSERT_EQ(dashed.exit_code, 0) << dashed.err;
  EXPECT_EQ(split_tabs(lines(dashed.out).at(0))[0], "-x");
}

TEST(CliBucket, NoUnitsReadsNothingButStdin) {
  const auto r = run_cli("bucket --salt s --json", "");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::array());
}

struct bad_case {
  const char* args;
  const char* id;
};

TEST(CliBucket, BadOptionsAreRejectedWithIds) {
  const bad_case cases[] = {
      {"--salt s --coverage 120 a", "rollgate.bucket.302"},
      {"--salt s --coverage -5 a", "rollgate.bucket.302"},
      {"--salt s --coverage nan a", "rollgate.bucket.301"},
      {"--salt s --coverage inf a", "rollgate.bucket.301"},
      {"--salt s --coverage 1e1 a", "rollgate.bucket.301"},
      {"--salt s --coverage '' a", "rollgate.bucket.301"},
      {"--salt s --coverage 12.0005 a", "rollgate.bucket.303"},
      {"--salt s --weights 50,,50 a", "rollgate.bucket.301"},
      {"--salt s --weights 50,40 a", "rollgate.cli.901"},
      {"--salt s --weights 60,60 a", "rollgate.cli.901"},
      {"a", "rollgate.cli.901"},
      {"--salt", "rollgate.cli.901"},
      {"--salt s --color a", "rollgate.cli.901"},
      {"--salt s --salt t a", "rollgate.cli.901"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(std::string("bucket ") + c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_NE(r.err.find(std::string("[") + c.id + "]"), std::string::npos)
        << c.args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

TEST(CliBucket, HelpDescribesTheCommand) {
  const auto r = run_cli("bucket --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("usage: rollgate bucket --salt SALT"), std::string::npos) << r.out;
  const auto top = run_cli("--help");
  EXPECT_NE(top.out.find("bucket"), std::string::npos);
}

}  // namespace
#endif
