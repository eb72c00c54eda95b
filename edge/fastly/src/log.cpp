// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
#include "log.hpp"

#include <cstdio>  // std::fprintf

#include "json_text.hpp"  // json_string

namespace rollgate_fastly {

void log_problem(std::string_view msg, std::string_view kind, std::string_view why) {
  std::fprintf(stderr,
               "{\"src\":\"rollgate\",\"level\":\"error\",\"msg\":%s,\"kind\":%s,\"why\":%s}\n",
               json_string(msg).c_str(), json_string(kind).c_str(), json_string(why).c_str());
}

}  // namespace rollgate_fastly
