// The rollgate CLI is a user program of the library, as xxhsum is of libxxhash: it includes only
// public headers (plus nlohmann/json for its own I/O). Each subcommand lives in cmd_<name>.cpp and
// registers itself with a static `registrar`, so adding one touches no other file.
#ifndef ROLLGATE_CLI_COMMAND_HPP
#define ROLLGATE_CLI_COMMAND_HPP

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "rollgate/flags.hpp"  // rollgate::config_format

namespace rollgate::cli {

/// Exit codes shared by every subcommand.
enum exit_code : int { ok = 0, failed = 1, usage_error = 2 };

struct command {
  const char* name;     ///< "eval", "bucket", ...
  const char* summary;  ///< one line for `rollgate --help`
  /// Runs the command on the arguments after its name; returns the process exit code.
  /// May throw rollgate::error or std::exception: main() prints it to stderr and exits 2.
  int (*run)(const std::vector<std::string>& args);
};

struct registrar {
  explicit registrar(command c);
};

const std::vector<command>& commands();

/// Reads a whole file ("-" is stdin); throws rollgate::error rollgate.cli.902 if it cannot be
/// opened or read (a directory, an I/O error).
std::string read_file(const std::string& path);

/// Reads `text` as a decimal number: optional sign, digits with an optional fraction, optional
/// exponent ("8", "-1.5", ".5", "2e-3"). Hexadecimal ("0x1p3"), "inf", "nan" and surrounding
/// whitespace, which std::strtod would take, are refused. Returns false when `text` is not one.
bool parse_decimal(const std::string& text, double& out);

/// True when `text` is valid UTF-8 (RFC 3629).
bool is_valid_utf8(std::string_view text);

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD: for user text going into JSON
/// output, which must be valid UTF-8.
std::string valid_utf8(std::string_view text);

/// The value of --format: "rollgate", "flagd" or "flagd-js"; throws rollgate::error
/// rollgate.cli.901 (naming `command`) for anything else.
rollgate::config_format parse_format(const std::string& value, const char* command);

/// True if args contain -h or --help.
bool wants_help(const std::vector<std::string>& args);

}  // namespace rollgate::cli

#endif  // ROLLGATE_CLI_COMMAND_HPP
