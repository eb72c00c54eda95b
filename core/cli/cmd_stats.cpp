// `rollgate stats <test> ...`: one statistical test on files of numbers or on counts, printed as
// JSON. Uses only the public API (rollgate/stats.hpp) plus nlohmann/json for output.
#include <cctype>    // std::isspace
#include <cerrno>    // errno, ERANGE
#include <cmath>     // std::isfinite, NAN
#include <cstdlib>   // std::strtod, std::strtoll
#include <iostream>  // std::cout
#include <string>    // std::string
#include <vector>    // std::vector

#include <nlohmann/json.hpp>  // output

#include "command.hpp"
#include "rollgate/error.hpp"
#include "rollgate/stats.hpp"

namespace rollgate::cli {
namespace {

namespace st = rollgate::stats;
using json = nlohmann::ordered_json;

const char kUsage[] =
    "usage: rollgate stats <test> [options] <inputs>\n"
    "\n"
    "tests:\n"
    "  mannwhitneyu X Y      Mann-Whitney U (scipy.stats.mannwhitneyu semantics)\n"
    "  welch X Y             Welch's t-test (scipy.stats.ttest_ind, equal_var=False)\n"
    "  hodges-lehmann X Y    shift estimate X - Y with a confidence interval\n"
    "  proportions SX NX SY NY  two-proportion z-test, pooled variance\n"
    "  fisher A B C D        Fisher's exact test on [[A, B], [C, D]]\n"
    "  srm COUNTS SHARES     sample-ratio mismatch: chi-square of counts vs shares, e.g.\n"
    "                        'rollgate stats srm 5023,4977 50,50'\n"
    "  quantile X --q LIST   exact quantiles (numpy 'linear'), e.g. --q 0.5,0.95,0.99\n"
    "\n"
    "X and Y are files ('-' is stdin) holding decimal numbers one per line, or a JSON array of\n"
    "numbers; 'nan', 'NaN' and JSON null are NaN.\n"
    "\n"
    "options:\n"
    "  --alternative A   two-sided (default), less or greater\n"
    "  --method M        auto (default), exact or asymptotic (mannwhitneyu, hodges-lehmann)\n"
    "  --no-continuity   no 0.5 continuity correction (mannwhitneyu, asymptotic)\n"
    "  --nan-policy P    reject (default) or omit\n"
    "  --confidence C    confidence level of hodges-lehmann (default 0.95)\n"
    "  --q LIST          comma-separated probabilities (quantile)\n"
    "\n"
    "Prints one JSON object with at least \"statistic\" and \"pValue\" (quantile: \"values\").\n"
    "Exit codes: 0 success, 2 bad usage or bad input (message on stderr).\n";

[[noreturn]] void usage(const std::string& message) {
  throw rollgate::error("rollgate.cli.901", "", message + " (see 'rollgate stats --help')");
}

struct options {
  std::string test;
  std::vector<std::string> positional;
  st::alternative alt = st::alternative::two_sided;
  st::method how = st::method::automatic;
  bool continuity = true;
  st::nan_policy nan = st::nan_policy::reject;
  double confidence = 0.95;
  std::string q;
};

double parse_double(const std::string& text, const std::string& what) {
  double v = 0;
  if (!parse_decimal(text, v)) usage(what + " must be a decimal number, got '" + text + "'");
  return v;
}

std::int64_t parse_count(const std::string& text, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
    usage(what + " must be an integer, got '" + text + "'");
  return v;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

/// Numbers from a file: one per line, or one JSON array (flat; commas and whitespace separate).
/// Parsed by hand so that any input, however large or nested, is a clear error and not a crash.
std::vector<double> read_numbers(const std::string& path, const char* name) {
  const std::string text = read_file(path);
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  const bool as_json = i < text.size() && text[i] == '[';
  std::vector<double> out;
  std::size_t line = 1;
  auto fail = [&](const std::string& token) {
    // A token strtod would read ("0x1p3" is 8, "inf") is a number in another form: say so.
    char* end = nullptr;
    std::strtod(token.c_str(), &end);
    const bool other_form = !token.empty() && end == token.c_str() + token.size();
    throw rollgate::error(
        "rollgate.stats.416", std::string("/") + name + "/" + std::to_string(out.size()),
        "'" + path + "' line " + std::to_string(line) + ": '" + token.substr(0, 40) +
            "' is not a number" +
            (other_form ? " (only decimal numbers are accepted, e.g. 8 or 1.5e3)" : ""));
  };
  if (as_json) ++i;
  bool closed = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (std::isspace(static_cast<unsigned char>(c)) || (as_json && c == ',')) {
      ++i;
      continue;
    }
    if (as_json && c == ']') {
      closed = true;
      ++i;
      break;
    }
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
           !(as_json && (text[j] == ',' || text[j] == ']')))
      ++j;
    const std::string token = text.substr(i, j - i);
    if (token == "null" || token == "nan" || token == "NaN") {
      out.push_back(NAN);
    } else {
      double v = 0;
      if (!parse_decimal(token, v)) fail(token);
      out.push_back(v);
    }
    i = j;
  }
  if (as_json) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (!closed || i != text.size())
      throw rollgate::error("rollgate.stats.416", std::string("/") + name,
                            "'" + path + "' is not a flat JSON array of numbers");
  }
  return out;
}

options parse_args(const std::vector<std::string>& args) {
  options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_value = false;
    if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      if (eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_value = true;
      }
      auto next = [&]() -> std::string {
        if (has_value) return value;
        if (i + 1 >= args.size()) usage("option " + a + " needs a value");
        return args[++i];
      };
      if (a == "--alternative")
        o.alt = st::parse_alternative(next());
      else if (a == "--method")
        o.how = st::parse_method(next());
      else if (a == "--nan-policy")
        o.nan = st::parse_nan_policy(next());
      else if (a == "--confidence")
        o.confidence = parse_double(next(), "--confidence");
      else if (a == "--q")
        o.q = next();
      else if (a == "--no-continuity" && !has_value)
        o.continuity = false;
      else
        usage("unknown option '" + args[i] + "'");
    } else if (o.test.empty()) {
      o.test = a;
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

void need(const options& o, std::size_t n, const char* what) {
  if (o.positional.size() != n)
    usage(o.test + " needs " + what + ", got " + std::to_string(o.positional.size()) +
          " argument(s)");
}

/// JSON cannot hold NaN or infinity: they are printed as null.
json num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

int run_stats(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return usage_error;
  }
  if (wants_help(args)) {
    std::cout << kUsage;
    return ok;
  }
  const options o = parse_args(args);
  json out;
  out["test"] = o.test;
  if (o.test == "mannwhitneyu") {
    need(o, 2, "two files X Y");
    st::mannwhitneyu_options mo;
    mo.alt = o.alt;
    mo.how = o.how;
    mo.use_continuity = o.continuity;
    mo.nan = o.nan;
    const auto x = read_numbers(o.positional[0], "x");  // x first: errors name files in order
    const auto r = st::mannwhitneyu(x, read_numbers(o.positional[1], "y"), mo);
    out["statistic"] = num(r.statistic);
    out["pValue"] = num(r.p_value);
    out["alternative"] = st::to_string(o.alt);
    out["method"] = st::to_string(r.used);
    if (r.used == st::method::asymptotic) out["z"] = num(r.z);
  } else if (o.test == "welch") {
    need(o, 2, "two files X Y");
    const auto x = read_numbers(o.positional[0], "x");
    const auto r = st::welch_t_test(x, read_numbers(o.positional[1], "y"), o.alt, o.nan);
    out["statistic"] = num(r.statistic);
    out["pValue"] = num(r.p_value);
    out["alternative"] = st::to_string(o.alt);
    out["df"] = num(r.df);
    out["difference"] = num(r.difference);
  } else if (o.test == "hodges-lehmann") {
    need(o, 2, "two files X Y");
    st::hodges_lehmann_options ho;
    ho.confidence = o.confidence;
    ho.how = o.how;
    ho.nan = o.nan;
    const auto x = read_numbers(o.positional[0], "x");
    const auto y = read_numbers(o.positional[1], "y");
    const auto r = st::hodges_lehmann(x, y, ho);
    st::mannwhitneyu_options mo;
    mo.alt = o.alt;
    mo.nan = o.nan;
    const auto u = st::mannwhitneyu(x, y, mo);  // the rank test that goes with the estimate
    out["statistic"] = num(u.statistic);
    out["pValue"] = num(u.p_value);
    out["estimate"] = num(r.estimate);
    out["lower"] = num(r.lower);
    out["upper"] = num(r.upper);
    out["confidence"] = o.confidence;
    out["achievedConfidence"] = num(r.achieved_confidence);
    out["k"] = r.k;
    out["method"] = st::to_string(r.used);
  } else if (o.test == "proportions") {
    need(o, 4, "four counts SX NX SY NY");
    const auto r = st::two_proportion_z_test(
        parse_count(o.positional[0], "SX"), parse_count(o.positional[1], "NX"),
        parse_count(o.positional[2], "SY"), parse_count(o.positional[3], "NY"), o.alt);
    out["statistic"] = num(r.statistic);
    out["pValue"] = num(r.p_value);
    out["alternative"] = st::to_string(o.alt);
    out["pX"] = num(r.p_x);
    out["pY"] = num(r.p_y);
    out["difference"] = num(r.difference);
  } else if (o.test == "fisher") {
    need(o, 4, "four counts A B C D");
    const auto r = st::fisher_exact(
        parse_count(o.positional[0], "A"), parse_count(o.positional[1], "B"),
        parse_count(o.positional[2], "C"), parse_count(o.positional[3], "D"), o.alt);
    out["statistic"] = num(r.odds_ratio);
    out["pValue"] = num(r.p_value);
    out["alternative"] = st::to_string(o.alt);
    out["oddsRatio"] = std::isinf(r.odds_ratio) ? json("inf") : num(r.odds_ratio);
  } else if (o.test == "srm") {
    need(o, 2, "COUNTS and SHARES (comma-separated)");
    std::vector<std::int64_t> counts;
    std::vector<double> shares;
    for (const auto& c : split(o.positional[0], ',')) counts.push_back(parse_count(c, "a count"));
    for (const auto& s : split(o.positional[1], ',')) shares.push_back(parse_double(s, "a share"));
    const auto r = st::sample_ratio_mismatch(counts, shares);
    out["statistic"] = num(r.statistic);
    out["pValue"] = num(r.p_value);
    out["df"] = num(r.df);
  } else if (o.test == "quantile") {
    need(o, 1, "one file X");
    if (o.q.empty()) usage("quantile needs --q, e.g. --q 0.5,0.99");
    std::vector<double> qs;
    for (const auto& s : split(o.q, ',')) qs.push_back(parse_double(s, "--q"));
    const auto v = st::quantiles(read_numbers(o.positional[0], "values"), qs, o.nan);
    out["q"] = qs;
    json values = json::array();
    for (double d : v) values.push_back(num(d));
    out["values"] = values;
    out["method"] = "linear";
  } else if (o.test.empty()) {
    usage("missing the test name");
  } else {
    usage("unknown test '" + o.test + "'");
  }
  std::cout << out.dump() << '\n';
  return ok;
}

const registrar reg{
    {"stats", "run a statistical test (Mann-Whitney U, Welch, Fisher, SRM, ...)", run_stats}};

}  // namespace
}  // namespace rollgate::cli
