// `rollgate validate FILE`: checks a flag configuration and lists every problem found.
#include <iostream>  // std::cout, std::cerr

#include "command.hpp"
#include "rollgate/error.hpp"
#include "rollgate/flags.hpp"

namespace rollgate::cli {
namespace {

int run_validate(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout
        << "usage: rollgate validate FILE\n"
           "       rollgate validate --format rollgate|flagd|flagd-js FILE\n\n"
           "Validates a flag configuration (docs/config.md; '-' reads stdin); --format flagd\n"
           "reads an OpenFeature flagd flag definition (docs/flagd.md).\n"
           "Prints \"ok\" and exits 0 when it is valid; otherwise prints one problem per line\n"
           "to stderr as \"[id] pointer: message\" and exits 1. Exit 2: usage or I/O error.\n";
    return ok;
  }
  std::vector<std::string> files;
  rollgate::config_format format = rollgate::config_format::rollgate;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--format" && i + 1 < args.size()) {
      format = parse_format(args[++i], "validate");
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.size() != 1 || (files[0].size() > 1 && files[0][0] == '-')) {
    throw rollgate::error("rollgate.cli.901", "",
                          "expected exactly one FILE argument (see rollgate validate --help)");
  }
  const std::string text = read_file(files[0]);
  const std::vector<problem> problems = rollgate::validate(text, format);
  if (problems.empty()) {
    std::cout << "ok\n";
    return ok;
  }
  for (const auto& p : problems) std::cerr << p.to_string() << '\n';
  return failed;
}

const registrar reg{
    {"validate", "check a flag configuration, listing every problem", run_validate}};

}  // namespace
}  // namespace rollgate::cli
