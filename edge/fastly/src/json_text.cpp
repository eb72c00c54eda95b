// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "json_text.hpp"

#include <cmath>    // std::isfinite, std::floor
#include <cstdio>   // std::snprintf
#include <cstdlib>  // std::strtod

namespace rollgate_fastly {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";  // as JSON.stringify writes NaN and infinities
  if (x == 0) return "0";                // also -0, which JSON.stringify writes as 0
  char buf[40];
  if (x == std::floor(x) && std::fabs(x) < 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

}  // namespace rollgate_fastly
