// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file json_text.hpp
/// @brief Writing JSON by hand: the service's log lines and its flushes to the coordinator
/// (summary.cpp), which embed the core's own JSON texts (sketch, mismatch report) unchanged.
#ifndef ROLLGATE_FASTLY_JSON_TEXT_HPP
#define ROLLGATE_FASTLY_JSON_TEXT_HPP

#include <string>       // std::string
#include <string_view>  // std::string_view

namespace rollgate_fastly {

/// @brief `s` as a JSON string literal: quotes, backslashes and control bytes escaped, other
/// bytes copied (the texts written here are UTF-8 or ASCII).
std::string json_string(std::string_view s);

/// @brief A JavaScript number's JSON form: integers as integers, others in the shortest form that
/// reads back as the same double (JSON.stringify's output for the values the service writes).
std::string json_number(double x);

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_JSON_TEXT_HPP
