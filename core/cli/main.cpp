// Entry point of the `rollgate` command: dispatches to the registered subcommands.
#include <algorithm>  // std::sort
#include <cstring>    // std::strcmp
#include <exception>  // std::exception
#include <iostream>   // std::cout, std::cerr

#include "command.hpp"
#include "rollgate/error.hpp"
#include "rollgate/version.hpp"

namespace rollgate::cli {

namespace {
std::vector<command>& registry() {
  static std::vector<command> all;  // function-local: safe from static-initialisation order
  return all;
}

void print_usage(std::ostream& out) {
  out << "rollgate " << rollgate::version() << " - progressive delivery evaluator\n\n"
      << "usage: rollgate <command> [options]\n\ncommands:\n";
  for (const auto& c : commands()) {
    out << "  " << c.name;
    for (std::size_t i = std::strlen(c.name); i < 10; ++i) out << ' ';
    out << c.summary << '\n';
  }
  out << "\nRun 'rollgate <command> --help' for a command's options.\n"
      << "Exit codes: 0 success, 1 negative result (validation problems, differences), 2 error.\n";
}
}  // namespace

registrar::registrar(command c) {
  registry().push_back(c);
}

const std::vector<command>& commands() {
  auto& all = registry();
  std::sort(all.begin(), all.end(),
            [](const command& a, const command& b) { return std::strcmp(a.name, b.name) < 0; });
  return all;
}

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") return true;
  }
  return false;
}

}  // namespace rollgate::cli

int main(int argc, char** argv) {
  using namespace rollgate::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? usage_error : ok;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::cout << rollgate::version() << '\n';
    return ok;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& c : commands()) {
    if (std::strcmp(c.name, argv[1]) != 0) continue;
    try {
      return c.run(args);
    } catch (const rollgate::error& e) {
      for (const auto& p : e.problems())
        std::cerr << "rollgate " << c.name << ": " << p.to_string() << '\n';
      return usage_error;
    } catch (const std::exception& e) {
      std::cerr << "rollgate " << c.name << ": " << e.what() << '\n';
      return usage_error;
    }
  }
  std::cerr << "rollgate: unknown command '" << argv[1] << "'\n\n";
  print_usage(std::cerr);
  return usage_error;
}
