// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The flagd builder (internal): reads an OpenFeature flagd flag definition (docs/flagd.md) and
// compiles it into the same compiled_config as rollgate's own format, so evaluation, speed and
// error reporting are rollgate's. Problems are rollgate.config.230-239 with JSON Pointers into the
// flagd document (a problem inside a shared evaluator points into /$evaluators/<name>).
//   flagd_compile.cpp  the document, flags, variants, metadata, targeting results, fractional
//   flagd_logic.cpp    JSON Logic conditions (==, <, in, and, or, !, starts_with, sem_ver, ...)
//
// JSON Logic's `if` tree becomes an ordered list of rules: each leaf (a variant, null or a
// fractional) is one rule whose condition is the conjunction of the `if` conditions taken to
// reach it. Rules are tried in order and the first that matches decides, so the conditions of
// the branches not taken need not be negated: an earlier leaf always needs a condition that was
// false on the way to a later one.
#ifndef ROLLGATE_SRC_FLAGS_FLAGD_BUILDER_HPP
#define ROLLGATE_SRC_FLAGS_FLAGD_BUILDER_HPP

#include <cstddef>        // std::size_t
#include <cstdint>        // std::uint32_t
#include <optional>       // std::optional
#include <string>         // std::string
#include <unordered_map>  // build-time indexes
#include <vector>         // std::vector

#include "detail/json_input.hpp"   // nlohmann::json, pointer_append, json_type_name
#include "flags/build_output.hpp"  // problems, out, add, intern
#include "flags/model.hpp"         // compiled_config and its parts

namespace rollgate {
namespace detail {

/// Nesting limit of a targeting expression, counted through $ref (rollgate.config.239).
constexpr std::size_t kMaxFlagdDepth = 48;
/// Conditions and rules a flagd document may expand to ($ref copies, `if` trees; 239).
constexpr std::size_t kMaxFlagdNodes = std::size_t{1} << 18;

class flagd_builder : public build_output {
 public:
  using json = nlohmann::json;
  bool js_hash = false;

  void build(const json& root);

 private:
  struct operand {
    enum kind_t { attr, literal, clock } kind = literal;
    attribute_id id = kUnknownAttribute;
    json value;  ///< the literal (or the flag key for $flagd.flagKey)
  };

  const json* evaluators_ = nullptr;
  std::vector<std::string> ref_stack_;  ///< evaluators being expanded (cycle detection)
  // The flag being compiled.
  flag* f_ = nullptr;
  std::string metadata_;  ///< the flag being built's metadata (compiled_config::metadata)
  std::unordered_map<std::string, std::uint32_t> variants_;
  std::unordered_map<std::string, std::uint32_t> ref_conditions_;  ///< $ref -> condition
  std::size_t rules_ = 0;  ///< rules of every flag so far (the expansion budget)

  bool over_budget(const std::string& ptr);

  // flagd_compile.cpp
  void build_flag(const std::string& key, const json& v, const std::string& ptr,
                  const json* set_metadata);
  bool build_variants(const json& v, const std::string& ptr);
  std::string build_metadata(const json* set, const json* own, const std::string& ptr);
  /// The `$ref` target of `v` ({"$ref": name}); nullptr (and maybe a problem) when v is not one.
  const json* deref(const json& v, const std::string& ptr, std::string& target_ptr, bool& is_ref);
  void build_result(const json& v, const std::string& ptr, std::vector<std::uint32_t>& path,
                    std::size_t depth);
  void build_fractional(const json& args, const std::string& ptr, std::vector<std::uint32_t>& path);
  bool bucketing_key(const json& v, const std::string& ptr, flagd_bucket_key& key);
  /// The variation a result names; kNoVariation for a key the flag does not have (flagd reports
  /// it at evaluation: ERROR, GENERAL); nothing (and a problem) for what is no key at all.
  std::optional<std::uint32_t> variant_of(const json& v, const std::string& ptr);
  /// A rule serving result `v`'s variation (or the evaluation error of an unknown one).
  void add_variant_rule(const std::vector<std::uint32_t>& path, const json& v,
                        const std::string& ptr);
  void add_rule(const std::vector<std::uint32_t>& path, serve action);

  // flagd_logic.cpp
  std::optional<std::uint32_t> build_condition(const json& v, const std::string& ptr,
                                               std::size_t depth);
  std::optional<std::uint32_t> build_operation(const std::string& name, const json& args,
                                               const std::string& ptr, std::size_t depth);
  std::optional<operand> read_operand(const json& v, const std::string& ptr, bool lists);
  /// The operand of `{"var": arg}` (`p` points at arg).
  std::optional<operand> read_var(const json& arg, const std::string& p);
  std::optional<std::uint32_t> equality(const json& args, const std::string& ptr, bool negate);
  std::optional<std::uint32_t> ordering(const std::string& name, const json& args,
                                        const std::string& ptr);
  std::optional<std::uint32_t> membership(const json& args, const std::string& ptr);
  std::optional<std::uint32_t> affix(const std::string& name, const json& args,
                                     const std::string& ptr);
  std::optional<std::uint32_t> sem_ver(const json& args, const std::string& ptr);
  std::optional<std::uint32_t> compare(attribute_id id, op code, double number);
  std::optional<std::uint32_t> clock_compare(op code, double number);

 public:
  // condition helpers, shared by both files
  std::uint32_t add_condition(condition c);
  std::uint32_t group(op code, const std::vector<std::uint32_t>& kids);
  std::uint32_t constant(bool value) { return group(value ? op::all : op::any, {}); }
};

/// JavaScript's String(n) for a JSON number (a variant key written as a number).
std::string js_number_text(double value);

}  // namespace detail
}  // namespace rollgate

#endif  // ROLLGATE_SRC_FLAGS_FLAGD_BUILDER_HPP
