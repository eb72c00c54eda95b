// `rollgate judge`: runs the canary judge (canary.hpp) on files and prints the analysis as JSON.
// Samples come as JSON ({"metrics": {name: data}}) or as CSV (one column per metric).
#include <cmath>     // std::isfinite
#include <iostream>  // std::cout
#include <string>    // std::string
#include <vector>    // std::vector

#include <nlohmann/json.hpp>  // CSV -> JSON, --pretty

#include "command.hpp"
#include "rollgate/canary.hpp"
#include "rollgate/error.hpp"

namespace rollgate::cli {
namespace {

constexpr const char* kHelp =
    "usage: rollgate judge --config FILE --baseline FILE --canary FILE [--pretty]\n"
    "\n"
    "Judges a canary against its baseline (docs/canary.md) and prints the analysis as JSON:\n"
    "per-metric classification (Pass/High/Low/NoData) with p-value, estimate and interval,\n"
    "the weighted score and the decision PASS, HOLD or ROLLBACK.\n"
    "\n"
    "options:\n"
    "  --config FILE     canary config (JSON)\n"
    "  --baseline FILE   baseline data, JSON {\"metrics\": {name: data}} where data is an array\n"
    "                    of samples, a sketch or counts {\"events\", \"total\"}; or CSV with one\n"
    "                    column per metric (header = metric names), one sample per row\n"
    "                    (empty cell: no sample; NaN: a gap)\n"
    "  --canary FILE     canary data, same forms\n"
    "  --pretty          indent the JSON output\n"
    "  FILE may be '-' for stdin (one of them at most).\n"
    "\n"
    "exit codes: 0 the analysis was printed (whatever the decision), 2 bad usage or input\n"
    "(the errors, with ids such as rollgate.canary.511, go to stderr).\n"
    "\n"
    "example:\n"
    "  rollgate judge --config examples/canary/config.json \\\n"
    "      --baseline examples/canary/baseline.json --canary examples/canary/canary.json\n";

[[noreturn]] void usage(const std::string& message) {
  throw error("rollgate.cli.901", "", message);
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r");
  std::string t = s.substr(a, b - a + 1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (char c : line) {
    if (c == ',') {
      out.push_back(trim(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  out.push_back(trim(cell));
  return out;
}

/// CSV samples -> {"metrics": {column: [values]}}; problems name "/<what>" and the line.
std::string csv_to_json(const std::string& text, const std::string& what) {
  std::vector<problem> bad;
  std::vector<std::string> header;
  nlohmann::json metrics = nlohmann::json::object();
  std::size_t line_no = 0, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (trim(line).empty()) {
      if (end == text.size()) break;
      continue;
    }
    const auto cells = split(line);
    if (header.empty()) {
      header = cells;
      for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string column = "CSV column " + std::to_string(i + 1);
        if (header[i].empty()) {
          bad.push_back({"rollgate.canary.513", "/" + what, column + " has no metric name"});
        } else if (!is_valid_utf8(header[i])) {
          // Metric names become JSON object keys, which must be valid UTF-8.
          bad.push_back(
              {"rollgate.canary.513", "/" + what, column + "'s metric name is not valid UTF-8"});
        } else if (metrics.contains(header[i])) {
          // Two columns of one name would merge their values into one metric.
          bad.push_back({"rollgate.canary.513", "/" + what,
                         column + " repeats the metric name '" + header[i] + "'"});
        }
        metrics[header[i]] = nlohmann::json::array();
      }
      continue;
    }
    if (cells.size() != header.size()) {
      bad.push_back({"rollgate.canary.513", "/" + what,
                     "CSV line " + std::to_string(line_no) + " has " +
                         std::to_string(cells.size()) + " cells, the header has " +
                         std::to_string(header.size())});
      continue;
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string& c = cells[i];
      if (c.empty()) continue;
      if (c == "NaN" || c == "nan" || c == "NA" || c == "null") {
        metrics[header[i]].push_back(nullptr);
        continue;
      }
      double v = 0;
      if (!parse_decimal(c, v) || !std::isfinite(v)) {
        bad.push_back({"rollgate.canary.513", "/" + what,
                       "CSV line " + std::to_string(line_no) + ", column '" + header[i] + "': '" +
                           c + "' is not a number"});
        continue;
      }
      metrics[header[i]].push_back(v);
    }
    if (bad.size() > 100) break;  // enough to fix the file
  }
  if (header.empty()) bad.push_back({"rollgate.canary.513", "/" + what, "CSV has no header line"});
  if (!bad.empty()) throw error(std::move(bad));
  return nlohmann::json{{"metrics", metrics}}.dump();
}

/// JSON if the first non-blank character opens an object or array (the judge then says what is
/// wrong with it), else CSV.
std::string load_data(const std::string& path, const std::string& what) {
  std::string text = read_file(path);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) return text;
  if (first != std::string::npos && text.compare(first, 3, "\xEF\xBB\xBF") == 0) {
    text = text.substr(first + 3);  // UTF-8 BOM from spreadsheet exports
  }
  return csv_to_json(text, what);
}

int run_judge(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << kHelp;
    return ok;
  }
  std::string config, baseline, canary;
  bool pretty = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) usage(a + " needs a value (see rollgate judge --help)");
      return args[++i];
    };
    if (a == "--config") {
      config = value();
    } else if (a == "--baseline") {
      baseline = value();
    } else if (a == "--canary") {
      canary = value();
    } else if (a == "--pretty") {
      pretty = true;
    } else {
      usage("unknown option '" + a + "' (see rollgate judge --help)");
    }
  }
  if (config.empty() || baseline.empty() || canary.empty()) {
    usage("--config, --baseline and --canary are required (see rollgate judge --help)");
  }
  const std::string cfg = read_file(config);
  const std::string b = load_data(baseline, "baseline");
  const std::string c = load_data(canary, "canary");
  const analysis a = judge(cfg, b, c);
  const std::string out = to_json(a);
  std::cout << (pretty ? nlohmann::ordered_json::parse(out).dump(2) : out) << '\n';
  return ok;
}

const registrar reg{
    {"judge", "judge a canary against its baseline (PASS/HOLD/ROLLBACK)", run_judge}};

}  // namespace
}  // namespace rollgate::cli
