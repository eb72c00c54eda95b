// `rollgate diff OLD NEW`: structural JSON diff, exiting like diff(1): 0 equal, 1 different, 2
// error.
#include <cstdlib>   // std::strtoull
#include <iostream>  // std::cout

#include "command.hpp"
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace rollgate::cli {
namespace {

constexpr const char* kUsage =
    "usage: rollgate diff OLD NEW [--options FILE] [--max-differences N]\n"
    "\n"
    "Compares two JSON documents (files; '-' is stdin) and prints the differences as JSON:\n"
    "  {\"equal\": false, \"differences\": [{\"path\": \"/a/0\", \"field\": \"/a/*\",\n"
    "   \"kind\": \"value_changed\", \"old\": 1, \"new\": 2}], \"omitted\": 0}\n"
    "kinds: value_changed, type_changed, key_added, key_removed, array_length_changed.\n"
    "\n"
    "options:\n"
    "  --options FILE         diff options as JSON (ignore, tolerances, array modes, ...;\n"
    "                         schema in docs/diff.md)\n"
    "  --max-differences N    list at most N differences (1..1000000; default 1000,\n"
    "                         or the options file's maxDifferences); the rest are counted\n"
    "\n"
    "exit status: 0 equal, 1 different, 2 error (bad usage, unreadable file, invalid JSON).\n";

int run_diff(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << kUsage;
    return ok;
  }
  std::vector<std::string> files;
  std::string options_file;
  std::string max_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--options" || a == "--max-differences") {
      if (i + 1 >= args.size()) throw error("rollgate.cli.901", "", a + " needs a value");
      (a == "--options" ? options_file : max_text) = args[++i];
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      throw error("rollgate.cli.901", "", "unknown option '" + a + "' (see rollgate diff --help)");
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 2) {
    throw error("rollgate.cli.901", "",
                "expected two files, OLD and NEW, got " + std::to_string(files.size()) +
                    " (see rollgate diff --help)");
  }
  if (files[0] == "-" && files[1] == "-") {
    throw error("rollgate.cli.901", "", "only one of OLD and NEW can be '-' (stdin)");
  }
  diff_options options;
  if (!options_file.empty()) options = parse_diff_options(read_file(options_file));
  if (!max_text.empty()) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(max_text.c_str(), &end, 10);
    if (max_text[0] < '0' || max_text[0] > '9' || *end != '\0' || n < 1 || n > 1000000) {
      throw error(
          "rollgate.cli.901", "",
          "--max-differences must be an integer between 1 and 1000000, not '" + max_text + "'");
    }
    options.max_differences = static_cast<std::size_t>(n);
  }
  const std::string old_text = read_file(files[0]);
  const std::string new_text = read_file(files[1]);
  const diff_result result = diff_json(old_text, new_text, options);
  std::cout << diff_result_to_json(result) << '\n';
  return result.equal() ? ok : failed;
}

const registrar reg{{"diff", "compare two JSON documents structurally", run_diff}};

}  // namespace
}  // namespace rollgate::cli
