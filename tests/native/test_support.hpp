// Shared helpers for the native tests: reading the shared vector files and running the CLI.
#ifndef ROLLGATE_TESTS_TEST_SUPPORT_HPP
#define ROLLGATE_TESTS_TEST_SUPPORT_HPP

#include <sys/wait.h>  // WEXITSTATUS
#include <unistd.h>    // getpid
#include <cstdio>      // std::remove
#include <cstdlib>     // std::system
#include <fstream>     // std::ifstream
#include <iterator>    // std::istreambuf_iterator
#include <stdexcept>   // std::runtime_error
#include <string>      // std::string

#include <nlohmann/json.hpp>

namespace rollgate::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Loads tests/vectors/<name> (a JSON file shared with the WASM tests).
inline nlohmann::json load_vectors(const std::string& name) {
  return nlohmann::json::parse(read_text(std::string(ROLLGATE_VECTORS_DIR) + "/" + name));
}

inline std::string source_path(const std::string& relative) {
  return std::string(ROLLGATE_SOURCE_DIR) + "/" + relative;
}

#ifdef ROLLGATE_CLI_PATH
struct cli_result {
  int exit_code;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs `rollgate <args>` through /bin/sh (args are passed verbatim: quote them yourself).
inline cli_result run_cli(const std::string& args, const std::string& stdin_text = "") {
  static int counter = 0;
  const std::string base =
      "/tmp/rollgate_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  {
    std::ofstream in(base + ".in", std::ios::binary);
    in << stdin_text;
  }
  const std::string cmd = std::string("'") + ROLLGATE_CLI_PATH + "' " + args + " <" + base +
                          ".in >" + base + ".out 2>" + base + ".err";
  const int status = std::system(cmd.c_str());
  cli_result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(base + ".out"),
               read_text(base + ".err")};
  std::remove((base + ".in").c_str());
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}
#endif

}  // namespace rollgate::test

#endif  // ROLLGATE_TESTS_TEST_SUPPORT_HPP
