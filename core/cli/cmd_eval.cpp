// `rollgate eval`: evaluates one flag (or all) of a configuration for a context, as JSON.
#include <iostream>  // std::cout, std::cerr

#include <nlohmann/json.hpp>  // nlohmann::ordered_json, to print --all in configuration order

#include "command.hpp"
#include "rollgate/error.hpp"
#include "rollgate/flags.hpp"

namespace rollgate::cli {
namespace {

const char* const kUsage =
    "usage: rollgate eval --config FILE [--format F] (--flag KEY | --all) [--context JSON|@FILE]\n"
    "                     [--now TIME]\n"
    "\n"
    "Evaluates a flag for a context and prints the result as JSON:\n"
    "  {\"flag\",\"value\",\"variant\",\"variationIndex\",\"reason\",\"ruleIndex\"[,\"errorCode\","
    "\"errorMessage\"]}\n"
    "\n"
    "  --config FILE     the flag configuration (docs/config.md)\n"
    "  --format F        its format: rollgate (default), flagd (an OpenFeature flagd flag\n"
    "                    definition, docs/flagd.md) or flagd-js (flagd, bucketing as\n"
    "                    @openfeature/flagd-core does)\n"
    "  --flag KEY        the flag to evaluate (one line of JSON)\n"
    "  --all             evaluate every flag into one JSON object keyed by flag key\n"
    "  --context JSON    the context object, e.g. '{\"targetingKey\":\"u1\",\"country\":\"DE\"}';\n"
    "                    @FILE reads it from a file (default: {})\n"
    "  --now TIME        the clock: epoch milliseconds or RFC 3339 (default: the system clock)\n"
    "\n"
    "Exit codes: 0 evaluated, 1 invalid configuration or the evaluation failed (reason ERROR),\n"
    "2 usage or I/O error (including an invalid context).\n";

[[noreturn]] void usage(const std::string& message) {
  throw rollgate::error("rollgate.cli.901", "", message + " (see rollgate eval --help)");
}

int run_eval(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << kUsage;
    return ok;
  }
  std::string config_path, flag, context_arg = "{}", now_arg;
  bool all = false;
  rollgate::config_format format = rollgate::config_format::rollgate;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) usage("option " + a + " needs a value");
      return args[++i];
    };
    if (a == "--config") {
      config_path = value();
    } else if (a == "--flag") {
      flag = value();
    } else if (a == "--context") {
      context_arg = value();
    } else if (a == "--now") {
      now_arg = value();
    } else if (a == "--format") {
      format = parse_format(value(), "eval");
    } else if (a == "--all") {
      all = true;
    } else {
      usage("unknown argument '" + a + "'");
    }
  }
  if (config_path.empty()) usage("--config FILE is required");
  if (all == !flag.empty()) usage("give exactly one of --flag KEY or --all");
  std::int64_t now = 0;
  bool pinned = false;
  if (!now_arg.empty()) {
    const auto t = rollgate::parse_time(now_arg);
    if (!t) usage("--now '" + now_arg + "' is neither epoch milliseconds nor RFC 3339");
    now = *t;
    pinned = true;
  }
  const std::string context_text = context_arg.size() > 1 && context_arg[0] == '@'
                                       ? read_file(context_arg.substr(1))
                                       : context_arg;
  const std::string config_text = read_file(config_path);

  std::optional<rollgate::evaluator> ev;
  try {
    ev = rollgate::compile(config_text, format);
  } catch (const rollgate::error& e) {
    for (const auto& p : e.problems()) std::cerr << "rollgate eval: " << p.to_string() << '\n';
    return failed;
  }
  // An invalid context is an input error (exit 2): main() prints the rollgate::error.
  const rollgate::context ctx = rollgate::context::from_json(*ev, context_text);

  if (!all) {
    const rollgate::evaluation r = pinned ? ev->evaluate(flag, ctx, now) : ev->evaluate(flag, ctx);
    // The result echoes --flag, which may be any bytes: JSON output must be valid UTF-8.
    std::cout << valid_utf8(r.to_json()) << '\n';
    return r.reason == rollgate::reason::error ? failed : ok;
  }
  const auto results = pinned ? ev->evaluate_all(ctx, now) : ev->evaluate_all(ctx);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  bool any_error = false;
  for (const auto& r : results) {
    out[std::string(r.flag)] = nlohmann::ordered_json::parse(valid_utf8(r.to_json()));
    any_error = any_error || r.reason == rollgate::reason::error;
  }
  std::cout << out.dump(2) << '\n';
  return any_error ? failed : ok;
}

const registrar reg{{"eval", "evaluate flags of a configuration for a context", run_eval}};

}  // namespace
}  // namespace rollgate::cli
