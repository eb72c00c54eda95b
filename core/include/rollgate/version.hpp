// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file version.hpp
/// @brief Library version, at compile time (macros) and at run time (rollgate::version()).
///
/// rollgate follows semantic versioning: MAJOR changes break the API or the bucketing contract
/// (docs/bucketing.md), MINOR adds API, PATCH fixes bugs.
#ifndef ROLLGATE_VERSION_HPP
#define ROLLGATE_VERSION_HPP

#define ROLLGATE_VERSION_MAJOR 0
#define ROLLGATE_VERSION_MINOR 1
#define ROLLGATE_VERSION_PATCH 0
#define ROLLGATE_VERSION_STRING "0.1.0"

namespace rollgate {

/// @brief The version of the library that was linked, as "MAJOR.MINOR.PATCH".
/// @return a static string; compare with ROLLGATE_VERSION_STRING to detect header/library skew.
const char* version() noexcept;

}  // namespace rollgate

#endif  // ROLLGATE_VERSION_HPP
