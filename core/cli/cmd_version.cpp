// `rollgate version`: the library version, for scripts that check what they run.
#include <iostream>  // std::cout

#include "command.hpp"
#include "rollgate/version.hpp"

namespace rollgate::cli {
namespace {
int run_version(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout
        << "usage: rollgate version\n\nPrints the library version (also: rollgate --version).\n";
    return ok;
  }
  std::cout << rollgate::version() << '\n';
  return ok;
}
const registrar reg{{"version", "print the library version", run_version}};
}  // namespace
}  // namespace rollgate::cli
