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

#include "detail/cidr.hpp"      // ip_range
#include "detail/regex.hpp"     // regex
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
  // issue 18 (compile_targeting.cpp, match_targeting.cpp)
  matches,
  exists,
  is_null,
  in_cidr,
  size_eq,
  size_lt,
  size_lte,
  size_gt,
  size_gte,
  contains_any,
  contains_all,
  // flagd's JSON Logic (flagd_compile.cpp, docs/flagd.md). Keep them last: evaluate.cpp's match()
  // sends every code from `truthy` on to match_flagd, out of rollgate's own path.
  truthy,     ///< JSON Logic truthiness of a present attribute
  clock_lt,   ///< `$flagd.timestamp` (whole seconds of the evaluation time) < number
  clock_lte,  ///< ... <=
  clock_gt,   ///< ... >
  clock_gte,  ///< ... >=
};

/// Kinds of a context slot (context::slot::kind) and of a condition's operand.
/// k_null: the context said null (isNull tells it from a missing attribute; nothing else does).
enum kind : std::uint8_t {
  k_missing = 0,
  k_string = 1,
  k_number = 2,
  k_boolean = 3,
  k_list = 4,
  k_null = 5
};

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
  bool ignore_case = false;      ///< `ignoreCase`: ASCII letters compare case-insensitively
  bool loose_version = false;    ///< `versionSyntax: "loose"` on semver operators
  std::uint32_t regex = 0;       ///< matches: index into compiled_config::regexes
  std::vector<ip_range> ranges;  ///< inCidr
};

/// How a flag's rollouts assign units (`bucketing.scheme`, docs/config.md "Kept assignments"):
/// rollgate's XXH3 draws (docs/bucketing.md), or a peer's hashing reproduced bit for bit.
enum class bucket_scheme : std::uint8_t { rollgate, growthbook, unleash, flagd };

/// A variation index that names no variation: the flagd result "no value" (a null defaultVariant,
/// a disabled flag, a null fractional bucket): the caller's default is served.
constexpr std::uint32_t kNoVariation = 0xFFFFFFFFu;

/// One piece of a flagd `fractional` bucketing key: an attribute's value, or literal text.
struct key_part {
  attribute_id attr = kUnknownAttribute;  ///< kUnknownAttribute: the literal `text`
  std::string text;
};

/// A flagd `fractional` bucketing key given explicitly (compiled_config::flagd_keys): the one
/// attribute (which must be a string), or, when `cat`, the concatenation of the parts.
struct flagd_bucket_key {
  std::vector<key_part> parts;
  bool cat = false;
};

/// rollout::flagd_key when the key is flagd's default, the flag key + targetingKey.
constexpr std::uint32_t kDefaultFlagdKey = 0xFFFFFFFFu;

/// GrowthBook's bucket ranges of a rollout at one coverage (getBucketRanges).
struct peer_ranges {
  std::uint32_t coverage = 0;  ///< kScale units
  std::vector<std::pair<double, double>> ranges;
};

struct rollout {
  std::vector<std::uint32_t> variations;
  std::vector<std::uint32_t> weights;  ///< kScale units, same order as variations
  std::uint32_t coverage = kScale;
  /// bucket_scheme::flagd: `weights` are flagd's integer weights, and the bucketing key is
  /// compiled_config::flagd_keys[flagd_key], or kDefaultFlagdKey (kept out of the rollout, which
  /// every evaluation of a rollout reads: this index sits in padding).
  std::uint32_t flagd_key = kDefaultFlagdKey;
  /// bucket_scheme::growthbook: ranges for every coverage the rollout can be at (its coverage, or
  /// each ramp step and 0), computed at compile time so evaluation does not allocate.
  std::vector<peer_ranges> growthbook;
  /// bucket_scheme::unleash: the weights in Unleash's units (tenths of a percent, sum 1000).
  std::vector<std::uint32_t> unleash_weights;
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
  bool to_default = false;  ///< flagd `null` result: the default variation, reason DEFAULT
  bool to_error = false;    ///< flagd: a variant the flag does not have (ERROR, GENERAL)
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
  bucket_scheme scheme = bucket_scheme::rollgate;
  int hash_version = 1;     ///< growthbook: 1 or 2; flagd: 0 UTF-8, 1 flagd-core's UTF-16
  std::string scheme_seed;  ///< growthbook: the seed; unleash: the groupId
  std::vector<prerequisite> prerequisites;
  std::vector<rule> rules;
  serve fallthrough;
  std::int32_t layer = -1;
  std::uint32_t layer_begin = 0;  ///< share of the layer: [layer_begin, layer_end) of kScale
  std::uint32_t layer_end = 0;
  bool is_static = false;
  bool flagd = false;  ///< compiled from a flagd definition: its rules' serves follow flagd
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
  std::vector<regex> regexes;         ///< the `matches` operands, compiled
  std::size_t max_regex_program = 0;  ///< the largest, to size the evaluation scratch
  std::vector<std::string> attribute_names;
  name_index attributes;
  name_index flag_keys;
  /// Some result can depend on the evaluation time (a ramp somewhere): evaluator::uses_clock().
  bool uses_clock = false;
  /// flagd: attribute names are dotted paths into nested context objects (JSON Logic `var`).
  bool attribute_paths = false;
  /// flagd `metadata` per flag (JSON object text; empty: none), indexed like `flags`. Kept out of
  /// `flag`, which evaluation walks: a string per flag there cost the evaluation benchmarks ~2%.
  std::vector<std::string> metadata;
  /// flagd: the explicit `fractional` bucketing keys (rollout::flagd_key indexes them).
  std::vector<flagd_bucket_key> flagd_keys;
};

/// JSON Logic's `var` path: the name split at each '.' ("user.email" -> user, email). flagd
/// configurations (attribute_paths) read each attribute from the context along its path.
inline std::vector<std::string_view> attribute_path(std::string_view name) {
  std::vector<std::string_view> out;
  for (std::size_t begin = 0;;) {
    const std::size_t dot = name.find('.', begin);
    out.push_back(name.substr(begin, dot == std::string_view::npos ? dot : dot - begin));
    if (dot == std::string_view::npos) return out;
    begin = dot + 1;
  }
}

// --- between the files of src/flags/ -------------------------------------------------------------

/// Validates and compiles `text` into *model (when model is not null and there is no problem).
/// Returns every problem; never throws (compile.cpp).
std::vector<problem> build_config(std::string_view text, compiled_config* model);

/// "[json.exception.out_of_range.406] number overflow parsing '1e999'" -> "number overflow parsing
/// '1e999' (not finite as a double)": nlohmann/json refuses such numbers while parsing, before
/// their pointer is known (compile.cpp).
std::string overflow_message(const std::exception& e);

/// The operators of issue 18 (matches, exists, isNull, inCidr, size*, containsAny/All) on a
/// present attribute `v` (match_targeting.cpp).
bool match_targeting(const compiled_config& cfg, const condition& c,
                     const context::slot& v) noexcept;

/// A rollout under a peer's bucket_scheme: the index into r.variations of the unit's variation,
/// or nothing when the unit is outside the rollout (peer_bucketing.cpp).
std::optional<std::size_t> peer_pick(const flag& f, const rollout& r, std::string_view unit,
                                     std::uint32_t coverage) noexcept;

/// Validates and compiles a flagd flag definition into *model (flagd_compile.cpp); as
/// build_config. `js_hash`: fractional hashes as @openfeature/flagd-core does.
std::vector<problem> build_flagd(std::string_view text, bool js_hash, compiled_config* model);

/// The flagd `fractional` pick: the index into r.variations, or nothing when flagd returns null
/// (no bucketing key, weights summing to 0) (flagd_bucketing.cpp).
std::optional<std::size_t> flagd_pick(const compiled_config& cfg, const flag& f, const rollout& r,
                                      const context& ctx) noexcept;

/// `equals` with a list operand: same length, elements equal in order (match_targeting.cpp).
bool list_equal(const condition& c, const context::slot& v) noexcept;

}  // namespace detail
}  // namespace rollgate

#endif  // ROLLGATE_SRC_FLAGS_MODEL_HPP
