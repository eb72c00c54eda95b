// Input helpers shared by the subcommands (declared in command.hpp): reading files, decimal
// numbers, and text that must go into JSON output as valid UTF-8.
#include <cerrno>        // errno
#include <cstdio>        // std::ferror, stdin
#include <cstdlib>       // std::strtod
#include <cstring>       // std::strerror
#include <filesystem>    // std::filesystem::is_directory
#include <fstream>       // std::ifstream
#include <iostream>      // std::cin
#include <system_error>  // std::error_code

#include "command.hpp"
#include "rollgate/error.hpp"

namespace rollgate::cli {
namespace {

// Reads a whole stream. A failed read (a directory, an I/O error) sets badbit: the stream catches
// what the file buffer throws (libstdc++'s "basic_filebuf::underflow error reading the file"),
// which used to reach the user without a code.
// std::cin reads through C's stdin (synced with stdio), whose failures set ferror(stdin) and
// look like the end of the input to the stream: checked too, or a directory on stdin would read as
// an empty document.
std::string read_stream(std::istream& in, const std::string& name) {
  std::string out;
  char chunk[1 << 16];
  errno = 0;
  while (in.read(chunk, sizeof chunk), in.gcount() > 0) out.append(chunk, in.gcount());
  if (in.bad() || (&in == &std::cin && std::ferror(stdin))) {
    const int why = errno;
    throw rollgate::error(
        "rollgate.cli.902", "",
        "cannot read " + name + ": " + (why != 0 ? std::string(std::strerror(why)) : "read error"));
  }
  return out;
}

// Length of the valid UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one. `*bad` receives the length of
// the maximal invalid prefix to replace (Unicode's "maximal subpart" rule, as browsers decode).
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::size_t* bad) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  *bad = 1;
  if (c < 0x80) return 1;
  std::size_t length;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) return 0;
    const unsigned char b = byte(i + k);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    *bad = k + 1;
  }
  return length;
}

}  // namespace

std::string read_file(const std::string& path) {
  if (path == "-") return read_stream(std::cin, "stdin");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw rollgate::error("rollgate.cli.902", "",
                          "cannot read file '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw rollgate::error("rollgate.cli.902", "", "cannot read file '" + path + "'");
  return read_stream(in, "file '" + path + "'");
}

bool parse_decimal(const std::string& text, double& out) {
  // sign? (digits [. digits?] | . digits) ([eE] sign? digits)?
  std::size_t i = 0;
  const std::size_t n = text.size();
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  bool mantissa = digits();
  if (i < n && text[i] == '.') {
    ++i;
    mantissa = digits() || mantissa;
  }
  if (!mantissa) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  if (i != n) return false;
  // The grammar above is a subset of what strtod reads (in the "C" locale the CLI runs in), so
  // strtod now consumes exactly the text; out of range gives +-inf or 0, as before.
  out = std::strtod(text.c_str(), nullptr);
  return true;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i, &bad);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i, &bad);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      i += bad;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

rollgate::config_format parse_format(const std::string& value, const char* command) {
  if (const auto f = rollgate::config_format_named(value)) return *f;
  throw rollgate::error("rollgate.cli.901", "",
                        "--format '" + value +
                            "' is not rollgate, flagd or flagd-js (see rollgate " + command +
                            " --help)");
}

}  // namespace rollgate::cli
