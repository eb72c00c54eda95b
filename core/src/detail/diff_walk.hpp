// Internal: the structural diff on already-parsed documents. Public callers go through
// rollgate::diff_json (which parses with the bounded parser first); this entry point exists so
// that the benchmark can time the walk without the parse.
#ifndef ROLLGATE_DETAIL_DIFF_WALK_HPP
#define ROLLGATE_DETAIL_DIFF_WALK_HPP

#include <nlohmann/json.hpp>  // nlohmann::json

#include "rollgate/diff.hpp"

namespace rollgate::detail {

/// Compares two parsed documents. @pre both came from parse_json (depth-bounded) and
/// options passed validate_diff_options.
diff_result diff_values(const nlohmann::json& old_value, const nlohmann::json& new_value,
                        const diff_options& options);

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_DIFF_WALK_HPP
