// `rollgate plan`: default plans, plan validation and one step of the rollout state machine
// (rollout.hpp), for scripts and for checking a coordinator by hand.
#include <chrono>    // std::chrono::system_clock (--now default)
#include <cstdlib>   // std::strtoll
#include <iostream>  // std::cout
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include <nlohmann/json.hpp>  // --pretty

#include "command.hpp"
#include "rollgate/canary.hpp"  // parse_analysis
#include "rollgate/error.hpp"
#include "rollgate/rollout.hpp"

namespace rollgate::cli {
namespace {

constexpr const char* kHelp =
    "usage: rollgate plan (--plan FILE | --risk low|medium|high) [--state FILE]\n"
    "                     [--analysis FILE] [--now MS] [--announce-ms MS] [--pretty]\n"
    "       rollgate plan (--plan FILE | --risk R) --state FILE --command pause|resume|rollback\n"
    "                     [--reason TEXT] [--now MS]\n"
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
    "  --announce-ms MS   increases take effect MS after they are decided (default 0)\n"
    "  --command C        an operator's command instead of a step: pause, resume, rollback\n"
    "  --reason TEXT      recorded with --command in the state's history\n"
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

std::int64_t milliseconds(const std::string& option, const std::string& v) {
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || end != v.c_str() + v.size() || n < 0) {
    usage(option + " needs a non-negative integer (milliseconds), got '" + v + "'");
  }
  return n;
}

void print(const std::string& json_text, bool pretty) {
  std::cout << (pretty ? nlohmann::ordered_json::parse(json_text).dump(2) : json_text) << '\n';
}

int run_plan(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << kHelp;
    return ok;
  }
  std::string plan_file, state_file, analysis_file, validate_file, risk_text, command_text;
  std::string reason;
  std::int64_t announce_ms = 0;
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
      now = milliseconds(a, value());
      has_now = true;
    } else if (a == "--announce-ms") {
      announce_ms = milliseconds(a, value());
    } else if (a == "--command") {
      command_text = value();
    } else if (a == "--reason") {
      reason = value();
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
    std::cout << default_plan(r).to_json(2) << '\n';
    return ok;
  }
  if (!validate_file.empty()) {
    (void)rollout_plan::parse(read_file(validate_file));
    std::cout << "{\"valid\":true}\n";
    return ok;
  }
  if (init) {
    print(initial_state(now).to_json(), pretty);
    return ok;
  }
  if (!plan_file.empty() && !risk_text.empty()) usage("give --plan or --risk, not both");
  const rollout_plan plan =
      plan_file.empty() ? default_plan(r) : rollout_plan::parse(read_file(plan_file));
  const rollout_state state =
      state_file.empty() ? initial_state(now) : rollout_state::parse(read_file(state_file));
  if (!command_text.empty()) {
    if (state_file.empty()) usage("--command needs the rollout's --state");
    print(to_json(apply_command(plan, state, parse_command(command_text), now, reason)), pretty);
    return ok;
  }
  std::optional<analysis> judged;
  if (!analysis_file.empty()) {
    // An empty file or a JSON null means "no analysis yet", as the state machine documents.
    const std::string text = read_file(analysis_file);
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    if (first != std::string::npos && text.substr(first, last - first + 1) != "null") {
      judged = parse_analysis(text);
    }
  }
  step_inputs in;
  in.now_ms = now;
  in.judged = judged ? &*judged : nullptr;
  in.announce_ms = announce_ms;
  print(to_json(next_action(plan, state, in)), pretty);
  return ok;
}

const registrar reg{{"plan", "rollout plans: default plans and the next action", run_plan}};

}  // namespace
}  // namespace rollgate::cli
