// Flag configuration: validation + compilation (once, with nlohmann/json) and evaluation (many
// times, on the compiled model only: no JSON, no allocation beyond the caller's result vector).
#include "rollgate/flags.hpp"

#include <algorithm>      // std::sort, std::lower_bound, std::binary_search
#include <chrono>         // std::chrono::system_clock
#include <cmath>          // std::isfinite, std::llround
#include <cstring>        // std::strcmp
#include <limits>         // std::numeric_limits
#include <unordered_map>  // build-time key indexes
#include <unordered_set>  // build-time duplicate checks
#include <utility>        // std::move, std::pair

#include "detail/json_input.hpp"  // parse_json, pointer_append, json_type_name
#include "detail/semver.hpp"      // parse_semver, compare_semver
#include "detail/timestamp.hpp"   // parse_rfc3339_ms
#include "rollgate/bucket.hpp"    // bucketer, bucket_of, kScale

namespace rollgate {
namespace detail {

using json = nlohmann::json;

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

struct op_name {
  const char* name;
  op code;
};
constexpr op_name kOperators[] = {
    {"equals", op::equals},
    {"notEquals", op::not_equals},
    {"in", op::in},
    {"notIn", op::not_in},
    {"contains", op::contains},
    {"startsWith", op::starts_with},
    {"endsWith", op::ends_with},
    {"lt", op::lt},
    {"lte", op::lte},
    {"gt", op::gt},
    {"gte", op::gte},
    {"semverEq", op::semver_eq},
    {"semverLt", op::semver_lt},
    {"semverLte", op::semver_lte},
    {"semverGt", op::semver_gt},
    {"semverGte", op::semver_gte},
    {"before", op::before},
    {"after", op::after},
    {"inSegment", op::in_segment},
};

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

std::optional<std::uint32_t> lookup(const name_index& index, std::string_view name) noexcept {
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
};

// ------------------------------------------------------------------------------------------------
// Compilation with validation: every problem is collected; the model is used only if none.

class builder {
 public:
  std::vector<problem> problems;
  compiled_config out;

  void build(const json& root);

 private:
  // Hash maps during the build keep compile linear in the config size even for hostile configs
  // (tens of thousands of flags, attributes or variations); sorted vectors are made at the end.
  std::unordered_map<std::string, std::uint32_t> segment_ids_;
  std::unordered_map<std::string, std::uint32_t> flag_ids_;
  std::unordered_map<std::string, std::uint32_t> attr_ids_;
  std::vector<std::unordered_map<std::string, std::uint32_t>> variation_ids_;  // per flag index

  void add(const char* id, const std::string& pointer, std::string message) {
    problems.push_back(problem{id, pointer, std::move(message)});
  }

  attribute_id intern(const std::string& name) {
    const auto found = attr_ids_.find(name);
    if (found != attr_ids_.end()) return found->second;
    const auto id = static_cast<attribute_id>(out.attribute_names.size());
    out.attribute_names.push_back(name);
    attr_ids_.emplace(name, id);
    return id;
  }

  // Checks `value` is an object and that it has only the allowed members (rollgate.config.202).
  bool object(const json& value, const std::string& ptr,
              std::initializer_list<const char*> allowed) {
    if (!value.is_object()) {
      add("rollgate.config.201", ptr,
          std::string("expected an object, got ") + json_type_name(value));
      return false;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      bool known = false;
      for (const char* a : allowed) known = known || it.key() == a;
      if (!known)
        add("rollgate.config.202", pointer_append(ptr, it.key()),
            "unknown member '" + it.key() + "'");
    }
    return true;
  }

  const json* member(const json& obj, const char* name) {
    const auto it = obj.find(name);
    return it == obj.end() ? nullptr : &*it;
  }

  // A required or optional string member; "" when missing or wrong (a problem is recorded).
  std::optional<std::string> string_member(const json& obj, const std::string& ptr,
                                           const char* name, bool required, bool non_empty = true) {
    const json* v = member(obj, name);
    if (v == nullptr) {
      if (required)
        add("rollgate.config.201", ptr, std::string("missing required member '") + name + "'");
      return std::nullopt;
    }
    if (!v->is_string()) {
      add("rollgate.config.201", pointer_append(ptr, name),
          std::string("expected a string, got ") + json_type_name(*v));
      return std::nullopt;
    }
    if (non_empty && v->get_ref<const std::string&>().empty()) {
      add("rollgate.config.210", pointer_append(ptr, name), "must not be empty");
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  const json* array_member(const json& obj, const std::string& ptr, const char* name,
                           bool required) {
    const json* v = member(obj, name);
    if (v == nullptr) {
      if (required)
        add("rollgate.config.201", ptr, std::string("missing required member '") + name + "'");
      return nullptr;
    }
    if (!v->is_array()) {
      add("rollgate.config.201", pointer_append(ptr, name),
          std::string("expected an array, got ") + json_type_name(*v));
      return nullptr;
    }
    return v;
  }

  // A number that must be finite (rollgate.config.218).
  bool finite_number(const json& v, const std::string& ptr, double& out) {
    if (!v.is_number()) {
      add("rollgate.config.201", ptr, std::string("expected a number, got ") + json_type_name(v));
      return false;
    }
    out = v.get<double>();
    if (!std::isfinite(out)) {
      add("rollgate.config.218", ptr, "number is not finite");
      return false;
    }
    return true;
  }

  // A percentage in [0, 100] with at most 3 decimals, converted exactly to kScale units.
  std::optional<std::uint32_t> percent(const json& v, const std::string& ptr) {
    double p = 0;
    if (!finite_number(v, ptr, p)) return std::nullopt;
    if (p < 0 || p > 100) {
      add("rollgate.config.211", ptr, "percentage " + v.dump() + " is outside [0, 100]");
      return std::nullopt;
    }
    const double scaled = p * 1000.0;
    const double rounded = std::round(scaled);
    // A decimal with <= 3 decimals, read as the nearest double, lands within 1e-6 of an integer
    // after * 1000 (doubles carry ~16 significant digits and p <= 100).
    if (std::fabs(scaled - rounded) > 1e-6) {
      add("rollgate.config.211", ptr,
          "percentage " + v.dump() + " has more than 3 decimals (the resolution is 0.001%)");
      return std::nullopt;
    }
    return static_cast<std::uint32_t>(rounded);
  }

  // Epoch ms (an integer number) or an RFC 3339 string.
  std::optional<std::int64_t> time_value(const json& v, const std::string& ptr) {
    if (v.is_string()) {
      const auto t = parse_rfc3339_ms(v.get_ref<const std::string&>());
      if (!t)
        add("rollgate.config.212", ptr,
            "'" + v.get<std::string>() + "' is not an RFC 3339 date-time");
      return t;
    }
    if (v.is_number()) {
      double d = 0;
      if (!finite_number(v, ptr, d)) return std::nullopt;
      if (d != std::floor(d) || std::fabs(d) > 9.0e15) {
        add("rollgate.config.212", ptr, "epoch milliseconds must be an integer within +-9e15");
        return std::nullopt;
      }
      return static_cast<std::int64_t>(d);
    }
    add("rollgate.config.212", ptr,
        std::string("expected an RFC 3339 string or epoch milliseconds, got ") + json_type_name(v));
    return std::nullopt;
  }

  std::optional<std::uint32_t> variation_ref(const json& v, const std::string& ptr, const flag& f) {
    if (!v.is_string()) {
      add("rollgate.config.201", ptr,
          std::string("expected a variation key, got ") + json_type_name(v));
      return std::nullopt;
    }
    const auto& k = v.get_ref<const std::string&>();
    const auto& ids = variation_ids_[static_cast<std::size_t>(&f - out.flags.data())];
    const auto found = ids.find(k);
    if (found != ids.end()) return found->second;
    if (!f.variation_keys.empty()) {  // with no variations, 210 has already said why
      add("rollgate.config.205", ptr, "unknown variation '" + k + "' in flag '" + f.key + "'");
    }
    return std::nullopt;
  }

  void build_flag(const json& value, const std::string& ptr, flag& f,
                  std::vector<std::vector<std::pair<std::string, std::string>>>& prereq_refs,
                  std::size_t flag_index);
  bool build_serve(const json& value, const std::string& ptr, const flag& f, serve& s);
  bool build_rollout(const json& value, const std::string& ptr, const flag& f, rollout& r);
  std::uint32_t build_conditions(const json* list, const std::string& ptr, bool in_segment);
  std::uint32_t build_condition(const json& value, const std::string& ptr, std::size_t depth,
                                bool in_segment);
  void build_segment(const json& value, const std::string& ptr, segment& s);
  void build_layers(const json& list, const std::string& ptr);
  void check_prerequisites(const json& root);
};

std::uint32_t builder::build_conditions(const json* list, const std::string& ptr, bool in_segment) {
  // A rule's conditions are an implicit `all`.
  std::vector<std::uint32_t> kids;
  if (list != nullptr) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      kids.push_back(build_condition((*list)[i], pointer_append(ptr, i), 0, in_segment));
    }
  }
  condition c;
  c.code = op::all;
  c.first = static_cast<std::uint32_t>(out.children.size());
  c.count = static_cast<std::uint32_t>(kids.size());
  out.children.insert(out.children.end(), kids.begin(), kids.end());
  out.conditions.push_back(std::move(c));
  return static_cast<std::uint32_t>(out.conditions.size() - 1);
}

std::uint32_t builder::build_condition(const json& value, const std::string& ptr, std::size_t depth,
                                       bool in_segment) {
  condition c;
  c.code = op::all;  // an invalid condition compiles to `all []`; the problem list is non-empty
  const auto emit = [this](condition&& cond) {
    out.conditions.push_back(std::move(cond));
    return static_cast<std::uint32_t>(out.conditions.size() - 1);
  };
  if (depth > kMaxConditionDepth) {
    add("rollgate.config.213", ptr,
        "conditions nest deeper than the limit of " + std::to_string(kMaxConditionDepth) +
            " levels");
    return emit(std::move(c));
  }
  if (!value.is_object()) {
    add("rollgate.config.201", ptr,
        std::string("expected a condition object, got ") + json_type_name(value));
    return emit(std::move(c));
  }
  // Combinations: {"all": [...]}, {"any": [...]}, {"not": {...}}
  for (const char* combo : {"all", "any", "not"}) {
    if (!value.contains(combo)) continue;
    object(value, ptr, {combo, "description"});
    const json& inner = value[combo];
    const std::string inner_ptr = pointer_append(ptr, combo);
    std::vector<std::uint32_t> kids;
    if (std::strcmp(combo, "not") == 0) {
      c.code = op::not_;
      kids.push_back(build_condition(inner, inner_ptr, depth + 1, in_segment));
    } else {
      c.code = combo[1] == 'l' ? op::all : op::any;
      if (!inner.is_array()) {
        add("rollgate.config.201", inner_ptr,
            std::string("expected an array, got ") + json_type_name(inner));
      } else {
        for (std::size_t i = 0; i < inner.size(); ++i) {
          kids.push_back(
              build_condition(inner[i], pointer_append(inner_ptr, i), depth + 1, in_segment));
        }
      }
    }
    c.first = static_cast<std::uint32_t>(out.children.size());
    c.count = static_cast<std::uint32_t>(kids.size());
    out.children.insert(out.children.end(), kids.begin(), kids.end());
    return emit(std::move(c));
  }
  object(value, ptr, {"attribute", "op", "value", "values", "segment", "description"});
  const auto op_text = string_member(value, ptr, "op", true);
  if (!op_text) return emit(std::move(c));
  bool found = false;
  for (const auto& o : kOperators) {
    if (*op_text == o.name) {
      c.code = o.code;
      found = true;
    }
  }
  if (!found) {
    add("rollgate.config.206", pointer_append(ptr, "op"), "unknown operator '" + *op_text + "'");
    return emit(std::move(c));
  }
  const std::string op_ptr = pointer_append(ptr, "op");
  if (c.code == op::in_segment) {
    if (in_segment) {
      add("rollgate.config.220", op_ptr, "a segment's rules cannot use inSegment");
      c.code = op::all;
      return emit(std::move(c));
    }
    const auto key = string_member(value, ptr, "segment", true);
    if (!key) {
      c.code = op::all;
      return emit(std::move(c));
    }
    const auto found = segment_ids_.find(*key);
    const auto s =
        found == segment_ids_.end() ? std::nullopt : std::optional<std::uint32_t>(found->second);
    if (!s) {
      add("rollgate.config.208", pointer_append(ptr, "segment"), "unknown segment '" + *key + "'");
      c.code = op::all;
      return emit(std::move(c));
    }
    c.segment = *s;
    return emit(std::move(c));
  }
  const auto attr = string_member(value, ptr, "attribute", true);
  if (attr) c.attr = intern(*attr);
  if (c.code == op::in || c.code == op::not_in) {
    const json* values = array_member(value, ptr, "values", true);
    if (values != nullptr) {
      const std::string vptr = pointer_append(ptr, "values");
      for (std::size_t i = 0; i < values->size(); ++i) {
        const json& v = (*values)[i];
        if (v.is_string()) {
          c.strings.push_back(v.get<std::string>());
        } else if (v.is_boolean()) {
          c.bools |= v.get<bool>() ? 2 : 1;
        } else if (v.is_number()) {
          double d = 0;
          if (finite_number(v, pointer_append(vptr, i), d)) c.numbers.push_back(d);
        } else {
          add("rollgate.config.212", pointer_append(vptr, i),
              std::string("expected a string, number or boolean, got ") + json_type_name(v));
        }
      }
      std::sort(c.strings.begin(), c.strings.end());
      std::sort(c.numbers.begin(), c.numbers.end());
    }
    if (value.contains("value"))
      add("rollgate.config.212", pointer_append(ptr, "value"),
          "operator '" + *op_text + "' takes 'values' (an array), not 'value'");
    if (!attr) c.code = op::all;
    return emit(std::move(c));
  }
  if (value.contains("values"))
    add("rollgate.config.212", pointer_append(ptr, "values"),
        "operator '" + *op_text + "' takes one 'value', not 'values'");
  const json* v = member(value, "value");
  const std::string vptr = pointer_append(ptr, "value");
  if (v == nullptr) {
    add("rollgate.config.201", ptr, "missing required member 'value'");
    c.code = op::all;
    return emit(std::move(c));
  }
  bool ok = true;
  switch (c.code) {
    case op::equals:
    case op::not_equals:
      if (v->is_string()) {
        c.value_kind = k_string;
        c.text = v->get<std::string>();
      } else if (v->is_boolean()) {
        c.value_kind = k_boolean;
        c.boolean = v->get<bool>();
      } else if (v->is_number()) {
        c.value_kind = k_number;
        ok = finite_number(*v, vptr, c.number);
      } else {
        add("rollgate.config.212", vptr,
            std::string("expected a string, number or boolean, got ") + json_type_name(*v));
        ok = false;
      }
      break;
    case op::contains:
    case op::starts_with:
    case op::ends_with:
      if (!v->is_string()) {
        add("rollgate.config.212", vptr,
            "operator '" + *op_text + "' needs a string value, got " + json_type_name(*v));
        ok = false;
      } else {
        c.value_kind = k_string;
        c.text = v->get<std::string>();
      }
      break;
    case op::lt:
    case op::lte:
    case op::gt:
    case op::gte:
      if (!v->is_number()) {
        add("rollgate.config.212", vptr,
            "operator '" + *op_text + "' needs a number value, got " + json_type_name(*v));
        ok = false;
      } else {
        c.value_kind = k_number;
        ok = finite_number(*v, vptr, c.number);
      }
      break;
    case op::semver_eq:
    case op::semver_lt:
    case op::semver_lte:
    case op::semver_gt:
    case op::semver_gte: {
      const auto parsed =
          v->is_string() ? parse_semver(v->get_ref<const std::string&>()) : std::nullopt;
      if (!parsed) {
        add("rollgate.config.212", vptr,
            v->dump() + " is not a semantic version (MAJOR.MINOR.PATCH[-PRE][+BUILD])");
        ok = false;
      } else {
        c.text = v->get<std::string>();
        c.ver[0] = parsed->major;
        c.ver[1] = parsed->minor;
        c.ver[2] = parsed->patch;
        c.pre_offset = static_cast<std::uint32_t>(parsed->pre.data() -
                                                  v->get_ref<const std::string&>().data());
        c.pre_length = static_cast<std::uint32_t>(parsed->pre.size());
        if (parsed->pre.empty()) c.pre_offset = 0;
      }
      break;
    }
    case op::before:
    case op::after: {
      const auto t = time_value(*v, vptr);
      if (!t)
        ok = false;
      else
        c.time = *t;
      break;
    }
    default:
      break;
  }
  if (!ok || !attr) c.code = op::all;
  return emit(std::move(c));
}

bool builder::build_rollout(const json& value, const std::string& ptr, const flag& f, rollout& r) {
  if (!object(value, ptr, {"weights", "coverage", "ramp"})) return false;
  bool ok = true;
  const json* weights = array_member(value, ptr, "weights", true);
  const std::string wptr = pointer_append(ptr, "weights");
  if (weights != nullptr) {
    if (weights->empty()) {
      add("rollgate.config.210", wptr, "must not be empty");
      ok = false;
    }
    std::uint64_t sum = 0;
    bool all_read = true;
    std::vector<bool> seen;
    for (std::size_t i = 0; i < weights->size(); ++i) {
      const json& w = (*weights)[i];
      const std::string p = pointer_append(wptr, i);
      if (!object(w, p, {"variation", "weight"})) {
        all_read = false;
        continue;
      }
      const json* var = member(w, "variation");
      const json* weight = member(w, "weight");
      if (var == nullptr || weight == nullptr) {
        add("rollgate.config.201", p,
            var == nullptr ? "missing required member 'variation'"
                           : "missing required member 'weight'");
        all_read = false;
        continue;
      }
      const auto vi = variation_ref(*var, pointer_append(p, "variation"), f);
      const auto wi = percent(*weight, pointer_append(p, "weight"));
      if (!vi || !wi) {
        all_read = false;
        continue;
      }
      if (seen.size() < f.variation_keys.size()) seen.resize(f.variation_keys.size(), false);
      if (seen[*vi]) {
        add("rollgate.config.203", pointer_append(p, "variation"),
            "variation '" + f.variation_keys[*vi] + "' appears twice in the weights");
        all_read = false;
      }
      seen[*vi] = true;
      r.variations.push_back(*vi);
      r.weights.push_back(*wi);
      sum += *wi;
    }
    if (all_read && !weights->empty() && sum != kScale) {
      add("rollgate.config.204", wptr,
          "weights sum to " + std::to_string(sum) + ", expected " + std::to_string(kScale) +
              " (100%)");
      ok = false;
    }
    ok = ok && all_read;
  } else {
    ok = false;
  }
  const json* coverage = member(value, "coverage");
  const json* ramp = member(value, "ramp");
  if (coverage != nullptr && ramp != nullptr) {
    add("rollgate.config.215", ptr, "a rollout has either 'coverage' or 'ramp', not both");
    ok = false;
  } else if (coverage != nullptr) {
    const auto c = percent(*coverage, pointer_append(ptr, "coverage"));
    if (c)
      r.coverage = *c;
    else
      ok = false;
  } else if (ramp != nullptr) {
    const std::string rptr = pointer_append(ptr, "ramp");
    if (!ramp->is_array()) {
      add("rollgate.config.201", rptr,
          std::string("expected an array, got ") + json_type_name(*ramp));
      return false;
    }
    if (ramp->empty()) {
      add("rollgate.config.215", rptr, "a ramp needs at least one step");
      return false;
    }
    for (std::size_t i = 0; i < ramp->size(); ++i) {
      const json& step = (*ramp)[i];
      const std::string sp = pointer_append(rptr, i);
      if (!object(step, sp, {"at", "coverage"})) {
        ok = false;
        continue;
      }
      const json* at = member(step, "at");
      const json* cov = member(step, "coverage");
      if (at == nullptr || cov == nullptr) {
        add("rollgate.config.201", sp,
            at == nullptr ? "missing required member 'at'" : "missing required member 'coverage'");
        ok = false;
        continue;
      }
      const auto t = time_value(*at, pointer_append(sp, "at"));
      const auto c = percent(*cov, pointer_append(sp, "coverage"));
      if (!t || !c) {
        ok = false;
        continue;
      }
      if (!r.ramp.empty() && *t <= r.ramp.back().first) {
        add("rollgate.config.215", pointer_append(sp, "at"),
            "ramp steps must be in strictly increasing time order");
        ok = false;
      }
      r.ramp.emplace_back(*t, *c);
    }
  }
  return ok;
}

bool builder::build_serve(const json& value, const std::string& ptr, const flag& f, serve& s) {
  if (!object(value, ptr, {"variation", "rollout"})) return false;
  const json* var = member(value, "variation");
  const json* roll = member(value, "rollout");
  if ((var == nullptr) == (roll == nullptr)) {
    add("rollgate.config.201", ptr, "expected exactly one of 'variation' or 'rollout'");
    return false;
  }
  if (var != nullptr) {
    const auto vi = variation_ref(*var, pointer_append(ptr, "variation"), f);
    if (vi) s.variation = *vi;
    return vi.has_value();
  }
  s.is_rollout = true;
  return build_rollout(*roll, pointer_append(ptr, "rollout"), f, s.split);
}

void builder::build_flag(const json& value, const std::string& ptr, flag& f,
                         std::vector<std::vector<std::pair<std::string, std::string>>>& prereq_refs,
                         std::size_t flag_index) {
  if (!object(value, ptr,
              {"key", "description", "enabled", "variations", "defaultVariation", "offVariation",
               "salt", "bucketBy", "prerequisites", "rules", "fallthrough"})) {
    return;
  }
  if (auto k = string_member(value, ptr, "key", true)) f.key = *k;
  if (const json* e = member(value, "enabled")) {
    if (e->is_boolean())
      f.enabled = e->get<bool>();
    else
      add("rollgate.config.201", pointer_append(ptr, "enabled"),
          std::string("expected a boolean, got ") + json_type_name(*e));
  }
  const auto salt = string_member(value, ptr, "salt", false);
  f.hasher = bucketer(salt ? std::string_view(*salt) : std::string_view(f.key));
  const auto unit = string_member(value, ptr, "bucketBy", false);
  f.unit = intern(unit ? *unit : "targetingKey");

  // Variations: keys unique, values of one JSON type, numbers finite.
  const std::string vptr = pointer_append(ptr, "variations");
  if (const json* vars = array_member(value, ptr, "variations", true)) {
    if (vars->empty()) add("rollgate.config.210", vptr, "a flag needs at least one variation");
    std::optional<value_type> first_type;
    for (std::size_t i = 0; i < vars->size(); ++i) {
      const json& v = (*vars)[i];
      const std::string p = pointer_append(vptr, i);
      if (!object(v, p, {"key", "value", "description"})) continue;
      const auto k = string_member(v, p, "key", true);
      const json* val = member(v, "value");
      if (val == nullptr) add("rollgate.config.201", p, "missing required member 'value'");
      if (!k || val == nullptr) continue;
      auto& ids = variation_ids_[flag_index];
      if (ids.count(*k) != 0) {
        add("rollgate.config.203", pointer_append(p, "key"),
            "duplicate variation key '" + *k + "'");
      } else {
        ids.emplace(*k, static_cast<std::uint32_t>(f.variation_keys.size()));
      }
      value_type t = val->is_boolean()  ? value_type::boolean
                     : val->is_string() ? value_type::string
                     : val->is_number() ? value_type::number
                                        : value_type::json;
      if (val->is_number() && !std::isfinite(val->get<double>())) {
        add("rollgate.config.218", pointer_append(p, "value"), "number is not finite");
      }
      if (first_type && *first_type != t) {
        add("rollgate.config.214", pointer_append(p, "value"),
            std::string("variation value is a ") + to_string(t) +
                " but the flag's first variation is a " + to_string(*first_type));
      }
      if (!first_type) first_type = t;
      f.variation_keys.push_back(*k);
      // dump() cannot throw here: strings came from a validated UTF-8 parse.
      f.values.push_back(val->dump());
    }
    if (first_type) f.type = *first_type;
  }
  if (const json* d = member(value, "defaultVariation")) {
    if (auto vi = variation_ref(*d, pointer_append(ptr, "defaultVariation"), f))
      f.default_variation = *vi;
  } else {
    add("rollgate.config.201", ptr, "missing required member 'defaultVariation'");
  }
  f.off_variation = f.default_variation;
  if (const json* o = member(value, "offVariation")) {
    if (auto vi = variation_ref(*o, pointer_append(ptr, "offVariation"), f)) f.off_variation = *vi;
  }
  if (const json* pre = array_member(value, ptr, "prerequisites", false)) {
    const std::string pptr = pointer_append(ptr, "prerequisites");
    for (std::size_t i = 0; i < pre->size(); ++i) {
      const json& p = (*pre)[i];
      const std::string pp = pointer_append(pptr, i);
      if (!object(p, pp, {"flag", "variations"})) continue;
      const auto target = string_member(p, pp, "flag", true);
      const json* vars = array_member(p, pp, "variations", true);
      if (!target || vars == nullptr) continue;
      if (vars->empty()) {
        add("rollgate.config.210", pointer_append(pp, "variations"), "must not be empty");
        continue;
      }
      for (std::size_t j = 0; j < vars->size(); ++j) {
        const json& vk = (*vars)[j];
        if (!vk.is_string()) {
          add("rollgate.config.201", pointer_append(pointer_append(pp, "variations"), j),
              std::string("expected a variation key, got ") + json_type_name(vk));
          continue;
        }
        prereq_refs[flag_index].emplace_back(*target, vk.get<std::string>());
      }
      // Resolved after all flags are built (they may come later in the document).
      f.prerequisites.push_back(prerequisite{0xFFFFFFFFu, {}});
    }
  }
  if (const json* rules = array_member(value, ptr, "rules", false)) {
    const std::string rptr = pointer_append(ptr, "rules");
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const json& r = (*rules)[i];
      const std::string rp = pointer_append(rptr, i);
      if (!object(r, rp, {"id", "description", "conditions", "serve"})) continue;
      rule built;
      built.root = build_conditions(array_member(r, rp, "conditions", false),
                                    pointer_append(rp, "conditions"), false);
      if (const json* s = member(r, "serve")) {
        build_serve(*s, pointer_append(rp, "serve"), f, built.action);
      } else {
        add("rollgate.config.201", rp, "missing required member 'serve'");
      }
      f.rules.push_back(std::move(built));
    }
  }
  if (const json* ft = member(value, "fallthrough")) {
    build_serve(*ft, pointer_append(ptr, "fallthrough"), f, f.fallthrough);
  } else {
    f.fallthrough.variation = f.default_variation;
  }
}

void builder::build_segment(const json& value, const std::string& ptr, segment& s) {
  if (!object(value, ptr, {"key", "description", "attribute", "included", "excluded", "rules"}))
    return;
  if (auto k = string_member(value, ptr, "key", true)) s.key = *k;
  const auto attr = string_member(value, ptr, "attribute", false);
  s.attr = intern(attr ? *attr : "targetingKey");
  for (const char* list_name : {"included", "excluded"}) {
    auto& target = list_name[0] == 'i' ? s.included : s.excluded;
    if (const json* list = array_member(value, ptr, list_name, false)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i].is_string()) {
          target.push_back((*list)[i].get<std::string>());
        } else {
          add("rollgate.config.201", pointer_append(pointer_append(ptr, list_name), i),
              std::string("expected a string, got ") + json_type_name((*list)[i]));
        }
      }
      std::sort(target.begin(), target.end());
    }
  }
  if (const json* rules = array_member(value, ptr, "rules", false)) {
    const std::string rptr = pointer_append(ptr, "rules");
    for (std::size_t i = 0; i < rules->size(); ++i) {
      const json& r = (*rules)[i];
      const std::string rp = pointer_append(rptr, i);
      if (!object(r, rp, {"id", "description", "conditions"})) continue;
      s.rules.push_back(build_conditions(array_member(r, rp, "conditions", false),
                                         pointer_append(rp, "conditions"), true));
    }
  }
}

void builder::build_layers(const json& list, const std::string& ptr) {
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& value = list[i];
    const std::string lp = pointer_append(ptr, i);
    if (!object(value, lp, {"key", "description", "salt", "bucketBy", "allocations"})) continue;
    layer l;
    const auto key = string_member(value, lp, "key", true);
    if (key) {
      l.key = *key;
      if (!seen.insert(*key).second) {
        add("rollgate.config.203", pointer_append(lp, "key"), "duplicate layer key '" + *key + "'");
      }
    }
    const auto salt = string_member(value, lp, "salt", false);
    l.hasher = bucketer(salt ? std::string_view(*salt) : std::string_view(l.key));
    const auto unit = string_member(value, lp, "bucketBy", false);
    l.unit = intern(unit ? *unit : "targetingKey");
    const auto layer_index = static_cast<std::int32_t>(out.layers.size());
    out.layers.push_back(std::move(l));
    const json* allocs = array_member(value, lp, "allocations", true);
    if (allocs == nullptr) continue;
    const std::string ap = pointer_append(lp, "allocations");
    std::uint64_t start = 0;
    for (std::size_t j = 0; j < allocs->size(); ++j) {
      const json& a = (*allocs)[j];
      const std::string p = pointer_append(ap, j);
      if (!object(a, p, {"flag", "share"})) continue;
      const auto flag_key = string_member(a, p, "flag", true);
      const json* share = member(a, "share");
      if (share == nullptr) add("rollgate.config.201", p, "missing required member 'share'");
      const auto s = share != nullptr ? percent(*share, pointer_append(p, "share")) : std::nullopt;
      if (!flag_key || !s) continue;
      const auto fi = lookup(out.flag_keys, *flag_key);
      if (!fi) {
        add("rollgate.config.207", pointer_append(p, "flag"), "unknown flag '" + *flag_key + "'");
        continue;
      }
      flag& f = out.flags[*fi];
      if (f.layer >= 0) {
        add("rollgate.config.216", pointer_append(p, "flag"),
            "flag '" + *flag_key + "' already belongs to layer '" +
                out.layers[static_cast<std::size_t>(f.layer)].key + "'");
        continue;
      }
      if (start + *s > kScale) {
        add("rollgate.config.216", pointer_append(p, "share"),
            "the layer's shares add up to more than 100% (" + std::to_string(start + *s) + " of " +
                std::to_string(kScale) + ")");
        continue;
      }
      f.layer = layer_index;
      f.layer_begin = static_cast<std::uint32_t>(start);
      f.layer_end = static_cast<std::uint32_t>(start + *s);
      start += *s;
    }
  }
}

void builder::build(const json& root) {
  if (!object(root, "", {"$schema", "schemaVersion", "flags", "segments", "layers"})) return;
  if (const json* v = member(root, "schemaVersion")) {
    if (!v->is_number_integer() || v->get<std::int64_t>() != 1) {
      add("rollgate.config.219", "/schemaVersion",
          "unsupported schemaVersion " + v->dump() + " (this rollgate reads 1)");
    }
  }
  // Segments first, so conditions can resolve them wherever they appear.
  const json* segs = array_member(root, "", "segments", false);
  if (segs != nullptr) {
    for (std::size_t i = 0; i < segs->size(); ++i) {
      const json& s = (*segs)[i];
      if (!s.is_object()) continue;
      const auto it = s.find("key");
      if (it == s.end() || !it->is_string()) continue;
      const std::string key = it->get<std::string>();
      if (!segment_ids_.emplace(key, static_cast<std::uint32_t>(i)).second) {
        add("rollgate.config.203", pointer_append(pointer_append("/segments", i), "key"),
            "duplicate segment key '" + key + "'");
      }
    }
    out.segments.resize(segs->size());
    for (std::size_t i = 0; i < segs->size(); ++i) {
      build_segment((*segs)[i], pointer_append("/segments", i), out.segments[i]);
    }
  }
  const json* flags = array_member(root, "", "flags", true);
  std::vector<std::vector<std::pair<std::string, std::string>>> prereq_refs;
  if (flags != nullptr) {
    out.flags.resize(flags->size());
    prereq_refs.resize(flags->size());
    variation_ids_.resize(flags->size());
    for (std::size_t i = 0; i < flags->size(); ++i) {
      build_flag((*flags)[i], pointer_append("/flags", i), out.flags[i], prereq_refs, i);
      const std::string& key = out.flags[i].key;
      if (key.empty()) continue;
      if (!flag_ids_.emplace(key, static_cast<std::uint32_t>(i)).second) {
        add("rollgate.config.203", pointer_append(pointer_append("/flags", i), "key"),
            "duplicate flag key '" + key + "'");
      }
    }
  }
  out.flag_keys.assign(flag_ids_.begin(), flag_ids_.end());
  std::sort(out.flag_keys.begin(), out.flag_keys.end());
  if (const json* layers = array_member(root, "", "layers", false))
    build_layers(*layers, "/layers");

  // Resolve prerequisites now that every flag key is known.
  if (flags != nullptr) {
    for (std::size_t i = 0; i < out.flags.size(); ++i) {
      const json& fj = (*flags)[i];
      if (!fj.is_object() || !fj.contains("prerequisites") || !fj["prerequisites"].is_array())
        continue;
      const json& pre = fj["prerequisites"];
      std::size_t slot = 0;
      for (std::size_t j = 0; j < pre.size(); ++j) {
        const json& p = pre[j];
        if (!p.is_object() || !p.contains("flag") || !p["flag"].is_string() ||
            p["flag"].get_ref<const std::string&>().empty() || !p.contains("variations") ||
            !p["variations"].is_array() || p["variations"].empty()) {
          continue;  // already reported by build_flag, which made no slot for it
        }
        if (slot >= out.flags[i].prerequisites.size()) break;
        const std::string pp =
            pointer_append(pointer_append(pointer_append("/flags", i), "prerequisites"), j);
        prerequisite& target = out.flags[i].prerequisites[slot++];
        const auto& key = p["flag"].get_ref<const std::string&>();
        const auto fi = lookup(out.flag_keys, key);
        if (!fi) {
          add("rollgate.config.207", pointer_append(pp, "flag"), "unknown flag '" + key + "'");
          continue;
        }
        target.flag = *fi;
        const json& vars = p["variations"];
        for (std::size_t k = 0; k < vars.size(); ++k) {
          if (!vars[k].is_string()) continue;
          if (auto vi = variation_ref(vars[k], pointer_append(pointer_append(pp, "variations"), k),
                                      out.flags[*fi])) {
            target.variations.push_back(*vi);
          }
        }
      }
    }
    check_prerequisites(*flags);
  }

  // Static: the same value for every context and time (see docs/config.md).
  for (auto& f : out.flags) {
    f.is_static = f.enabled && f.prerequisites.empty() && f.rules.empty() && f.layer < 0 &&
                  !f.fallthrough.is_rollout;
  }
  out.attributes.assign(attr_ids_.begin(), attr_ids_.end());
  std::sort(out.attributes.begin(), out.attributes.end());
}

// Cycle detection (iterative DFS, so a long chain cannot overflow the stack) and the longest
// chain, which bounds the evaluator's recursion.
void builder::check_prerequisites(const json& flags) {
  const std::size_t n = out.flags.size();
  std::vector<std::uint8_t> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::vector<std::size_t> depth(n, 1);
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // (flag, next prerequisite)
  bool cycle_found = false;
  for (std::size_t start = 0; start < n && !cycle_found; ++start) {
    if (state[start] != 0) continue;
    stack.emplace_back(start, 0);
    state[start] = 1;
    while (!stack.empty() && !cycle_found) {
      auto& [fi, next] = stack.back();
      const auto& pre = out.flags[fi].prerequisites;
      if (next < pre.size()) {
        const std::size_t to = pre[next++].flag;
        if (to >= n) continue;  // unresolved: reported as 207
        if (state[to] == 1) {
          std::string path;
          std::size_t from_pos = 0;
          while (stack[from_pos].first != to) ++from_pos;
          for (std::size_t k = from_pos; k < stack.size(); ++k)
            path += out.flags[stack[k].first].key + " -> ";
          path += out.flags[to].key;
          const std::size_t owner = stack.back().first;
          add("rollgate.config.209",
              pointer_append(pointer_append("/flags", owner), "prerequisites"),
              "prerequisite cycle: " + path);
          cycle_found = true;  // one cycle is enough to reject; depths are meaningless now
        } else if (state[to] == 0) {
          state[to] = 1;
          stack.emplace_back(to, 0);
        }
      } else {
        std::size_t d = 1;
        for (const auto& p : pre) {
          if (p.flag < n) d = std::max(d, depth[p.flag] + 1);
        }
        depth[fi] = d;
        state[fi] = 2;
        stack.pop_back();
      }
    }
  }
  if (cycle_found) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (depth[i] > kMaxPrerequisiteDepth) {
      (void)flags;
      add("rollgate.config.217", pointer_append(pointer_append("/flags", i), "prerequisites"),
          "prerequisite chain of " + std::to_string(depth[i]) +
              " flags is longer than the limit of " + std::to_string(kMaxPrerequisiteDepth));
    }
  }
}

// "[json.exception.out_of_range.406] number overflow parsing '1e999'" -> "number overflow parsing
// '1e999' (not finite as a double)".
std::string overflow_message(const std::exception& e) {
  std::string detail = e.what();
  const auto close = detail.find("] ");
  if (close != std::string::npos) detail = detail.substr(close + 2);
  return detail + " (not finite as a double)";
}

std::vector<problem> build_config(std::string_view text, compiled_config* model) {
  builder b;
  try {
    const json root = parse_json(text, "config", json_limits{kMaxConfigBytes, kMaxConfigDepth});
    b.build(root);
  } catch (const error& e) {
    return e.problems();
  } catch (const json::out_of_range& e) {
    // nlohmann/json refuses numbers that overflow a double (1e999) while parsing, before we can
    // see where they are: report it as the non-finite number it would be.
    return {problem{"rollgate.config.218", "", overflow_message(e)}};
  } catch (const std::exception& e) {  // e.g. std::bad_alloc, nlohmann type errors: never escape
    return {
        problem{"rollgate.config.201", "", std::string("config could not be read: ") + e.what()}};
  }
  if (b.problems.empty() && model != nullptr) *model = std::move(b.out);
  return std::move(b.problems);
}

// ------------------------------------------------------------------------------------------------
// Evaluation: reads only the compiled model and the context.

const char* const kMsgNotFound = "no flag with this key";
const char* const kMsgTypeMismatch = "the flag's value type is not the requested type";
const char* const kMsgKeyMissing = "the unit attribute (bucketBy) is missing or not a string";
const char* const kMsgParse = "the context is not a valid JSON context (see context::from_json)";
const char* const kMsgGeneral = "flag index out of range";

struct eval_state {
  const compiled_config& cfg;
  const context& ctx;
  std::int64_t now;
};

bool match(const eval_state& s, std::uint32_t index) noexcept;

bool contains_string(const std::vector<std::string>& sorted, std::string_view v) noexcept {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), v,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  return it != sorted.end() && *it == v;
}

bool in_segment(const eval_state& s, const segment& seg) noexcept {
  const context::slot* unit = s.ctx.find(seg.attr);
  if (unit != nullptr && unit->kind == k_string) {
    if (contains_string(seg.excluded, unit->text)) return false;
    if (contains_string(seg.included, unit->text)) return true;
  }
  for (std::uint32_t root : seg.rules) {
    if (match(s, root)) return true;
  }
  return false;
}

std::optional<std::int64_t> attribute_time(const context::slot& v) noexcept {
  if (v.kind == k_string) return parse_rfc3339_ms(v.text);
  if (v.kind == k_number && std::fabs(v.number) <= 9.0e15)
    return static_cast<std::int64_t>(std::floor(v.number));
  return std::nullopt;
}

bool match_in(const condition& c, const context::slot& v, bool& typed) noexcept {
  typed = true;
  switch (v.kind) {
    case k_string:
      typed = !c.strings.empty();
      return contains_string(c.strings, v.text);
    case k_number:
      typed = !c.numbers.empty();
      return std::binary_search(c.numbers.begin(), c.numbers.end(), v.number);
    case k_boolean:
      typed = c.bools != 0;
      return (c.bools & (v.boolean ? 2 : 1)) != 0;
    case k_list:
      typed = !c.strings.empty();
      for (std::size_t i = 0; i < v.list_size; ++i) {
        if (contains_string(c.strings, v.list[i])) return true;
      }
      return false;
    default:
      typed = false;
      return false;
  }
}

bool match(const eval_state& s, std::uint32_t index) noexcept {
  const condition& c = s.cfg.conditions[index];
  switch (c.code) {
    case op::all:
      for (std::uint32_t i = 0; i < c.count; ++i) {
        if (!match(s, s.cfg.children[c.first + i])) return false;
      }
      return true;
    case op::any:
      for (std::uint32_t i = 0; i < c.count; ++i) {
        if (match(s, s.cfg.children[c.first + i])) return true;
      }
      return false;
    case op::not_:
      return c.count == 1 && !match(s, s.cfg.children[c.first]);
    case op::in_segment:
      return in_segment(s, s.cfg.segments[c.segment]);
    default:
      break;
  }
  const context::slot* v = s.ctx.find(c.attr);
  if (v == nullptr) return false;  // missing attributes never match
  switch (c.code) {
    case op::equals:
    case op::not_equals: {
      if (v->kind != c.value_kind) return false;  // type mismatch: no match either way
      bool eq = false;
      if (v->kind == k_string)
        eq = v->text == c.text;
      else if (v->kind == k_number)
        eq = v->number == c.number;
      else
        eq = v->boolean == c.boolean;
      return c.code == op::equals ? eq : !eq;
    }
    case op::in: {
      bool typed = false;
      return match_in(c, *v, typed);
    }
    case op::not_in: {
      bool typed = false;
      const bool found = match_in(c, *v, typed);
      return typed && !found;
    }
    case op::contains:
      if (v->kind == k_string) return v->text.find(c.text) != std::string::npos;
      if (v->kind == k_list) {
        for (std::size_t i = 0; i < v->list_size; ++i) {
          if (v->list[i] == c.text) return true;
        }
      }
      return false;
    case op::starts_with:
      return v->kind == k_string && v->text.size() >= c.text.size() &&
             v->text.compare(0, c.text.size(), c.text) == 0;
    case op::ends_with:
      return v->kind == k_string && v->text.size() >= c.text.size() &&
             v->text.compare(v->text.size() - c.text.size(), c.text.size(), c.text) == 0;
    case op::lt:
      return v->kind == k_number && v->number < c.number;
    case op::lte:
      return v->kind == k_number && v->number <= c.number;
    case op::gt:
      return v->kind == k_number && v->number > c.number;
    case op::gte:
      return v->kind == k_number && v->number >= c.number;
    case op::semver_eq:
    case op::semver_lt:
    case op::semver_lte:
    case op::semver_gt:
    case op::semver_gte: {
      if (v->kind != k_string) return false;
      const auto a = parse_semver(v->text);
      if (!a) return false;
      semver b;
      b.major = c.ver[0];
      b.minor = c.ver[1];
      b.patch = c.ver[2];
      b.pre = std::string_view(c.text).substr(c.pre_offset, c.pre_length);
      const int cmp = compare_semver(*a, b);
      switch (c.code) {
        case op::semver_eq:
          return cmp == 0;
        case op::semver_lt:
          return cmp < 0;
        case op::semver_lte:
          return cmp <= 0;
        case op::semver_gt:
          return cmp > 0;
        default:
          return cmp >= 0;
      }
    }
    case op::before:
    case op::after: {
      const auto t = attribute_time(*v);
      if (!t) return false;
      return c.code == op::before ? *t < c.time : *t > c.time;
    }
    default:
      return false;
  }
}

evaluation result(const flag& f, std::uint32_t variation, reason why, std::int32_t rule) noexcept {
  evaluation e;
  e.flag = f.key;
  e.value = f.values[variation];
  e.variant = f.variation_keys[variation];
  e.variation_index = static_cast<std::int32_t>(variation);
  e.reason = why;
  e.rule_index = rule;
  return e;
}

evaluation failure(const flag& f, error_code code, const char* message) noexcept {
  evaluation e = result(f, f.default_variation, reason::error, -1);
  e.error_code = code;
  e.error_message = message;
  return e;
}

const std::string* unit_of(const eval_state& s, attribute_id id) noexcept {
  const context::slot* v = s.ctx.find(id);
  return v != nullptr && v->kind == k_string ? &v->text : nullptr;
}

// Applies a serve: a variation, or a rollout (coverage draw, then variant draw).
evaluation apply(const eval_state& s, const flag& f, const serve& action, reason fixed_reason,
                 std::int32_t rule) noexcept {
  if (!action.is_rollout) return result(f, action.variation, fixed_reason, rule);
  const std::string* unit = unit_of(s, f.unit);
  if (unit == nullptr) return failure(f, error_code::targeting_key_missing, kMsgKeyMissing);
  const rollout& r = action.split;
  if (!f.hasher.in_coverage(*unit, r.coverage_at(s.now))) {
    return result(f, f.default_variation, reason::default_, rule);
  }
  const std::size_t pick = f.hasher.pick_variant(*unit, r.weights.data(), r.weights.size());
  return result(f, r.variations[pick], reason::split, rule);
}

evaluation evaluate_flag(const eval_state& s, std::size_t index, std::size_t depth) noexcept {
  const flag& f = s.cfg.flags[index];
  if (!f.enabled) return result(f, f.off_variation, reason::disabled, -1);
  if (depth <= kMaxPrerequisiteDepth) {  // guaranteed by compile; the check keeps it local
    for (const auto& p : f.prerequisites) {
      const evaluation pe = evaluate_flag(s, p.flag, depth + 1);
      bool accepted = false;
      if (pe.reason != reason::error && pe.reason != reason::disabled) {
        for (std::uint32_t v : p.variations)
          accepted = accepted || pe.variation_index == static_cast<std::int32_t>(v);
      }
      if (!accepted) return result(f, f.off_variation, reason::disabled, -1);
    }
  }
  if (f.layer >= 0) {
    const layer& l = s.cfg.layers[static_cast<std::size_t>(f.layer)];
    const std::string* unit = unit_of(s, l.unit);
    if (unit == nullptr) return failure(f, error_code::targeting_key_missing, kMsgKeyMissing);
    const std::uint32_t position = bucket_of(l.hasher.coverage_draw(*unit), kScale);
    if (position < f.layer_begin || position >= f.layer_end) {
      return result(f, f.default_variation, reason::default_, -1);
    }
  }
  for (std::size_t i = 0; i < f.rules.size(); ++i) {
    if (match(s, f.rules[i].root)) {
      return apply(s, f, f.rules[i].action, reason::targeting_match, static_cast<std::int32_t>(i));
    }
  }
  return apply(s, f, f.fallthrough, f.is_static ? reason::static_ : reason::default_, -1);
}

std::int64_t system_now_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace detail

// ------------------------------------------------------------------------------------------------
// Public API

const char* to_string(reason r) noexcept {
  switch (r) {
    case reason::static_:
      return "STATIC";
    case reason::targeting_match:
      return "TARGETING_MATCH";
    case reason::split:
      return "SPLIT";
    case reason::disabled:
      return "DISABLED";
    case reason::default_:
      return "DEFAULT";
    default:
      return "ERROR";
  }
}

const char* to_string(error_code c) noexcept {
  switch (c) {
    case error_code::flag_not_found:
      return "FLAG_NOT_FOUND";
    case error_code::type_mismatch:
      return "TYPE_MISMATCH";
    case error_code::parse_error:
      return "PARSE_ERROR";
    case error_code::targeting_key_missing:
      return "TARGETING_KEY_MISSING";
    case error_code::general:
      return "GENERAL";
    default:
      return "";
  }
}

const char* to_string(value_type t) noexcept {
  switch (t) {
    case value_type::boolean:
      return "boolean";
    case value_type::string:
      return "string";
    case value_type::number:
      return "number";
    default:
      return "json";
  }
}

std::string evaluation::to_json() const {
  std::string out = "{\"flag\":";
  detail::append_json_string(out, flag);
  if (variation_index >= 0) {
    out += ",\"value\":";
    out += value;
    out += ",\"variant\":";
    detail::append_json_string(out, variant);
    out += ",\"variationIndex\":" + std::to_string(variation_index);
  }
  out += ",\"reason\":\"";
  out += to_string(reason);
  out += "\",\"ruleIndex\":" + std::to_string(rule_index);
  if (error_code != rollgate::error_code::none) {
    out += ",\"errorCode\":\"";
    out += to_string(error_code);
    out += "\",\"errorMessage\":";
    detail::append_json_string(out, error_message);
  }
  out += '}';
  return out;
}

evaluator::evaluator(std::shared_ptr<const detail::compiled_config> impl) noexcept
    : impl_(std::move(impl)) {}

std::size_t evaluator::flag_count() const noexcept {
  return impl_->flags.size();
}

std::optional<std::size_t> evaluator::flag_index(std::string_view key) const noexcept {
  const auto i = detail::lookup(impl_->flag_keys, key);
  if (!i) return std::nullopt;
  return static_cast<std::size_t>(*i);
}

std::string_view evaluator::flag_key(std::size_t index) const noexcept {
  return index < impl_->flags.size() ? std::string_view(impl_->flags[index].key)
                                     : std::string_view();
}

value_type evaluator::flag_type(std::size_t index) const noexcept {
  return index < impl_->flags.size() ? impl_->flags[index].type : value_type::json;
}

attribute_id evaluator::attribute(std::string_view name) const noexcept {
  const auto i = detail::lookup(impl_->attributes, name);
  return i ? *i : kUnknownAttribute;
}

std::size_t evaluator::attribute_count() const noexcept {
  return impl_->attribute_names.size();
}

std::string_view evaluator::attribute_name(attribute_id id) const noexcept {
  return id < impl_->attribute_names.size() ? std::string_view(impl_->attribute_names[id])
                                            : std::string_view();
}

evaluation evaluator::evaluate(std::size_t index, const context& ctx,
                               std::int64_t now_ms) const noexcept {
  if (index >= impl_->flags.size()) {
    evaluation e;
    e.error_code = error_code::general;
    e.error_message = detail::kMsgGeneral;
    return e;
  }
  return detail::evaluate_flag(detail::eval_state{*impl_, ctx, now_ms}, index, 0);
}

evaluation evaluator::evaluate(std::size_t index, const context& ctx, std::int64_t now_ms,
                               value_type expected) const noexcept {
  if (index < impl_->flags.size() && impl_->flags[index].type != expected) {
    return detail::failure(impl_->flags[index], error_code::type_mismatch,
                           detail::kMsgTypeMismatch);
  }
  return evaluate(index, ctx, now_ms);
}

evaluation evaluator::evaluate(std::string_view key, const context& ctx,
                               std::int64_t now_ms) const noexcept {
  const auto i = flag_index(key);
  if (!i) {
    evaluation e;
    e.flag = key;  // the caller's key, so reports name what was asked for
    e.error_code = error_code::flag_not_found;
    e.error_message = detail::kMsgNotFound;
    return e;
  }
  return evaluate(*i, ctx, now_ms);
}

evaluation evaluator::evaluate(std::string_view key, const context& ctx) const noexcept {
  return evaluate(key, ctx, detail::system_now_ms());
}

evaluation evaluator::evaluate_json(std::string_view key, std::string_view context_json,
                                    std::int64_t now_ms) const noexcept {
  const auto i = flag_index(key);
  if (!i) {
    evaluation e;
    e.flag = key;
    e.error_code = error_code::flag_not_found;
    e.error_message = detail::kMsgNotFound;
    return e;
  }
  try {
    const context ctx = context::from_json(*this, context_json);
    return evaluate(*i, ctx, now_ms);
  } catch (...) {  // rollgate::error (invalid context) or std::bad_alloc
    return detail::failure(impl_->flags[*i], error_code::parse_error, detail::kMsgParse);
  }
}

void evaluator::evaluate_all(const context& ctx, std::int64_t now_ms,
                             std::vector<evaluation>& out) const {
  out.resize(impl_->flags.size());
  const detail::eval_state s{*impl_, ctx, now_ms};
  for (std::size_t i = 0; i < impl_->flags.size(); ++i) out[i] = detail::evaluate_flag(s, i, 0);
}

std::vector<evaluation> evaluator::evaluate_all(const context& ctx, std::int64_t now_ms) const {
  std::vector<evaluation> out;
  evaluate_all(ctx, now_ms, out);
  return out;
}

std::vector<evaluation> evaluator::evaluate_all(const context& ctx) const {
  return evaluate_all(ctx, detail::system_now_ms());
}

evaluator compile(std::string_view config_json) {
  auto model = std::make_shared<detail::compiled_config>();
  std::vector<problem> problems = detail::build_config(config_json, model.get());
  if (!problems.empty()) throw error(std::move(problems));
  return evaluator(std::move(model));
}

std::vector<problem> validate(std::string_view config_json) noexcept {
  try {
    return detail::build_config(config_json, nullptr);
  } catch (...) {  // only std::bad_alloc can get here; never report "valid" then
    try {
      return {problem{"rollgate.config.201", "", "out of memory while validating"}};
    } catch (...) {
      return std::vector<problem>(1);
    }
  }
}

std::optional<std::int64_t> parse_time(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  bool integer = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!((c >= '0' && c <= '9') || (i == 0 && c == '-' && text.size() > 1))) integer = false;
  }
  if (integer) {
    if (text.size() > 16) return std::nullopt;  // beyond +-9e15 ms
    std::int64_t v = 0;
    for (char c : text) {
      if (c != '-') v = v * 10 + (c - '0');
    }
    return text[0] == '-' ? -v : v;
  }
  return detail::parse_rfc3339_ms(text);
}

// ------------------------------------------------------------------------------------------------
// context

context::context(const evaluator& ev) : slots_(ev.attribute_count()) {
  used_.reserve(slots_.size());
}

void context::clear() noexcept {
  for (attribute_id id : used_) {
    slots_[id].kind = detail::k_missing;
    slots_[id].in_use = false;
  }
  used_.clear();
}

context::slot* context::prepare(attribute_id id) noexcept {
  if (id >= slots_.size()) return nullptr;
  slot& s = slots_[id];
  if (!s.in_use) {  // at most one entry per id, and capacity is reserved: never reallocates
    used_.push_back(id);
    s.in_use = true;
  }
  return &s;
}

void context::set(attribute_id id, std::string_view value) {
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->text.assign(value.data(), value.size());
  s->kind = detail::k_string;
}

void context::set(attribute_id id, double value) noexcept {
  if (!std::isfinite(value)) {
    unset(id);
    return;
  }
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->number = value;
  s->kind = detail::k_number;
}

void context::set(attribute_id id, bool value) noexcept {
  slot* s = prepare(id);
  if (s == nullptr) return;
  s->boolean = value;
  s->kind = detail::k_boolean;
}

void context::set(attribute_id id, const std::vector<std::string_view>& values) {
  slot* s = prepare(id);
  if (s == nullptr) return;
  if (s->list.size() < values.size()) s->list.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    s->list[i].assign(values[i].data(), values[i].size());
  s->list_size = values.size();
  s->kind = detail::k_list;
}

void context::unset(attribute_id id) noexcept {
  // Leaves the id in used_ (harmless: clear() resets it again) so unset never allocates.
  if (id < slots_.size()) slots_[id].kind = detail::k_missing;
}

void context::assign_json(const evaluator& ev, std::string_view json_text) {
  clear();
  if (slots_.size() < ev.attribute_count()) {
    slots_.resize(ev.attribute_count());
    used_.reserve(slots_.size());
  }
  nlohmann::json root;
  try {
    root =
        detail::parse_json(json_text, "context",
                           detail::json_limits{detail::kMaxContextBytes, detail::kMaxContextDepth});
  } catch (const nlohmann::json::exception& e) {  // number overflow: see overflow_message
    throw error("rollgate.config.250", "", "context " + detail::overflow_message(e));
  }
  if (!root.is_object()) {
    throw error(
        "rollgate.config.250", "",
        std::string("a context must be a JSON object, got ") + detail::json_type_name(root));
  }
  std::vector<problem> problems;
  std::vector<std::string_view> list;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string ptr = detail::pointer_append("", it.key());
    const nlohmann::json& v = it.value();
    const attribute_id id = ev.attribute(it.key());
    // Names the configuration never uses cannot match: skip them whatever their type, so a
    // context may carry structured data meant for other consumers.
    if (id == kUnknownAttribute) continue;
    if (v.is_string()) {
      set(id, std::string_view(v.get_ref<const std::string&>()));
    } else if (v.is_boolean()) {
      set(id, v.get<bool>());
    } else if (v.is_number()) {
      const double d = v.get<double>();
      if (!std::isfinite(d)) {
        problems.push_back(problem{"rollgate.config.250", ptr, "number is not finite"});
      } else {
        set(id, d);
      }
    } else if (v.is_null()) {
      unset(id);
    } else if (v.is_array()) {
      list.clear();
      bool ok = true;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) {
          problems.push_back(problem{"rollgate.config.250", detail::pointer_append(ptr, i),
                                     std::string("list attributes hold strings only, got ") +
                                         detail::json_type_name(v[i])});
          ok = false;
        } else {
          list.push_back(v[i].get_ref<const std::string&>());
        }
      }
      if (ok) set(id, list);
    } else {
      problems.push_back(problem{"rollgate.config.250", ptr,
                                 std::string("an attribute is a string, number, boolean, list of "
                                             "strings or null, got ") +
                                     detail::json_type_name(v)});
    }
  }
  if (!problems.empty()) {
    clear();
    throw error(std::move(problems));
  }
}

context context::from_json(const evaluator& ev, std::string_view json_text) {
  context c(ev);
  c.assign_json(ev, json_text);
  return c;
}

}  // namespace rollgate
