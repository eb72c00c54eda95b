// Regression tests for issue 12, items 6 and 7: defects a hostile tester found in the core's JSON
// input and in the CLI's input checks. Each test is named after what it guards, and each failed
// before its fix (the inputs are the issue's own).
#include <gtest/gtest.h>

#include <sys/stat.h>  // mkdir
#include <unistd.h>    // getpid, rmdir

#include <cstdio>       // std::remove
#include <cstdlib>      // std::system
#include <fstream>      // std::ofstream
#include <functional>   // std::function
#include <string>       // std::string
#include <string_view>  // std::string_view

#include <nlohmann/json.hpp>

#include "detail/json_input.hpp"  // parse_json: the one parser every input goes through
#include "rollgate/canary.hpp"
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"
#include "rollgate/flags.hpp"
#include "rollgate/mismatch_report.hpp"
#include "rollgate/rollout.hpp"
#include "rollgate/sketch.hpp"
#include "test_support.hpp"

namespace {

/// The one problem `f` throws, as "[code] pointer: message"; fails the test if it throws none.
std::string thrown(const std::function<void()>& f) {
  try {
    f();
  } catch (const rollgate::error& e) {
    EXPECT_EQ(e.problems().size(), 1u) << e.what();
    return e.problems().front().to_string();
  }
  ADD_FAILURE() << "expected a rollgate::error";
  return {};
}

/// `object_text` (a JSON object) with its first member written twice, with the same value: a
/// repeat that changes nothing, so only the duplicate itself can make the input fail.
std::string first_member_twice(const std::string& object_text) {
  const auto doc = nlohmann::ordered_json::parse(object_text);
  const auto first = doc.items().begin();
  return "{" + nlohmann::json(first.key()).dump() + ":" + first.value().dump() + "," +
         object_text.substr(object_text.find('{') + 1);
}

/// The name of the first member of `object_text`.
std::string first_key(const std::string& object_text) {
  return nlohmann::ordered_json::parse(object_text).items().begin().key();
}

/// The rollgate.json.104 problem of `subject` for the member `name` at the top level.
std::string duplicate(const std::string& subject, const std::string& name) {
  return "[rollgate.json.104] /" + name + ": " + subject +
         " names this member twice in one object; JSON parsers disagree on which copy wins, so "
         "rollgate accepts neither";
}

/// Expects `load` to refuse `valid_text` (a document it accepts) with its first member repeated.
void expect_repeat_refused(const std::string& subject, const std::string& valid_text,
                           const std::function<void(const std::string&)>& load) {
  SCOPED_TRACE(subject);
  EXPECT_NO_THROW(load(valid_text));
  EXPECT_EQ(thrown([&] { load(first_member_twice(valid_text)); }),
            duplicate(subject, first_key(valid_text)));
}

const char* kCanaryConfig = R"({"metrics":[{"name":"latency","kind":"continuous"}]})";

// ---------------------------------------------------------------------------------------------
// Item 6: JSON input

TEST(Issue12, BytesAfterANulByteAreASyntaxError) {
  // nlohmann's lexer ends the input at a NUL byte, so this validated as an empty config.
  const std::string text("{\"flags\":[]}\0garbage{{{", 24);
  const auto problems = rollgate::validate(text);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].to_string(),
            "[rollgate.json.101] config is not valid JSON at byte 13: unexpected NUL byte "
            "(U+0000) after the document; only whitespace may follow it");
  EXPECT_EQ(rollgate::validate("{\"flags\":[]}  \n").size(), 0u);  // whitespace still may follow
}

TEST(Issue12, NulByteInsideADocumentIsNamedAtItsOffset) {
  // Before: "unexpected end of input", although more input followed.
  EXPECT_EQ(thrown([] { rollgate::detail::parse_json(std::string("[1,\0 2]", 7), "document"); }),
            "[rollgate.json.101] document is not valid JSON at byte 4: unexpected NUL byte "
            "(U+0000); JSON text cannot contain one (inside a string it is written \\u0000)");
  // An earlier syntax error is still the one reported.
  EXPECT_EQ(thrown([] {
              rollgate::detail::parse_json(std::string("[1,,\0]", 6), "document");
            }).rfind("[rollgate.json.101] document is not valid JSON at byte 4: parse error", 0),
            0u);
}

TEST(Issue12, RepeatedMemberCannotUndoAKillSwitch) {
  // nlohmann keeps the last copy: this config served the flag that the first "enabled" kills.
  const std::string config = R"({"schemaVersion": 1, "flags": [{"key": "checkout",
      "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
      "defaultVariation": "on", "offVariation": "off", "enabled": false, "enabled": true}]})";
  const auto problems = rollgate::validate(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "rollgate.json.104");
  EXPECT_EQ(problems[0].pointer, "/flags/0/enabled");
  EXPECT_THROW(rollgate::compile(config), rollgate::error);
}

TEST(Issue12, RepeatedMemberPointerNamesItsPlace) {
  EXPECT_EQ(thrown([] {
              rollgate::detail::parse_json(R"({"a":{"b":[1,{"c":1,"d~/":[{"x":1,"x":1}]}]}})",
                                           "document");
            }),
            "[rollgate.json.104] /a/b/1/d~0~1/0/x: document names this member twice in one "
            "object; JSON parsers disagree on which copy wins, so rollgate accepts neither");
  // The same name in different objects is no repeat.
  EXPECT_NO_THROW(rollgate::detail::parse_json(R"([{"x":1},{"x":2,"y":{"x":3}}])", "document"));
}

TEST(Issue12, EveryJsonInputRejectsARepeatedMember) {
  // One check in the bounded parser covers every loader; each input here is a valid document of
  // its kind with its first member repeated (with the same value, so only the repeat can fail).
  const std::string config = R"({"schemaVersion":1,"flags":[]})";
  expect_repeat_refused("config", config, [](const std::string& text) {
    const auto problems = rollgate::validate(text);
    if (!problems.empty()) throw rollgate::error(problems);
  });
  const auto ev = rollgate::compile(config);
  expect_repeat_refused("context", R"({"targetingKey":"a","country":"DE"})",
                        [&](const std::string& text) { rollgate::context::from_json(ev, text); });

  const std::string plan = rollgate::default_plan(rollgate::risk::medium).to_json();
  expect_repeat_refused("plan", plan,
                        [](const std::string& text) { rollgate::rollout_plan::parse(text); });
  expect_repeat_refused("state", rollgate::initial_state(0).to_json(),
                        [&](const std::string& text) { rollgate::rollout_state::parse(text); });

  expect_repeat_refused("canary config", kCanaryConfig,
                        [](const std::string& text) { rollgate::validate_canary_config(text); });
  expect_repeat_refused(
      "baseline", R"({"metrics":{"latency":[1,2]},"name":"b"})",
      [](const std::string& text) { rollgate::judge(kCanaryConfig, text, R"({"metrics":{}})"); });

  expect_repeat_refused("diff options", R"({"maxDifferences":5,"maxValueLength":100})",
                        [](const std::string& text) { rollgate::parse_diff_options(text); });
  expect_repeat_refused("old document", R"({"a":1,"b":2})",
                        [](const std::string& text) { rollgate::diff_json(text, "{}"); });
  expect_repeat_refused(
      "mismatch report", rollgate::mismatch_report().to_json(),
      [](const std::string& text) { rollgate::mismatch_report::from_json(text); });
  expect_repeat_refused(
      "sketch", rollgate::quantile_sketch().to_json(),
      [](const std::string& text) { rollgate::quantile_sketch::from_json(text); });
}

// ---------------------------------------------------------------------------------------------
// Item 7: the CLI's input checks

#ifdef ROLLGATE_CLI_PATH
using rollgate::test::run_cli;

std::string temp_path(const std::string& name) {
  return "/tmp/rollgate_issue12_" + std::to_string(::getpid()) + "_" + name;
}

std::string temp_file(const std::string& name, const std::string& content) {
  const std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(Issue12, CliDirectoryGivenAsFileIsCli902) {
  // Before: exit 2 with "basic_filebuf::underflow error reading the file: Is a directory".
  const std::string dir = temp_path("dir");
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  const auto r = run_cli("validate " + dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rollgate validate: [rollgate.cli.902] cannot read file '" + dir +
                       "': it is a directory\n");
  EXPECT_EQ(
      run_cli("stats quantile --q 0.5 " + dir).err,
      "rollgate stats: [rollgate.cli.902] cannot read file '" + dir + "': it is a directory\n");

  // A directory on stdin read as an empty document (rollgate.json.101) before.
  const std::string err = temp_path("stdin.err");
  const int status = std::system(
      ("'" + std::string(ROLLGATE_CLI_PATH) + "' validate - <" + dir + " 2>" + err).c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(rollgate::test::read_text(err),
            "rollgate validate: [rollgate.cli.902] cannot read stdin: Is a directory\n");
  std::remove(err.c_str());
  ::rmdir(dir.c_str());
}

TEST(Issue12, CliInvalidUtf8FlagKeyStillPrintsValidJson) {
  // The key is echoed into the result; its bytes 0xFF and a cut-off 3-byte sequence were written
  // raw, so the output was not JSON. Now each invalid sequence is U+FFFD.
  const auto r =
      run_cli("eval --config '" + rollgate::test::source_path("examples/configs/storefront.json") +
              "' --flag \"$(printf 'a\\377b\\342\\202')\"");
  EXPECT_EQ(r.exit_code, 1);  // no such flag
  nlohmann::json out;
  ASSERT_NO_THROW(out = nlohmann::json::parse(r.out)) << r.out;
  EXPECT_EQ(out.at("flag"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(out.at("errorCode"), "FLAG_NOT_FOUND");
}

TEST(Issue12, CliNumberFilesAreDecimalOnly) {
  // strtod read "0x1p3" as 8.
  const auto hex = temp_file("hex.txt", "0x1p3\n2\n");
  const auto ok = temp_file("ok.txt", "1\n2\n3\n");
  const auto r = run_cli("stats mannwhitneyu " + hex + " " + ok);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rollgate stats: [rollgate.stats.416] /x/0: '" + hex +
                       "' line 1: '0x1p3' is not a number (only decimal numbers are accepted, "
                       "e.g. 8 or 1.5e3)\n");
  EXPECT_EQ(run_cli("stats quantile --q 0.5 -", "[1, 2, 0X10]").err,
            "rollgate stats: [rollgate.stats.416] /values/2: '-' line 1: '0X10' is not a number "
            "(only decimal numbers are accepted, e.g. 8 or 1.5e3)\n");
  EXPECT_EQ(run_cli("stats hodges-lehmann --confidence 0x1p-1 " + ok + " " + ok).err,
            "rollgate stats: [rollgate.cli.901] --confidence must be a decimal number, got "
            "'0x1p-1' (see 'rollgate stats --help')\n");
  // Every decimal form is still read: sign, fraction, exponent.
  const auto q = run_cli("stats quantile --q 0,1 -", "+4\n-2.5\n.5\n3e-2\n1.\n");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(nlohmann::json::parse(q.out).at("values"), nlohmann::json::parse("[-2.5, 4]"));
  std::remove(hex.c_str());
  std::remove(ok.c_str());
}

TEST(Issue12, CliCsvSamplesAreDecimalWithUniqueUtf8Columns) {
  const auto cfg = temp_file("cfg.json", kCanaryConfig);
  const auto ok = temp_file("ok.csv", "latency\n1\n");
  auto judge = [&](const std::string& baseline_csv) {
    const auto path = temp_file("baseline.csv", baseline_csv);
    const auto r = run_cli("judge --config " + cfg + " --baseline " + path + " --canary " + ok);
    std::remove(path.c_str());
    EXPECT_EQ(r.exit_code, 2);
    return r.err;
  };
  EXPECT_EQ(judge("latency\n0x10\n"),
            "rollgate judge: [rollgate.canary.513] /baseline: CSV line 2, column 'latency': '0x10' "
            "is not a number\n");
  // Two columns of one name merged their values into one metric.
  EXPECT_EQ(judge("latency,latency\n1,2\n"),
            "rollgate judge: [rollgate.canary.513] /baseline: CSV column 2 repeats the metric name "
            "'latency'\n");
  // An invalid UTF-8 name escaped as nlohmann's type_error.316, without a rollgate code.
  EXPECT_EQ(judge("lat\xFFncy\n1\n"),
            "rollgate judge: [rollgate.canary.513] /baseline: CSV column 1's metric name is not "
            "valid UTF-8\n");
  std::remove(cfg.c_str());
  std::remove(ok.c_str());
}
#endif

}  // namespace
