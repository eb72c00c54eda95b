// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 2: conditions. Each compiles into the flat condition array
// (combinations keep their children's indices); an invalid condition compiles to `all []` and a
// problem, so the rest of the document is still checked.
#include <algorithm>  // std::sort
#include <cstring>    // std::strcmp
#include <utility>    // std::move

#include "detail/semver.hpp"  // parse_semver
#include "flags/builder.hpp"
#include "flags/fold.hpp"  // fold_less

namespace rollgate {
namespace detail {
namespace {

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
    {"matches", op::matches},
    {"exists", op::exists},
    {"isNull", op::is_null},
    {"inCidr", op::in_cidr},
    {"sizeEquals", op::size_eq},
    {"sizeLt", op::size_lt},
    {"sizeLte", op::size_lte},
    {"sizeGt", op::size_gt},
    {"sizeGte", op::size_gte},
    {"containsAny", op::contains_any},
    {"containsAll", op::contains_all},
};

}  // namespace

std::uint32_t builder::build_conditions(const json* list, const std::string& ptr, bool in_segment) {
  // A rule's conditions are an implicit `all`.
  std::vector<std::uint32_t> kids;
  if (list != nullptr) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      kids.push_back(build_condition((*list)[i], pointer_append(ptr, i), 0, in_segment));
    }
  }
  // One condition is its own `all`: the rule's root is that condition, which saves evaluation a
  // level of match() for the most common rule (evaluate_all of the benchmark's 20 flags, whose
  // rules hold one condition each: 1.05 -> 0.80 us natively, 1.71 -> 1.11 us in WebAssembly).
  if (kids.size() == 1) return kids.front();
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
  object(value, ptr,
         {"attribute", "op", "value", "values", "segment", "description", "ignoreCase",
          "versionSyntax"});
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
  build_options(value, ptr, *op_text, c);
  if (is_targeting_op(c.code)) {
    const bool ok = build_targeting(value, ptr, *op_text, c);
    if (!ok || !attr) c.code = op::all;
    return emit(std::move(c));
  }
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
      if (c.ignore_case)  // evaluation searches with the same order (fold_less)
        std::sort(c.strings.begin(), c.strings.end(), fold_less);
      else
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
  const bool ok = build_operand(*v, vptr, *op_text, c);
  if (!ok || !attr) c.code = op::all;
  return emit(std::move(c));
}

bool builder::build_operand(const json& v, const std::string& vptr, const std::string& op_text,
                            condition& c) {
  bool ok = true;
  switch (c.code) {
    case op::equals:
    case op::not_equals:
      if (v.is_string()) {
        c.value_kind = k_string;
        c.text = v.get<std::string>();
      } else if (v.is_boolean()) {
        c.value_kind = k_boolean;
        c.boolean = v.get<bool>();
      } else if (v.is_number()) {
        c.value_kind = k_number;
        ok = finite_number(v, vptr, c.number);
      } else if (v.is_array()) {  // a string list, equal element by element, in order
        c.value_kind = k_list;
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (!v[i].is_string()) {
            add("rollgate.config.212", pointer_append(vptr, i),
                std::string("a list operand holds strings only, got ") + json_type_name(v[i]));
            ok = false;
          } else {
            c.strings.push_back(v[i].get<std::string>());
          }
        }
      } else {
        add("rollgate.config.212", vptr,
            std::string("expected a string, number, boolean or array of strings, got ") +
                json_type_name(v));
        ok = false;
      }
      break;
    case op::contains:
    case op::starts_with:
    case op::ends_with:
      if (!v.is_string()) {
        add("rollgate.config.212", vptr,
            "operator '" + op_text + "' needs a string value, got " + json_type_name(v));
        ok = false;
      } else {
        c.value_kind = k_string;
        c.text = v.get<std::string>();
      }
      break;
    case op::lt:
    case op::lte:
    case op::gt:
    case op::gte:
      if (!v.is_number()) {
        add("rollgate.config.212", vptr,
            "operator '" + op_text + "' needs a number value, got " + json_type_name(v));
        ok = false;
      } else {
        c.value_kind = k_number;
        ok = finite_number(v, vptr, c.number);
      }
      break;
    case op::semver_eq:
    case op::semver_lt:
    case op::semver_lte:
    case op::semver_gt:
    case op::semver_gte: {
      const auto syntax = c.loose_version ? semver_syntax::loose : semver_syntax::strict;
      const auto parsed =
          v.is_string() ? parse_semver(v.get_ref<const std::string&>(), syntax) : std::nullopt;
      if (!parsed) {
        add("rollgate.config.212", vptr,
            v.dump() + (c.loose_version
                            ? " is not a version (loose: [v]MAJOR[.MINOR[.PATCH[-PRE][+BUILD]]])"
                            : " is not a semantic version (MAJOR.MINOR.PATCH[-PRE][+BUILD])"));
        ok = false;
      } else {
        c.text = v.get<std::string>();
        c.ver[0] = parsed->major;
        c.ver[1] = parsed->minor;
        c.ver[2] = parsed->patch;
        c.pre_offset =
            static_cast<std::uint32_t>(parsed->pre.data() - v.get_ref<const std::string&>().data());
        c.pre_length = static_cast<std::uint32_t>(parsed->pre.size());
        if (parsed->pre.empty()) c.pre_offset = 0;
      }
      break;
    }
    case op::before:
    case op::after: {
      const auto t = time_value(v, vptr);
      if (!t)
        ok = false;
      else
        c.time = *t;
      break;
    }
    default:
      break;
  }
  return ok;
}

}  // namespace detail
}  // namespace rollgate
