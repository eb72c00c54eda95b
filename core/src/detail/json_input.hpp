// Internal: the single way rollgate turns untrusted JSON text into nlohmann::json.
//
// Why a wrapper: nlohmann/json accepts any nesting depth, and code that walks a document
// recursively (validation, diffing, destruction in older versions) can then overflow the stack on
// hostile input. We bound size and depth *before* parsing with one linear scan, and turn parse
// failures into rollgate::error with a stable id and the byte offset. The document is built from
// nlohmann's SAX events, so that repeated member names are refused in the one place every
// rollgate input passes.
#ifndef ROLLGATE_DETAIL_JSON_INPUT_HPP
#define ROLLGATE_DETAIL_JSON_INPUT_HPP

#include <cstddef>           // std::size_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <vector>            // std::vector

#include <nlohmann/json.hpp>  // nlohmann::json

#include "rollgate/error.hpp"  // rollgate::problem

namespace rollgate::detail {

struct json_limits {
  std::size_t max_bytes = std::size_t{64} << 20;  ///< larger input: rollgate.json.103
  std::size_t max_depth = 256;                    ///< deeper nesting: rollgate.json.102
};

/// Parses `text` (named `what` in messages, e.g. "config"). Stricter than nlohmann::json::parse
/// in two ways: a NUL byte is an error wherever it is (nlohmann stops reading at one), and an
/// object may not name a member twice (nlohmann keeps the last).
/// @throws rollgate::error rollgate.json.101 (syntax, with byte offset), .102 (too deep), .103 (too
/// big), .104 (a member named twice in one object; the pointer names the member)
nlohmann::json parse_json(std::string_view text, std::string_view what,
                          const json_limits& limits = {});

/// parse_json without exceptions (what a build without them uses): the same checks, and the
/// problem parse_json would throw, code, pointer and message alike.
/// @return nullopt with the document in `out`, or the problem (`out` unchanged)
std::optional<problem> try_parse_json(std::string_view text, std::string_view what,
                                      nlohmann::json& out, const json_limits& limits = {});

/// Nesting depth of a JSON text (arrays and objects), ignoring brackets inside strings.
/// Stops counting once `stop_after` is exceeded and returns stop_after + 1.
std::size_t json_depth(std::string_view text, std::size_t stop_after);

/// `base` + "/" + token, with the token escaped as RFC 6901 says (~ -> ~0, / -> ~1).
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, std::size_t index);

/// "object", "array", "string", "number", "boolean" or "null": the JSON name of a value's type.
const char* json_type_name(const nlohmann::json& value) noexcept;

/// Appends one `id` problem for every member of `obj` whose name is not in `known` ("unknown
/// field 'x' (known: a, b)", pointer base/x): every schema of the core refuses unknown members
/// the same way, so that a typo is never silently ignored.
void unknown_members(std::vector<problem>& out, const char* id, const nlohmann::json& obj,
                     std::string_view base, std::initializer_list<const char*> known);

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_JSON_INPUT_HPP
