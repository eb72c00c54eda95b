// `rollgate diff` through the real binary: output format, exit codes like diff(1), options.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace {

using nlohmann::json;
using rollgate::test::run_cli;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/rollgate_cli_diff_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CliDiff, EqualDocumentsExitZero) {
  const auto a = write_temp("a.json", R"({"x":[1,2],"y":null})");
  const auto b = write_temp("b.json", R"({"y":null,"x":[1,2.0]})");
  const auto r = run_cli("diff " + a + " " + b);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"equal\":true,\"differences\":[],\"omitted\":0}\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliDiff, DifferencesExitOneWithPathKindAndValues) {
  const auto a = write_temp("a.json", R"({"id":1,"tags":["a"],"gone":true})");
  const auto b = write_temp("b.json", R"({"id":"1","tags":["a","b"],"new":{"k":1}})");
  const auto r = run_cli("diff " + a + " " + b);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out), json::parse(R"({"equal":false,"differences":[
      {"path":"/gone","field":"/gone","kind":"key_removed","old":true},
      {"path":"/id","field":"/id","kind":"type_changed","old":1,"new":"1"},
      {"path":"/new","field":"/new","kind":"key_added","new":{"k":1}},
      {"path":"/tags","field":"/tags","kind":"array_length_changed","old":1,"new":2}],"omitted":0})"));
}

TEST(CliDiff, OptionsFileAndMaxDifferences) {
  const auto a = write_temp("a.json", R"({"ts":1,"a":1,"b":1,"c":1})");
  const auto b = write_temp("b.json", R"({"ts":2,"a":2,"b":2,"c":2})");
  const auto o = write_temp("o.json", R"({"paths":[{"path":"/ts","ignore":true}]})");
  auto r = run_cli("diff " + a + " " + b + " --options " + o + " --max-differences 2");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["differences"].size(), 2u);
  EXPECT_EQ(out["differences"][0]["path"], "/a");
  EXPECT_EQ(out["omitted"], 1);
  const auto ignore_all = write_temp("all.json", R"({"paths":[{"path":"/**","ignore":true}]})");
  r = run_cli("diff " + a + " " + b + " --options " + ignore_all);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliDiff, StdinAsOneSide) {
  const auto a = write_temp("a.json", "[1]");
  const auto r = run_cli("diff - " + a, "[2]");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out)["differences"][0]["old"], 2);
}

TEST(CliDiff, ErrorsExitTwoWithWholeMessages) {
  const auto good = write_temp("g.json", "{}");
  const auto bad = write_temp("bad.json", "{\"a\":");
  auto r = run_cli("diff " + good);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate diff: [rollgate.cli.901] expected two files, OLD and NEW, got 1 (see "
            "rollgate diff --help)\n");
  r = run_cli("diff " + good + " /nonexistent/x.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rollgate diff: [rollgate.cli.902] cannot read file '/nonexistent/x.json'\n");
  r = run_cli("diff " + good + " " + bad);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate diff: [rollgate.json.101] new document is not valid JSON at byte 6: parse "
            "error at line 1, "
            "column 6: syntax error while parsing value - unexpected end of input; expected '[', "
            "'{', or a "
            "literal\n");
  EXPECT_EQ(r.out, "");
  r = run_cli("diff " + good + " " + good + " --max-differences 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate diff: [rollgate.cli.901] --max-differences must be an integer between 1 and "
            "1000000, not '0'\n");
  r = run_cli("diff " + good + " " + good + " --frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "rollgate diff: [rollgate.cli.901] unknown option '--frobnicate' (see rollgate diff "
            "--help)\n");
  const auto bad_options = write_temp("bo.json", R"({"paths":[{"path":"x","ignore":1}]})");
  r = run_cli("diff " + good + " " + good + " --options " + bad_options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err,
      "rollgate diff: [rollgate.diff.702] /paths/0/ignore: ignore must be a boolean, not number\n");
}

TEST(CliDiff, ExampleFilesShowOnlyTheRealChanges) {
  // examples/diff: an order API's old and new responses. By hand from docs/diff.md: request_id
  // and generated_at are ignored; status and email differ only in case; vip is null vs missing;
  // total is within 0.005; tags are a reordered set; items pair by sku, so only book-1's price
  // (19.99 -> 21.99, 10% > 0.1%) differs; loyalty_points is new.
  const auto dir = rollgate::test::source_path("examples/diff/");
  const auto r =
      run_cli("diff " + dir + "old.json " + dir + "new.json --options " + dir + "options.json");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out), json::parse(R"({"equal":false,"differences":[
      {"path":"/items/0/price","field":"/items/*/price","kind":"value_changed","old":19.99,"new":21.99},
      {"path":"/loyalty_points","field":"/loyalty_points","kind":"key_added","new":60}],"omitted":0})"));
}

TEST(CliDiff, HelpDescribesUsageAndExitCodes) {
  const auto r = run_cli("diff --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("usage: rollgate diff OLD NEW [--options FILE] [--max-differences N]\n", 0),
            0u);
  EXPECT_NE(r.out.find("exit status: 0 equal, 1 different, 2 error"), std::string::npos);
  EXPECT_NE(run_cli("--help").out.find("diff      compare two JSON documents structurally"),
            std::string::npos);
}

}  // namespace
