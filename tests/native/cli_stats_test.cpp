// `rollgate stats ...` through the real binary (run_cli): inputs from files and stdin, options,
// JSON output, and whole error messages. p-values come from the same library calls that
// stats_*_test.cpp check against scipy; here the reference values are scipy's docs example
// (mannwhitneyu: U 17, p 0.1111111111111111) and the scipy vectors in tests/vectors/stats.json.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "stats_support.hpp"
#include "test_support.hpp"

namespace {
using rollgate::test::run_cli;

std::string temp_file(const std::string& name, const std::string& content) {
  const std::string path = "/tmp/rollgate_cli_stats_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << content;
  return path;
}

TEST(CliStats, HelpListsEveryTest) {
  const auto r = run_cli("stats --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* t : {"mannwhitneyu", "welch", "hodges-lehmann", "proportions", "fisher", "srm",
                        "--alternative", "--method", "--no-continuity", "--nan-policy"})
    EXPECT_NE(r.out.find(t), std::string::npos) << t;
}

TEST(CliStats, MannWhitneyFromLinesAndJsonArrayOnStdin) {
  const auto x = temp_file("x.txt", "19\n22\n16\n29\n24\n");
  const auto r = run_cli("stats mannwhitneyu --method exact " + x + " -", "[20, 11, 17, 12]");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("statistic"), 17.0);
  EXPECT_EQ(j.at("pValue"), 0.1111111111111111);  // scipy docs: mannwhitneyu(males, females)
  EXPECT_EQ(j.at("method"), "exact");
  const auto a = run_cli("stats mannwhitneyu --method=asymptotic --alternative greater " + x + " -",
                         "20\n11\n17\n12\n");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  // scipy.stats.mannwhitneyu(males, females, method="asymptotic", alternative="greater")
  EXPECT_TRUE(rollgate::test::close(nlohmann::json::parse(a.out).at("pValue").get<double>(),
                                    0.05567344326657021));
  std::remove(x.c_str());
}

TEST(CliStats, CountsTestsMatchScipyVectors) {
  const auto& v = rollgate::test::stats_vectors();
  const auto& f = v.at("fisher").at(0);  // table [8, 2, 1, 5], two-sided
  const auto& t = f.at("table");
  auto r = run_cli("stats fisher " + t[0].dump() + " " + t[1].dump() + " " + t[2].dump() + " " +
                   t[3].dump() + " --alternative " + f.at("alternative").get<std::string>());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(rollgate::test::close(nlohmann::json::parse(r.out).at("pValue").get<double>(),
                                    f.at("pvalue").get<double>()));
  const auto& s = v.at("srm").at(0);
  r = run_cli("stats srm 5023,4977 50,50");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(s.at("counts"), nlohmann::json::parse("[5023, 4977]"));
  EXPECT_TRUE(rollgate::test::close(nlohmann::json::parse(r.out).at("pValue").get<double>(),
                                    s.at("pvalue").get<double>()));
  const auto& p = v.at("proportions").at(0);  // 12/100 vs 5/100 two-sided
  r = run_cli("stats proportions 12 100 5 100");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(p.at("successes_x"), 12);
  EXPECT_TRUE(rollgate::test::close(nlohmann::json::parse(r.out).at("pValue").get<double>(),
                                    p.at("pvalue").get<double>()));
}

TEST(CliStats, WelchHodgesLehmannAndQuantiles) {
  const auto x = temp_file("wx.json", "[19, 22, 16, 29, 24]");
  const auto y = temp_file("wy.txt", "20\n11\n17\n12\n");
  auto r = run_cli("stats welch " + y + " " + x + " --alternative less");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // scipy docs: ttest_ind(females, males, alternative="less") is the pooled test; Welch's
  // reference for the same data is in stats.json ("scipy docs example", less).
  const auto& w = rollgate::test::stats_vectors().at("welch").at(0).at("results").at(1);
  ASSERT_EQ(w.at("alternative"), "less");
  EXPECT_TRUE(rollgate::test::close(nlohmann::json::parse(r.out).at("pValue").get<double>(),
                                    w.at("pvalue").get<double>()));
  r = run_cli("stats hodges-lehmann " + x + " " + y + " --confidence 0.9");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto hl = nlohmann::json::parse(r.out);
  EXPECT_EQ(hl.at("estimate"), 7.0);  // median of the 20 pairwise differences
  EXPECT_EQ(hl.at("confidence"), 0.9);
  r = run_cli("stats quantile " + x + " --q 0,0.5,0.99");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("values"), nlohmann::json::parse("[16.0, 22.0, 28.8]"));
  std::remove(x.c_str());
  std::remove(y.c_str());
}

TEST(CliStats, NanPolicy) {
  const auto x = temp_file("nx.txt", "1\nnan\n3\n");
  auto r = run_cli("stats welch " + x + " -", "[2, null, 5, 6]");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate stats: [rollgate.stats.402] /x/1: value is NaN (pass nan_policy omit to drop "
            "NaNs)\nrollgate stats: [rollgate.stats.402] /y/1: value is NaN (pass nan_policy omit "
            "to drop NaNs)\n");
  r = run_cli("stats welch --nan-policy omit " + x + " -", "[2, null, 5, 6]");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::remove(x.c_str());
}

TEST(CliStats, BadUsageAndInput) {
  auto r = run_cli("stats ttest a b");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate stats: [rollgate.cli.901] unknown test 'ttest' (see 'rollgate stats "
            "--help')\n");
  r = run_cli("stats mannwhitneyu - -", "1\n2\nabc\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate stats: [rollgate.stats.416] /x/2: '-' line 3: 'abc' is not a number\n");
  r = run_cli("stats mannwhitneyu --alternative up a b");
  EXPECT_EQ(r.err,
            "rollgate stats: [rollgate.stats.407] /alternative: unknown alternative 'up', "
            "expected \"two-sided\", \"less\" or \"greater\"\n");
  r = run_cli("stats fisher 1 2 3");
  EXPECT_EQ(r.err,
            "rollgate stats: [rollgate.cli.901] fisher needs four counts A B C D, got 3 "
            "argument(s) (see 'rollgate stats --help')\n");
  r = run_cli("stats proportions 5 4 1 10");
  EXPECT_EQ(r.err,
            "rollgate stats: [rollgate.stats.405] /successes_x: successes (5) exceed trials (4)\n");
  r = run_cli("stats mannwhitneyu - /nonexistent/file", "1\n");
  EXPECT_EQ(r.err, "rollgate stats: [rollgate.cli.902] cannot read file '/nonexistent/file'\n");
  r = run_cli("stats mannwhitneyu - -", "[[1, 2]]");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rollgate stats: [rollgate.stats.416] /x/0: '-' line 1: '[1' is not a number\n");
}

}  // namespace
