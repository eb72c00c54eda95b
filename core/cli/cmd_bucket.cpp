// `rollgate bucket`: shows where units fall under a salt, exactly as flag evaluation buckets them
// (docs/bucketing.md). Useful to answer "is user X in the 12.5% rollout?" and to check another
// SDK's implementation against rollgate on a list of real ids.
#include <cerrno>       // errno
#include <charconv>     // std::to_chars (shortest round-trip doubles)
#include <cstdio>       // std::snprintf, std::fwrite, std::ferror
#include <cstring>      // std::strerror
#include <iostream>     // std::cin, std::cout
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include <nlohmann/json.hpp>  // --json output

#include "command.hpp"
#include "rollgate/bucket.hpp"
#include "rollgate/error.hpp"

namespace rollgate::cli {
namespace {

constexpr const char* kHelp =
    "usage: rollgate bucket --salt SALT [--coverage PCT] [--weights W1,W2,...] [--json] [UNIT...]\n"
    "\n"
    "Prints where each UNIT falls under SALT (normally the flag key), as flag evaluation\n"
    "buckets it (docs/bucketing.md). Units are read from stdin, one per line, when none are\n"
    "given or where UNIT is '-'; a trailing CR is removed and an empty line is the empty unit.\n"
    "Units are hashed as their bytes, exactly as given (UTF-8 expected, no normalisation).\n"
    "\n"
    "options:\n"
    "  --salt SALT        the salt (required; may be empty: --salt '')\n"
    "  --coverage PCT     also print in/out for a rollout to PCT percent (0 to 100, at most 3\n"
    "                     decimals, e.g. 12.5)\n"
    "  --weights W,...    also print the variant index for these weights, in percent, summing\n"
    "                     to 100 (e.g. 50,50 or 10,30,60); with --coverage, units that are out\n"
    "                     get '-' (null in JSON)\n"
    "  --json             print a JSON array of {unit, hash, fraction, bucket[, in][, variant]}\n"
    "                     (hash: the coverage draw as 16 hex digits; bucket: out of 100000;\n"
    "                     a unit that is not valid UTF-8 is shown with U+FFFD in JSON)\n"
    "  --                 end of options (for units that start with '-')\n"
    "\n"
    "output (default): unit<TAB>fraction[<TAB>in|out][<TAB>variant], one line per unit;\n"
    "the fraction is the unit's position in [0, 1), printed to round-trip.\n"
    "\n"
    "example:\n"
    "  rollgate bucket --salt new-checkout --coverage 12.5 --weights 50,50 alice bob\n";

[[noreturn]] void usage(const std::string& message) {
  throw error("rollgate.cli.901", "", message);
}

// Re-raises a percent_to_scale error with the option that held the text.
std::uint32_t percent_option(const std::string& option, std::string_view text) {
  try {
    return percent_to_scale(text);
  } catch (const error& e) {
    throw error(e.code(), "", option + ": " + e.message());
  }
}

struct options {
  std::optional<std::string> salt;
  std::optional<std::uint32_t> coverage;
  std::vector<std::uint32_t> weights;
  bool json = false;
  std::vector<std::string> units;  ///< in order; "-" entries expanded from stdin
  bool any_unit_argument = false;  ///< a UNIT (or '-') was on the command line
};

std::vector<std::uint32_t> parse_weights(const std::string& text) {
  std::vector<std::uint32_t> weights;
  std::uint64_t sum = 0;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = text.find(',', begin);
    const std::string_view item = std::string_view(text).substr(
        begin, comma == std::string::npos ? std::string::npos : comma - begin);
    weights.push_back(percent_option("--weights item " + std::to_string(weights.size() + 1), item));
    sum += weights.back();
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  if (sum != kScale) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(sum) / 1000.0);
    usage("--weights sum to " + std::string(buf) + "%, expected 100%");
  }
  return weights;
}

void read_stdin_units(std::vector<std::string>& units) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    units.push_back(line);
  }
  // A failed read (stdin a directory) looks like the end of the input to the stream.
  if (std::cin.bad() || std::ferror(stdin)) {
    const int why = errno;
    throw error(
        "rollgate.cli.902", "",
        std::string("cannot read stdin: ") + (why != 0 ? std::strerror(why) : "read error"));
  }
}

options parse(const std::vector<std::string>& args) {
  options o;
  bool stdin_used = false;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!options_done && a.size() > 1 && a[0] == '-' && a != "-") {
      if (a == "--") {
        options_done = true;
        continue;
      }
      if (a == "--json") {
        o.json = true;
        continue;
      }
      // --name VALUE or --name=VALUE
      std::string name = a, value;
      bool has_value = false;
      if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        has_value = true;
      }
      if (name != "--salt" && name != "--coverage" && name != "--weights") {
        usage("unknown option '" + a + "' (see rollgate bucket --help)");
      }
      if (!has_value) {
        if (i + 1 >= args.size()) usage(name + " needs a value");
        value = args[++i];
      }
      if (name == "--salt") {
        if (o.salt) usage("--salt given twice");
        o.salt = value;
      } else if (name == "--coverage") {
        if (o.coverage) usage("--coverage given twice");
        o.coverage = percent_option("--coverage", value);
      } else {
        if (!o.weights.empty()) usage("--weights given twice");
        o.weights = parse_weights(value);
      }
      continue;
    }
    o.any_unit_argument = true;
    if (a == "-") {
      if (stdin_used) usage("'-' (stdin) given twice");
      stdin_used = true;
      read_stdin_units(o.units);
    } else {
      o.units.push_back(a);
    }
  }
  if (!o.salt) usage("--salt is required (normally the flag key; see rollgate bucket --help)");
  return o;
}

int run_bucket(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << kHelp;
    return ok;
  }
  options o = parse(args);
  if (!o.any_unit_argument) read_stdin_units(o.units);  // no UNIT at all: stdin, one per line

  const bucketer b(*o.salt);
  const bool with_variant = !o.weights.empty();
  std::string out;
  nlohmann::ordered_json array = nlohmann::ordered_json::array();  // keeps "unit" first
  char buf[64];
  for (const auto& unit : o.units) {
    const bucket_draws d = b.draws(unit);
    const double fraction = draw_fraction(d.coverage);
    const bool in = o.coverage ? b.in_coverage(unit, *o.coverage) : true;
    const std::size_t variant =
        with_variant ? b.pick_variant(unit, o.weights.data(), o.weights.size()) : 0;
    if (o.json) {
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(d.coverage));
      nlohmann::ordered_json row = {{"unit", unit},
                                    {"hash", buf},
                                    {"fraction", fraction},
                                    {"bucket", bucket_of(d.coverage, kScale)}};
      if (o.coverage) row["in"] = in;
      if (with_variant)
        row["variant"] = in ? nlohmann::ordered_json(variant) : nlohmann::ordered_json(nullptr);
      array.push_back(std::move(row));
      continue;
    }
    out += unit;
    // Shortest text that reads back as the same double (as JSON and the vectors print it).
    out += '\t';
    out.append(buf, std::to_chars(buf, buf + sizeof buf, fraction).ptr);
    if (o.coverage) out += in ? "\tin" : "\tout";
    if (with_variant) out += in ? "\t" + std::to_string(variant) : std::string("\t-");
    out += '\n';
  }
  if (o.json) {
    // Replace, not throw, on invalid UTF-8: one odd id from a log must not fail the whole batch.
    out = array.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return ok;
}

const registrar reg{
    {"bucket", "show where units fall under a salt (coverage, variant)", run_bucket}};

}  // namespace
}  // namespace rollgate::cli
