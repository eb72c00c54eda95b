// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file server_timing.hpp
/// @brief Reads an origin's `Server-Timing` response header (W3C Server Timing, section 3:
///        `cpu;dur=12.5, db;dur=3.1;desc="primary"`) into named durations, so that an edge worker
///        can record origin metrics per arm and a plan can gate on them (e.g. `cpu`).
///
/// @par Usage
/// @code
///   rollgate::server_timing_options o;
///   o.names = {"cpu", "db"};                     // collect only these (empty: any name)
///   rollgate::server_timing t = rollgate::parse_server_timing(header, o);
///   for (const auto& e : t.entries) record(e.name, e.duration_ms);
///   metrics.malformed += t.malformed;            // never fatal: count and go on
/// @endcode
///
/// Parsing never throws and never allocates beyond the bounds below: a header comes from an
/// origin, which may be buggy or hostile, and serving must not depend on it. Only the options are
/// validated (validate_server_timing_options). The rules are in docs/edge.md ("Server-Timing").
#ifndef ROLLGATE_SERVER_TIMING_HPP
#define ROLLGATE_SERVER_TIMING_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace rollgate {

/// @brief Bounds and the allow-list of parse_server_timing().
struct server_timing_options {
  /// The most names a deployment may collect (each is one sketch per arm in every isolate).
  static constexpr std::size_t kMaxNamesLimit = 32;
  /// Names to collect (case-sensitive tokens, as the spec compares them); empty: any name, up to
  /// max_names per header.
  std::vector<std::string> names;
  /// At most this many entries are returned per header; later ones are counted in `dropped`.
  std::size_t max_names = 8;
  /// A longer header is not parsed at all (counted as one malformed header).
  std::size_t max_length = 4096;
};

/// @brief Checks the options.
/// @throws rollgate::error [rollgate.metrics.001] a name that is not a token or longer than 64
///         bytes, a duplicate name, more names than max_names, max_names outside
///         [1, kMaxNamesLimit], or max_length outside [16, 65536]; pointers "/names/i",
///         "/maxNames", "/maxLength".
void validate_server_timing_options(const server_timing_options& options);

/// @brief One metric of the header that carried a duration.
struct server_timing_entry {
  std::string name;
  double duration_ms = 0;  ///< the `dur` parameter: finite, >= 0, in milliseconds (the spec's unit)
};

/// @brief What one header held.
struct server_timing {
  std::vector<server_timing_entry> entries;  ///< in header order, at most one per name
  std::uint32_t metrics = 0;                 ///< well-formed metrics seen (with or without `dur`)
  std::uint32_t malformed = 0;  ///< metrics that broke the syntax or had a bad `dur` (skipped)
  std::uint32_t ignored = 0;    ///< well-formed but not collected: not listed, no `dur`, repeated
  std::uint32_t dropped = 0;    ///< collected names beyond max_names
};

/// @brief Parses one Server-Timing header value (several headers: join them with ", ").
/// @details A metric is `name *(OWS ";" OWS param)`, a param `name OWS "=" OWS (token |
///   quoted-string)`; metrics are separated by commas outside quoted strings and empty list
///   elements are skipped. A metric is malformed when its name or a parameter is not a token, a
///   quoted string is unterminated, or its `dur` is not a plain finite decimal >= 0 (the spec
///   would read such a dur as 0, which would bias a gate towards "faster"); a malformed metric is
///   skipped and parsing resumes at the next comma. Parameter names are case-insensitive; the
///   first of a repeated parameter wins, as the spec says; the first of a repeated metric name
///   wins (a second `cpu` would count one response twice).
server_timing parse_server_timing(std::string_view header,
                                  const server_timing_options& options = {}) noexcept;

/// @brief The result as compact JSON: {"entries":[{"name","dur"}],"metrics","malformed",
///        "ignored","dropped"}.
std::string to_json(const server_timing& timing);

}  // namespace rollgate

#endif  // ROLLGATE_SERVER_TIMING_HPP
