// flagd flag definitions compiled into rollgate's evaluator (compile(text, config_format::flagd);
// core/src/flags/flagd_*.cpp, docs/flagd.md).
//
// Why tests/vectors/flagd.json exists: every expected value, variant and reason in it was given
// by OpenFeature's own evaluator, @openfeature/flagd-core, for the same flag files and contexts
// (tests/vectors/gen/gen_flagd.mjs; two of the files are flagd-testbed's). A failing row names
// the flag and context whose result moved away from flagd's. The node test runs the same rows
// through the WASM build. Regenerate (after npm ci):
//   node tests/vectors/gen/gen_flagd.mjs > tests/vectors/flagd.json
// The problems (rollgate.config.230-239) are rollgate's decisions: docs/errors/config.md.
#include <gtest/gtest.h>

#include <iterator>  // std::size
#include <optional>
#include <string>
#include <vector>

#include "rollgate/flags.hpp"
#include "test_support.hpp"

namespace {

using nlohmann::json;
using rollgate::config_format;

const json& vectors() {
  static const json v = rollgate::test::load_vectors("flagd.json");
  return v;
}

// The result as the vectors write it: {value?, variant, reason, errorCode?}.
json observed(const rollgate::evaluation& r) {
  json out = json::object();
  if (r.variation_index >= 0) out["value"] = json::parse(r.value);
  out["variant"] = r.variation_index >= 0 ? json(std::string(r.variant)) : json(nullptr);
  out["reason"] = rollgate::to_string(r.reason);
  if (r.error_code != rollgate::error_code::none)
    out["errorCode"] = rollgate::to_string(r.error_code);
  return out;
}

TEST(Flagd, AgreesWithFlagdCoreOnEveryVector) {
  const std::int64_t now = vectors()["now_ms"].get<std::int64_t>();
  std::size_t checked = 0;
  for (const auto& file : vectors()["files"]) {
    SCOPED_TRACE(file["name"].get<std::string>());
    const auto ev = rollgate::compile(file["config"].dump(), config_format::flagd);
    for (const auto& e : file["evaluations"]) {
      const std::string key = e["flag"];
      const auto ctx = rollgate::context::from_json(ev, e["context"].dump());
      const json got = observed(ev.evaluate(key, ctx, now));
      EXPECT_EQ(got, e["expected"]) << key << " with " << e["context"].dump();
      ++checked;
    }
    for (auto it = file["metadata"].begin(); it != file["metadata"].end(); ++it) {
      const auto i = ev.flag_index(it.key());
      ASSERT_TRUE(i.has_value()) << it.key();
      EXPECT_EQ(json::parse(ev.flag_metadata(*i)), it.value()) << it.key();
    }
  }
  EXPECT_GT(checked, 1000u);  // the file is not empty or truncated
}

TEST(Flagd, JsHashingAgreesToo) {
  // The vectors' keys are ASCII, where flagd (UTF-8) and flagd-core (UTF-16) hash alike.
  const std::int64_t now = vectors()["now_ms"].get<std::int64_t>();
  for (const auto& file : vectors()["files"]) {
    const auto ev = rollgate::compile(file["config"].dump(), config_format::flagd_js);
    for (const auto& e : file["evaluations"]) {
      const auto ctx = rollgate::context::from_json(ev, e["context"].dump());
      EXPECT_EQ(observed(ev.evaluate(e["flag"].get<std::string>(), ctx, now)), e["expected"]);
    }
  }
}

TEST(Flagd, TimestampFollowsTheClock) {
  const auto ev = rollgate::compile(
      R"({"flags":{"t":{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"off",
          "targeting":{"if":[{">=":[{"var":"$flagd.timestamp"},1800000000]},"on","off"]}}}})",
      config_format::flagd);
  EXPECT_TRUE(ev.uses_clock());
  const rollgate::context ctx(ev);
  EXPECT_EQ(ev.evaluate("t", ctx, 1799999999999).variant, "off");  // 1799999999.999 s: floor
  EXPECT_EQ(ev.evaluate("t", ctx, 1800000000000).variant, "on");
}

TEST(Flagd, DescribesPathsAndMetadata) {
  const auto ev = rollgate::compile(
      R"({"metadata":{"team":"a"},"flags":{"f":{"state":"ENABLED","variants":{"on":true},
          "defaultVariant":"on","metadata":{"v":2},
          "targeting":{"if":[{"==":[{"var":"user.email"},"x"]},"on",null]}}}})",
      config_format::flagd);
  EXPECT_EQ(
      ev.describe(),
      R"({"flags":[{"key":"f","type":"boolean","metadata":{"team":"a","v":2}}],)"
      R"("attributes":["user.email"],"usesClock":false,"attributePaths":[["user","email"]]})");
  // A nested value is read along the path; a flat key with dots is not a path.
  EXPECT_EQ(ev.evaluate_json("f", R"({"user":{"email":"x"}})", 0).reason,
            rollgate::reason::targeting_match);
  EXPECT_EQ(ev.evaluate_json("f", R"({"user.email":"x"})", 0).reason, rollgate::reason::default_);
}

TEST(Flagd, ContextProblemsPointAlongThePath) {
  const auto ev = rollgate::compile(
      R"({"flags":{"f":{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on",
          "targeting":{"if":[{"in":["a",{"var":"user.roles"}]},"on",null]}}}})",
      config_format::flagd);
  try {
    (void)rollgate::context::from_json(ev, R"({"user":{"roles":["a",3]}})");
    FAIL() << "expected rollgate.config.250";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].code, "rollgate.config.250");
    EXPECT_EQ(e.problems()[0].pointer, "/user/roles/1");
  }
}

// --- problems: rollgate.config.230-239, pointers into the flagd document ----------------------

std::vector<std::string> problems_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& p : rollgate::validate(text, config_format::flagd)) out.push_back(p.to_string());
  return out;
}

std::string flag_with(const std::string& targeting) {
  return R"({"flags":{"f":{"state":"ENABLED","variants":{"on":true,"off":false},)"
         R"("defaultVariant":"off","targeting":)" +
         targeting + "}}}";
}

TEST(FlagdProblems, DocumentAndFlagStructure) {
  EXPECT_EQ(problems_of("[]"),
            std::vector<std::string>{"[rollgate.config.230] expected an object, got array"});
  EXPECT_EQ(problems_of("{}"),
            std::vector<std::string>{"[rollgate.config.230] missing required member 'flags'"});
  EXPECT_EQ(problems_of(R"({"flags":{"f":{"state":"ON","variants":{"a":1},"defaultVariant":"a",
                            "tagreting":{}}}})"),
            (std::vector<std::string>{
                "[rollgate.config.230] /flags/f/tagreting: unknown member 'tagreting'",
                "[rollgate.config.231] /flags/f/state: state must be \"ENABLED\" or \"DISABLED\", "
                "got \"ON\""}));
  EXPECT_EQ(problems_of(R"({"flags":{"f":{"state":"ENABLED","variants":{"a":1,"b":"x"}}}})"),
            std::vector<std::string>{
                "[rollgate.config.232] /flags/f/variants/b: variants of one flag share a type: "
                "this one is string, an earlier one number"});
  EXPECT_EQ(problems_of(R"({"flags":{"f":{"state":"ENABLED","variants":{"a":[1]}}}})"),
            std::vector<std::string>{"[rollgate.config.232] /flags/f/variants/a: a variant is a "
                                     "boolean, string, number or object, got array"});
  EXPECT_EQ(
      problems_of(R"({"flags":{"f":{"state":"ENABLED","variants":{"a":1},"defaultVariant":"b"}}})"),
      std::vector<std::string>{
          "[rollgate.config.233] /flags/f/defaultVariant: unknown variant \"b\" in flag 'f'"});
}

TEST(FlagdProblems, UnsupportedOperationsAndOperands) {
  EXPECT_EQ(
      problems_of(flag_with(R"({"if":[{"some":[{"var":"xs"},{"==":[{"var":""},1]}]},"on"]})")),
      std::vector<std::string>{"[rollgate.config.234] /flags/f/targeting/if/0/some: JSON "
                               "Logic operation 'some' is not supported by rollgate's flagd "
                               "loader"});
  EXPECT_EQ(problems_of(flag_with(R"({"if":[{"frobnicate":[1]},"on"]})")),
            std::vector<std::string>{"[rollgate.config.234] /flags/f/targeting/if/0/frobnicate: "
                                     "unknown JSON Logic operation 'frobnicate'"});
  EXPECT_EQ(
      problems_of(flag_with(R"({"if":[{"==":[{"var":"a"},{"var":"b"}]},"on","off"]})")),
      std::vector<std::string>{"[rollgate.config.235] /flags/f/targeting/if/0/==: compares two "
                               "attributes (rollgate compares an attribute with a constant)"});
  EXPECT_EQ(problems_of(flag_with(R"({"if":[{"<":[{"var":"a"},"m"]},"on","off"]})")),
            std::vector<std::string>{"[rollgate.config.235] /flags/f/targeting/if/0/<: orders an "
                                     "attribute against a number only (not two attributes, "
                                     "strings or booleans)"});
  EXPECT_EQ(problems_of(flag_with(R"({"var":"variant"})")),
            std::vector<std::string>{"[rollgate.config.235] /flags/f/targeting: a variant chosen "
                                     "by an attribute's value (`var` as the result) is not "
                                     "supported"});
  EXPECT_EQ(problems_of(flag_with(R"({"if":[{"==":[{"var":["a","dflt"]},1]},"on","off"]})")),
            std::vector<std::string>{"[rollgate.config.235] /flags/f/targeting/if/0/==/0/var: "
                                     "`var` with a default value is not supported"});
}

TEST(FlagdProblems, RefsFractionalAndLimits) {
  EXPECT_EQ(problems_of(flag_with(R"({"if":[{"$ref":"nope"},"on","off"]})")),
            std::vector<std::string>{
                "[rollgate.config.236] /flags/f/targeting/if/0/$ref: no evaluator 'nope' in "
                "$evaluators"});
  EXPECT_EQ(problems_of(R"({"$evaluators":{"a":{"$ref":"b"},"b":{"!":{"$ref":"a"}}},)"
                        R"("flags":{"f":{"state":"ENABLED","variants":{"on":true},)"
                        R"("targeting":{"if":[{"$ref":"a"},"on",null]}}}})"),
            std::vector<std::string>{
                "[rollgate.config.236] /$evaluators/b/!/$ref: $ref cycle: a -> b -> a"});
  EXPECT_EQ(problems_of(flag_with(R"({"fractional":[["on",50.5],["off",50]]})")),
            std::vector<std::string>{"[rollgate.config.237] /flags/f/targeting/fractional/0/1: a "
                                     "bucket's weight must be an integer"});
  EXPECT_EQ(problems_of(flag_with(R"({"fractional":[["maybe",1]]})")),
            std::vector<std::string>{"[rollgate.config.233] /flags/f/targeting/fractional/0/0: "
                                     "unknown variant \"maybe\" in flag 'f'"});
  EXPECT_EQ(problems_of(flag_with(R"({"fractional":[["on",2000000000],["off",2000000000]]})")),
            std::vector<std::string>{"[rollgate.config.237] /flags/f/targeting/fractional: the "
                                     "weights sum to 4000000000, above flagd's limit of "
                                     "2147483647"});
  EXPECT_EQ(problems_of(flag_with(R"({"fractional":[{"+":[1,2]},["on",1]]})")),
            std::vector<std::string>{"[rollgate.config.237] /flags/f/targeting/fractional/0: the "
                                     "bucketing key must be a string, a `var` or a `cat` of "
                                     "strings and `var`s"});
  EXPECT_EQ(problems_of(flag_with(R"({"if":[{"sem_ver":[{"var":"v"},"="]},"on","off"]})")),
            std::vector<std::string>{"[rollgate.config.238] /flags/f/targeting/if/0/sem_ver: "
                                     "`sem_ver` needs [attribute, operator, version]"});
  // Nesting through $ref: each evaluator one level deeper than the one it refers to.
  std::string chain = R"("d0":{"if":[true,"on"]})";
  for (int i = 1; i < 40; ++i) {
    chain += ",\"d" + std::to_string(i) + R"(":{"if":[true,{"$ref":"d)" + std::to_string(i - 1) +
             "\"}]}";
  }
  const auto p = rollgate::validate(
      "{\"$evaluators\":{" + chain +
          R"(},"flags":{"f":{"state":"ENABLED","variants":{"on":true},"targeting":{"$ref":"d39"}}}})",
      config_format::flagd);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].code, "rollgate.config.239");
  EXPECT_EQ(p[0].message, "targeting nests deeper than the limit of 48");
  // Shared evaluators are copied where they are used: a doubling chain is stopped by the budget.
  std::string evaluators = R"("e0":{"if":[{"==":[{"var":"x"},1]},"on","off"]})";
  for (int i = 1; i < 40; ++i) {
    evaluators += ",\"e" + std::to_string(i) + R"(":{"if":[{"==":[{"var":"x"},1]},{"$ref":"e)" +
                  std::to_string(i - 1) + R"("},{"$ref":"e)" + std::to_string(i - 1) + "\"}]}";
  }
  const auto q = rollgate::validate(
      "{\"$evaluators\":{" + evaluators +
          R"(},"flags":{"f":{"state":"ENABLED","variants":{"on":true,"off":false},)"
          R"("targeting":{"$ref":"e39"}}}})",
      config_format::flagd);
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q[0].code, "rollgate.config.239");
}

TEST(FlagdProblems, CompileThrowsEveryProblem) {
  try {
    (void)rollgate::compile(R"({"flags":{"a":{"state":"X","variants":{}}}})", config_format::flagd);
    FAIL() << "expected rollgate::error";
  } catch (const rollgate::error& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].code, "rollgate.config.231");
    EXPECT_EQ(e.problems()[1].to_string(),
              "[rollgate.config.232] /flags/a/variants: a flag needs at least one variant");
  }
}

TEST(Flagd, DifferencesFromFlagdCoreAreRollgatesDocumentedChoices) {
  // docs/flagd.md "Differences": rollgate compares types strictly where JSON Logic coerces
  // ("8" == 8) or flagd-core raises (a number given to `in` as a string); a type mismatch is no
  // match. These rows are rollgate's decision, not a reference.
  const auto ev = rollgate::compile(flag_with(R"({"if":[{"==":[{"var":"n"},8]},"on","off"]})"),
                                    config_format::flagd);
  EXPECT_EQ(ev.evaluate_json("f", R"({"n":"8"})", 0).variant, "off");  // flagd-core: on
  EXPECT_EQ(ev.evaluate_json("f", R"({"n":8})", 0).variant, "on");
  const auto in = rollgate::compile(flag_with(R"({"if":[{"in":["@x",{"var":"e"}]},"on","off"]})"),
                                    config_format::flagd);
  EXPECT_EQ(in.evaluate_json("f", R"({"e":5})", 0).variant, "off");  // flagd-core: GENERAL
}

}  // namespace

namespace {

TEST(FlagdCli, EvalAndValidateTakeFormat) {
  const std::string file = "'" + rollgate::test::source_path("examples/flagd/flags.json") + "'";
  const auto ok = rollgate::test::run_cli("validate --format flagd " + file);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok\n");
  // Read as rollgate's own format, the same file is not valid.
  EXPECT_EQ(rollgate::test::run_cli("validate " + file).exit_code, 1);
  const auto r = rollgate::test::run_cli(
      "eval --config " + file +
      R"( --format flagd --flag new-checkout --context '{"email":"a@example.com"}')");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"flag":"new-checkout","value":true,"variant":"on","variationIndex":1,)"
                   R"("reason":"TARGETING_MATCH","ruleIndex":0})"
                   "\n");
  const auto bad = rollgate::test::run_cli("validate --format yaml " + file);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("rollgate.cli.901"), std::string::npos) << bad.err;
}

}  // namespace

namespace {

// The format names are the core's (the CLI's --format and the package's {format} read them).
TEST(FlagdFormat, NamesRoundTripInEnumOrderAndUnknownNamesAreRefused) {
  const char* const names[] = {"rollgate", "flagd", "flagd-js"};
  ASSERT_EQ(std::size(names), rollgate::kConfigFormatCount);
  for (std::size_t i = 0; i < rollgate::kConfigFormatCount; ++i) {
    const auto f = static_cast<rollgate::config_format>(i);
    EXPECT_STREQ(rollgate::to_string(f), names[i]);
    EXPECT_EQ(rollgate::config_format_named(names[i]), f);
  }
  EXPECT_EQ(rollgate::config_format_named("FLAGD"), std::nullopt);
  EXPECT_EQ(rollgate::config_format_named(""), std::nullopt);
}

}  // namespace
