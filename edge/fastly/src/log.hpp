// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file log.hpp
/// @brief One JSON line on stderr per problem, Compute's log tail:
/// {"src":"rollgate","level":"error","msg","kind","why"}. Instances are per request, so worker.js's
/// "once per isolate" is once per request here.
#ifndef ROLLGATE_FASTLY_LOG_HPP
#define ROLLGATE_FASTLY_LOG_HPP

#include <string_view>  // std::string_view

namespace rollgate_fastly {

void log_problem(std::string_view msg, std::string_view kind, std::string_view why);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_LOG_HPP
