// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The compiled form of a flag configuration (internal): what compile() builds once from the JSON
// (compile.cpp and its helpers) and what evaluation reads many times (evaluate.cpp). It holds no
// JSON: conditions are a flat array with child indices, names are sorted for binary search, and
// percentages are already integers out of kScale.
#ifndef ROLLGATE_SRC_FLAGS_MODEL_HPP
#define ROLLGATE_SRC_FLAGS_MODEL_HPP

#include <algorithm>    // std::lower_bound
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t, std::uint32_t, std::int64_t
#include <exception>    // std::exception
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "rollgate/bucket.hpp"  // bucketer, kScale
#include "rollgate/flags.hpp"   // attribute_id, value_type, evaluation, context

namespace rollgate {
namespace detail {

/// Documented limits (docs/config.md): the config text, its JSON nesting, condition nesting and
/// prerequisite chains. All bound recursion in compile and evaluate.
constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxConfigDepth = 64;
constexpr std::size_t kMaxConditionDepth = 16;
constexpr std::size_t kMaxPrerequisiteDepth = 16;
constexpr std::size_t kMaxContextBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxContextDepth = 16;

enum class op : std::uint8_t {
  all,
  any,
  not_,
  equals,
  not_equals,
  in,
  not_in,
  contains,
  starts_with,
  ends_with,
  lt,
  lte,
  gt,
  gte,
  semver_eq,
  semver_lt,
  semver_lte,
  semver_gt,
  semver_gte,
  before,
  after,
  in_segment,
};

/// Kinds of a context slot (context::slot::kind) and of a condition's operand.
enum kind : std::uint8_t { k_missing = 0, k_string = 1, k_number = 2, k_boolean = 3, k_list = 4 };

struct condition {
  op code = op::all;
  attribute_id attr = kUnknownAttribute;
  std::uint32_t first = 0;  ///< children (all/any/not): indices children[first .. first+count)
  std::uint32_t count = 0;
  std::uint8_t value_kind = k_missing;  ///< operand kind for scalar operators
  std::string text;
  double number = 0;
  bool boolean = false;
  std::int64_t time = 0;
  std::uint64_t ver[3] = {0, 0, 0};
  std::uint32_t pre_offset = 0;  ///< pre-release = text.substr(pre_offset, pre_length)
  std::uint32_t pre_length = 0;
  std::vector<std::string> strings;  ///< in/notIn: sorted
  std::vector<double> numbers;       ///< in/notIn: sorted
  std::uint8_t bools = 0;            ///< in/notIn: bit 1 = false listed, bit 2 = true listed
  std::uint32_t segment = 0;
};

struct rollout {
  std::vector<std::uint32_t> variations;
  std::vector<std::uint32_t> weights;  ///< kScale units, same order as variations
  std::uint32_t coverage = kScale;
  std::vector<std::pair<std::int64_t, std::uint32_t>> ramp;  ///< (time ms, coverage), increasing

  std::uint32_t coverage_at(std::int64_t now) const noexcept {
    if (ramp.empty()) return coverage;
    std::uint32_t c = 0;  // before the first step nobody is in
    for (const auto& step : ramp) {
      if (step.first > now) break;
      c = step.second;
    }
    return c;
  }
};

struct serve {
  bool is_rollout = false;
  std::uint32_t variation = 0;
  rollout split;
};

struct rule {
  std::uint32_t root = 0;  ///< an `all` condition over the rule's conditions
  serve action;
};

struct segment {
  std::string key;
  attribute_id attr = kUnknownAttribute;
  std::vector<std::string> included;  ///< sorted
  std::vector<std::string> excluded;  ///< sorted
  std::vector<std::uint32_t> rules;   ///< roots; any one matching puts the unit in
};

struct prerequisite {
  std::uint32_t flag = 0;
  std::vector<std::uint32_t> variations;  ///< accepted variation indices of that flag
};

struct flag {
  std::string key;
  value_type type = value_type::boolean;
  std::vector<std::string> variation_keys;
  std::vector<std::string> values;  ///< JSON text of each variation's value
  std::uint32_t default_variation = 0;
  std::uint32_t off_variation = 0;
  bool enabled = true;
  bucketer hasher{""};
  attribute_id unit = kUnknownAttribute;
  std::vector<prerequisite> prerequisites;
  std::vector<rule> rules;
  serve fallthrough;
  std::int32_t layer = -1;
  std::uint32_t layer_begin = 0;  ///< share of the layer: [layer_begin, layer_end) of kScale
  std::uint32_t layer_end = 0;
  bool is_static = false;
};

struct layer {
  std::string key;
  bucketer hasher{""};
  attribute_id unit = kUnknownAttribute;
};

using name_index = std::vector<std::pair<std::string, std::uint32_t>>;  // sorted by name

inline std::optional<std::uint32_t> lookup(const name_index& index,
                                           std::string_view name) noexcept {
  const auto it = std::lower_bound(index.begin(), index.end(), name,
                                   [](const std::pair<std::string, std::uint32_t>& e,
                                      std::string_view n) { return e.first < n; });
  if (it == index.end() || it->first != name) return std::nullopt;
  return it->second;
}

struct compiled_config {
  std::vector<flag> flags;
  std::vector<segment> segments;
  std::vector<layer> layers;
  std::vector<condition> conditions;
  std::vector<std::uint32_t> children;
  std::vector<std::string> attribute_names;
  name_index attributes;
  name_index flag_keys;
  /// Some result can depend on the evaluation time (a ramp somewhere): evaluator::uses_clock().
  bool uses_clock = false;
};

// --- between the files of src/flags/ -------------------------------------------------------------

/// Validates and compiles `text` into *model (when model is not null and there is no problem).
/// Returns every problem; never throws (compile.cpp).
std::vector<problem> build_config(std::string_view text, compiled_config* model);

/// "[json.exception.out_of_range.406] number overflow parsing '1e999'" -> "number overflow parsing
/// '1e999' (not finite as a double)": nlohmann/json refuses such numbers while parsing, before
/// their pointer is known (compile.cpp).
std::string overflow_message(const std::exception& e);

}  // namespace detail
}  // namespace rollgate

#endif  // ROLLGATE_SRC_FLAGS_MODEL_HPP
