// `rollgate plan`: default plans, plan validation and one step of the rollout state machine
// (rollout.hpp), for scripts and for checking a coordinator by hand.
#include <chrono>    // std::chrono::system_clock (--now default)
#include <cstdlib>   // std::strtoll
#include <iostream>  // std::cout
#include <string>    // std::string
#include <vector>    // std::vector

#include <nlohmann/json.hpp>  // --pretty

#include "command.hpp"
#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"

namespace rollgate::cli {
namespace {

constexpr const char* kHelp =
    "usage: rollgate plan (--plan FILE | --risk low|medium|high) [--state FILE]\n"
    "                     [--analysis FILE] [--now MS] [--pretty]\n"
    "       rollgate plan --print-default [--risk low|medium|high]\n"
    "       rollgate plan --validate FILE\n"
    "       rollgate plan --init [--now MS]\n"
    "\n"
    "Runs one step of the rollout state machine (docs/rollout.md) and prints the action as\n"
    "JSON: {\"action\": advance|hold|rollback|complete, \"percent\", \"stage\", \"status\",\n"
    "\"reasons\", \"state\"}. Store \"state\" and pass it back with --state next time.\n"
    "\n"
    "options:\n"
    "  --plan FILE        the plan (JSON); or\n"
    "  --risk R           the default plan of risk R (default medium)\n"
    "  --state FILE       current state (JSON); default: a new rollout started at --now\n"
    "  --analysis FILE    output of 'rollgate judge' for the current stage; default: none\n"
    "  --now MS           the clock, epoch milliseconds (default: the system clock)\n"
    "  --print-default    print the default plan (of --risk, default medium)\n"
    "  --validate FILE    check a plan; print every problem\n"
    "  --init             print the state of a new rollout started at --now\n"
    "  --pretty           indent the JSON output\n"
    "\n"
    "exit codes: 0 success (whatever the action), 2 bad usage or input (problems, with ids\n"
    "such as rollgate.plan.604 and JSON Pointers, go to stderr).\n"
    "\n"
    "example:\n"
    "  rollgate plan --risk medium --state state.json --analysis analysis.json --now "
    "1700000900000\n";

[[noreturn]] void usage(const std::string& message) {
  throw error("rollgate.cli.901", "", message);
}

void print(const std::string& json_text, bool pretty) {
  std::cout << (pretty ? nlohmann::ordered_json::parse(json_text).dump(2) : json_text) << '\n';
}

int run_plan(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << kHelp;
    return ok;
  }
  std::string plan_file, state_file, analysis_file, validate_file, risk_text;
  bool print_default = false, init = false, pretty = false, has_now = false;
  std::int64_t now = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) usage(a + " needs a value (see rollgate plan --help)");
      return args[++i];
    };
    if (a == "--plan") {
      plan_file = value();
    } else if (a == "--risk") {
      risk_text = value();
    } else if (a == "--state") {
      state_file = value();
    } else if (a == "--analysis") {
      analysis_file = value();
    } else if (a == "--validate") {
      validate_file = value();
    } else if (a == "--now") {
      const std::string v = value();
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || end != v.c_str() + v.size() || n < 0) {
        usage("--now needs a non-negative integer (epoch milliseconds), got '" + v + "'");
      }
      now = n;
      has_now = true;
    } else if (a == "--print-default") {
      print_default = true;
    } else if (a == "--init") {
      init = true;
    } else if (a == "--pretty") {
      pretty = true;
    } else {
      usage("unknown option '" + a + "' (see rollgate plan --help)");
    }
  }
  if (!has_now) {
    now = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
  }
  const risk r = risk_text.empty() ? risk::medium : parse_risk(risk_text);
  if (print_default) {
    if (!plan_file.empty()) usage("--print-default and --plan do not go together");
    std::cout << default_plan(r) << '\n';
    return ok;
  }
  if (!validate_file.empty()) {
    validate_plan(read_file(validate_file));
    std::cout << "{\"valid\":true}\n";
    return ok;
  }
  if (init) {
    print(initial_state(now), pretty);
    return ok;
  }
  if (!plan_file.empty() && !risk_text.empty()) usage("give --plan or --risk, not both");
  const std::string plan = plan_file.empty() ? default_plan(r) : read_file(plan_file);
  const std::string state = state_file.empty() ? initial_state(now) : read_file(state_file);
  const std::string analysis = analysis_file.empty() ? "null" : read_file(analysis_file);
  print(to_json(next_action(plan, state, analysis, now)), pretty);
  return ok;
}

const registrar reg{{"plan", "rollout plans: default plans and the next action", run_plan}};

}  // namespace
}  // namespace rollgate::cli
