// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The configuration builder (internal): validates the JSON document and compiles it into a
// compiled_config in one pass, collecting every problem. The model is used only if none.
//   compile.cpp             the document, the member readers, percentages and times
//   compile_conditions.cpp  conditions (operators, operands, nesting)
//   compile_targeting.cpp   the operators and options of issue 18 (regex, CIDR, arrays, ...)
//   compile_flags.cpp       flags, variations, segments
//   compile_rollouts.cpp    serves, rollouts, ramps and layers
//   compile_bucketing.cpp   a flag's bucketing scheme (kept assignments from GrowthBook, Unleash)
//   prerequisites.cpp       resolving prerequisites, cycles and chain lengths
#ifndef ROLLGATE_SRC_FLAGS_BUILDER_HPP
#define ROLLGATE_SRC_FLAGS_BUILDER_HPP

#include <cstddef>           // std::size_t
#include <cstdint>           // std::uint32_t, std::int64_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <unordered_map>     // build-time key indexes
#include <vector>            // std::vector

#include "detail/json_input.hpp"   // nlohmann::json, pointer_append, json_type_name
#include "flags/build_output.hpp"  // problems, out, add, intern
#include "flags/model.hpp"         // compiled_config and its parts

namespace rollgate {
namespace detail {

using json = nlohmann::json;

/// The operators compiled by builder::build_targeting (compile_targeting.cpp).
bool is_targeting_op(op code) noexcept;

class builder : public build_output {
 public:
  void build(const json& root);

 private:
  // Hash maps during the build keep compile linear in the config size even for hostile configs
  // (tens of thousands of flags, attributes or variations); sorted vectors are made at the end.
  std::unordered_map<std::string, std::uint32_t> segment_ids_;
  std::unordered_map<std::string, std::uint32_t> flag_ids_;
  std::vector<std::unordered_map<std::string, std::uint32_t>> variation_ids_;  // per flag index

  // --- member readers (compile.cpp); each records a problem when the value is wrong ------------
  /// Checks `value` is an object with only the allowed members (rollgate.config.201 / 202).
  bool object(const json& value, const std::string& ptr,
              std::initializer_list<const char*> allowed);
  const json* member(const json& obj, const char* name);
  /// A required or optional string member; nullopt when missing or wrong.
  std::optional<std::string> string_member(const json& obj, const std::string& ptr,
                                           const char* name, bool required, bool non_empty = true);
  const json* array_member(const json& obj, const std::string& ptr, const char* name,
                           bool required);
  /// A number that must be finite (rollgate.config.218).
  bool finite_number(const json& v, const std::string& ptr, double& out);
  /// A percentage converted exactly to kScale units (percent_to_scale's rule; 211).
  std::optional<std::uint32_t> percent(const json& v, const std::string& ptr);
  /// Epoch ms (an integer number) or an RFC 3339 string (rollgate.config.212).
  std::optional<std::int64_t> time_value(const json& v, const std::string& ptr);
  /// The index of variation key `v` in flag `f` (rollgate.config.205).
  std::optional<std::uint32_t> variation_ref(const json& v, const std::string& ptr, const flag& f);

  // --- parts of the document -----------------------------------------------------------------
  void build_flag(const json& value, const std::string& ptr, flag& f, std::size_t flag_index);
  void build_variations(const json& value, const std::string& ptr, flag& f, std::size_t flag_index);
  void build_prerequisite_slots(const json& value, const std::string& ptr, flag& f);
  bool build_serve(const json& value, const std::string& ptr, const flag& f, serve& s);
  bool build_rollout(const json& value, const std::string& ptr, const flag& f, rollout& r);
  bool build_weights(const json& value, const std::string& ptr, const flag& f, rollout& r);
  bool build_ramp(const json& ramp, const std::string& ptr, rollout& r);
  std::uint32_t build_conditions(const json* list, const std::string& ptr, bool in_segment);
  std::uint32_t build_condition(const json& value, const std::string& ptr, std::size_t depth,
                                bool in_segment);
  bool build_operand(const json& v, const std::string& vptr, const std::string& op_text,
                     condition& c);
  // --- the operators and options of issue 18 (compile_targeting.cpp) --------------------------
  void build_options(const json& value, const std::string& ptr, const std::string& op_text,
                     condition& c);
  bool build_targeting(const json& value, const std::string& ptr, const std::string& op_text,
                       condition& c);
  /// `values` as strings into c.strings; nullptr (and problems) unless all are strings.
  const json* string_values(const json& value, const std::string& ptr, const std::string& op_text,
                            condition& c);
  // --- kept assignments: `bucketing` (compile_bucketing.cpp) -----------------------------------
  void build_bucketing(const json& value, const std::string& ptr, const std::string& salt, flag& f);
  /// The peer's view of rollout r (ranges, weights); problems for what the peer cannot express.
  bool build_peer_rollout(const std::string& ptr, const flag& f, rollout& r);
  void build_segment(const json& value, const std::string& ptr, segment& s);
  void build_layers(const json& list, const std::string& ptr);
  void resolve_prerequisites(const json& flags);
  void check_prerequisites();
};

}  // namespace detail
}  // namespace rollgate

#endif  // ROLLGATE_SRC_FLAGS_BUILDER_HPP
