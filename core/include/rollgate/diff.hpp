// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
/// @file diff.hpp
/// @brief Structural comparison of two results (JSON documents or HTTP-like responses), as a
///        dark launch needs it: the old path served the user, the new one ran on the side.
///
/// @par Usage
/// @code
///   auto options = rollgate::parse_diff_options(R"({"paths": [
///       {"path": "/meta/request_id", "ignore": true},
///       {"path": "/items", "arrays": "keyed", "key": "id"},
///       {"path": "/items/*/price", "absoluteTolerance": 0.01}]})");
///   rollgate::diff_result r = rollgate::diff_json(old_text, new_text, options);
///   for (const auto& d : r.differences)
///     std::cout << d.path << ' ' << rollgate::to_string(d.kind) << '\n';   // "/items/3/name
///     value_changed"
/// @endcode
///
/// @par Contract (normative text: docs/diff.md; shared vectors: tests/vectors/diff.json)
/// - Differences are listed depth first, object members in byte order of their keys, each with
///   the JSON Pointer (RFC 6901) of the value in the old document (in the new one for key_added).
/// - Numbers compare by value (1 and 1.0 are equal); integers exactly, otherwise as doubles.
/// - Inputs are parsed with rollgate's bounded parser (64 MB, 256 levels), and the walk itself
///   uses an explicit stack, so no input can overflow the call stack.
/// - At most max_differences are listed; the rest are counted in diff_result::omitted.
///
/// @par Errors as values
/// Each function that rejects its input has a try_ form that returns every problem it would
/// throw (same codes, pointers and messages; an empty list means success) and writes its result
/// through an out-parameter, which a failure leaves unchanged. The throwing forms are thin
/// wrappers (core/src/diff/throwing.cpp) that a build without exceptions (the wasm32-wasi Fastly
/// service) leaves out.
#ifndef ROLLGATE_DIFF_HPP
#define ROLLGATE_DIFF_HPP

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "rollgate/error.hpp"  // rollgate::problem

namespace rollgate {

/// @brief What kind of difference one entry is.
enum class difference_kind {
  value_changed,  ///< same JSON type, different value
  type_changed,   ///< the JSON type differs (number vs string, object vs null, ...)
  key_added,      ///< present only in the new document (object member, or an element of a set/keyed
                  ///< array)
  key_removed,    ///< present only in the old document
  array_length_changed,  ///< an ordered array changed length (old/new values are the lengths)
};

/// @brief "value_changed", "type_changed", "key_added", "key_removed" or "array_length_changed".
const char* to_string(difference_kind kind) noexcept;

/// @brief One difference between the old and the new result.
struct difference {
  std::string path;   ///< JSON Pointer of the value (old document; new document for key_added)
  std::string field;  ///< path with every array index replaced by "*": what reports aggregate on
  difference_kind kind = difference_kind::value_changed;
  std::string old_value;  ///< compact JSON text of the old value; "" when absent (key_added)
  std::string new_value;  ///< compact JSON text of the new value; "" when absent (key_removed)
  /// True when a value's text was longer than diff_options::max_value_length: it is then a JSON
  /// string holding the first max_value_length bytes of the text followed by "...".
  bool truncated = false;
};

/// @brief The outcome of one comparison.
struct diff_result {
  std::vector<difference> differences;  ///< at most diff_options::max_differences, in order
  std::size_t omitted = 0;              ///< differences found beyond the cap (not listed)
  /// @brief True when nothing differs (no listed and no omitted differences).
  bool equal() const noexcept { return differences.empty() && omitted == 0; }
  /// @brief Every difference found, listed or not.
  std::size_t total() const noexcept { return differences.size() + omitted; }
};

/// @brief How the elements of an array are paired up.
enum class array_mode {
  ordered,  ///< element i with element i; a length change is one array_length_changed
  set,      ///< as a multiset of exactly-equal values; unpaired elements are key_removed/key_added
  keyed,    ///< objects paired by the value of a key member (e.g. "id"); see docs/diff.md
};

/// @brief Settings for the values whose path matches `pattern`. Unset members (has_* false)
///        leave the setting to earlier rules or to the defaults.
/// Pattern syntax: a JSON Pointer whose segments may be `*` (exactly one segment) or `**` (any
/// number of segments, including none). "" matches only the root; "/**" matches everything.
struct path_rule {
  std::string pattern;
  bool has_ignore = false;
  bool ignore = false;  ///< skip this value and everything under it
  bool has_absolute_tolerance = false;
  double absolute_tolerance = 0;  ///< numbers a, b are equal when |a-b| <= this
  bool has_relative_tolerance = false;
  double relative_tolerance = 0;  ///< ... or when |a-b| <= this * max(|a|, |b|)
  bool has_arrays = false;
  array_mode arrays = array_mode::ordered;
  std::string key;  ///< member that identifies elements when arrays == keyed
  bool has_case_insensitive = false;
  bool case_insensitive = false;  ///< strings equal up to ASCII case
  bool has_null_equals_missing = false;
  bool null_equals_missing =
      false;  ///< a member that is null on one side and absent on the other is no difference
};

/// @brief Everything that tunes a comparison. Defaults: compare everything exactly.
struct diff_options {
  std::vector<path_rule> rules;  ///< for each setting, the LAST matching rule that sets it wins
  std::size_t max_differences = 1000;  ///< listed differences per comparison (1..1000000)
  std::size_t max_value_length =
      1024;  ///< bytes of old/new value text kept per difference (16..16777216)
  std::vector<std::string> ignore_headers;  ///< response headers never compared (any case)
  /// When non-empty, only these response headers are compared (any case); ignore_headers still
  /// applies.
  std::vector<std::string> compare_headers;
};

/// @brief Parses and validates options given as JSON text (schema in docs/diff.md; camelCase keys
/// such as
///        "maxDifferences" and, per path rule, "absoluteTolerance").
/// @return the options; every problem is reported at once.
/// @throws rollgate::error rollgate.json.101..103 (not JSON, too deep, too big),
///         rollgate.diff.701 (unknown member), .702 (wrong type), .703 (value out of range),
///         .704 (bad path pattern), .705 (missing member)
diff_options parse_diff_options(std::string_view json_text);
/// @brief parse_diff_options without exceptions.
/// @return every problem it would throw; when there is none, the options are in `out`
std::vector<problem> try_parse_diff_options(std::string_view json_text, diff_options& out);

/// @brief Checks options built in code (the same checks parse_diff_options makes).
/// @throws rollgate::error rollgate.diff.703, .704, .705 with pointers into the options schema
void validate_diff_options(const diff_options& options);
/// @brief validate_diff_options without exceptions: every problem it would throw.
std::vector<problem> try_validate_diff_options(const diff_options& options);

/// @brief Compares two JSON documents.
/// @param old_json the result of the old (serving) path; @param new_json the new path's result
/// @return the differences, at most options.max_differences listed
/// @throws rollgate::error rollgate.json.101..103 for a document that is not acceptable JSON
///         (the message names it "old document" or "new document"); rollgate.diff.703..705 for
///         invalid options
diff_result diff_json(std::string_view old_json, std::string_view new_json,
                      const diff_options& options = {});
/// @brief diff_json without exceptions.
/// @return every problem it would throw; when there is none, the differences are in `out`
std::vector<problem> try_diff_json(std::string_view old_json, std::string_view new_json,
                                   const diff_options& options, diff_result& out);

/// @brief A result that is not (only) a JSON document: an HTTP-like response.
struct response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< name, value; names in any case
  std::string body;
  std::string content_type;  ///< when empty, the "content-type" header is used
};

/// @brief Compares two responses: "/status", "/contentType", "/headers/<lower-case name>"
///        and "/body". Bodies whose content type mentions "json" and that both parse are
///        compared structurally under "/body"; other bodies compare by bytes, and a difference
///        shows each side as {"length": n, "xxh3_64": "<16 hex digits>"}.
/// @return the differences; path rules match these paths (e.g. {"path": "/headers/date", "ignore":
/// true})
/// @throws rollgate::error rollgate.diff.703..705 for invalid options (bodies never throw:
///         a JSON body that does not parse is compared by bytes)
diff_result diff_responses(const response& old_response, const response& new_response,
                           const diff_options& options = {});
/// @brief diff_responses without exceptions.
/// @return every problem it would throw (invalid options); when there is none, the differences
///   are in `out`
std::vector<problem> try_diff_responses(const response& old_response, const response& new_response,
                                        const diff_options& options, diff_result& out);

/// @brief The result as JSON text: {"equal": bool, "differences": [{"path", "field", "kind",
///        "old", "new", "truncated"}, ...], "omitted": n} ("old"/"new" absent when the value is
///        absent, "truncated" only when true). See docs/diff.md.
std::string diff_result_to_json(const diff_result& result);

}  // namespace rollgate

#endif  // ROLLGATE_DIFF_HPP
