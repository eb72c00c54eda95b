// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flagd flag definition, part 2 (see flagd_builder.hpp): JSON Logic conditions onto
// rollgate's conditions. Each operation maps onto operators the evaluator already has, with
// JSON Logic's treatment of a missing attribute (`var` gives null) spelled out:
//   ==, ===          equals; `== null` is "missing or null"
//   !=, !==          not(equals): true for a missing attribute, as in flagd
//   <, <=, >, >=     numbers; a missing, null or boolean attribute compares as JSON Logic
//                    converts it (null and false as 0, true as 1); `<`/`<=` with three
//                    arguments is "between"
//   in               attribute in a literal array; a literal string in an attribute (substring
//                    of a string, element of a list)
//   starts_with, ends_with, sem_ver (=, !=, <, <=, >, >=, ^, ~), and, or, !, !!, bare `var`
//                    (truthiness); `$flagd.flagKey` is a constant, `$flagd.timestamp` the clock
// What a rollgate condition cannot say (two attributes compared, strings ordered as text,
// arithmetic, array operations) is refused with rollgate.config.234 / 235 (docs/flagd.md).
#include <algorithm>  // std::sort, std::find
#include <cmath>      // std::isfinite
#include <utility>    // std::swap

#include "detail/semver.hpp"  // parse_semver
#include "flags/flagd_builder.hpp"

namespace rollgate {
namespace detail {
namespace {

bool holds(op code, double a, double b) noexcept {
  switch (code) {
    case op::lt:
      return a < b;
    case op::lte:
      return a <= b;
    case op::gt:
      return a > b;
    default:
      return a >= b;
  }
}

op flipped(op code) noexcept {
  switch (code) {
    case op::lt:
      return op::gt;
    case op::lte:
      return op::gte;
    case op::gt:
      return op::lt;
    default:
      return op::lte;
  }
}

op clock_op(op code) noexcept {
  switch (code) {
    case op::lt:
      return op::clock_lt;
    case op::lte:
      return op::clock_lte;
    case op::gt:
      return op::clock_gt;
    default:
      return op::clock_gte;
  }
}

bool is_json_logic_op(const std::string& name) {
  static const char* const kNames[] = {
      "map", "filter", "reduce", "all", "none",   "some",     "merge",  "missing", "missing_some",
      "cat", "substr", "+",      "-",   "*",      "/",        "%",      "min",     "max",
      "log", "?:",     "??",     "val", "exists", "preserve", "length", "get",     "keys"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

bool same_scalar_type(const nlohmann::json& a, const nlohmann::json& b) {
  return (a.is_string() && b.is_string()) || (a.is_number() && b.is_number()) ||
         (a.is_boolean() && b.is_boolean()) || (a.is_null() && b.is_null());
}

// Equality of two scalars of the same type (same_scalar_type), spelled out: fewer nlohmann
// templates in the WebAssembly module than its operator==.
bool scalar_equal(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_string()) return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
  if (a.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_boolean()) return a.get<bool>() == b.get<bool>();
  return true;  // both null
}

bool is_text(const nlohmann::json& v, const char* text) {
  return v.is_string() && v.get_ref<const std::string&>() == text;
}

}  // namespace

std::optional<flagd_builder::operand> flagd_builder::read_operand(const json& v,
                                                                  const std::string& ptr,
                                                                  bool lists) {
  if (v.is_object()) {
    if (v.size() != 1 || v.begin().key() != "var") {
      add("rollgate.config.235", ptr,
          "an operand must be a `var` or a constant (a computed operand is not supported)");
      return std::nullopt;
    }
    return read_var(v.begin().value(), pointer_append(ptr, "var"));
  }
  if (v.is_array() && !lists) {
    add("rollgate.config.235", ptr, "an array is not a valid operand here");
    return std::nullopt;
  }
  if (v.is_number() && !std::isfinite(v.get<double>())) {
    add("rollgate.config.218", ptr, "number is not finite");
    return std::nullopt;
  }
  operand o;
  o.value = v;
  return o;
}

std::optional<flagd_builder::operand> flagd_builder::read_var(const json& arg,
                                                              const std::string& p) {
  operand o;
  const json* path = &arg;
  if (path->is_array()) {
    if (path->size() != 1) {
      add("rollgate.config.235", p, "`var` with a default value is not supported");
      return std::nullopt;
    }
    path = &(*path)[0];
  }
  if (!path->is_string() || path->get_ref<const std::string&>().empty()) {
    add("rollgate.config.235", p, "`var` needs a non-empty attribute path (a string)");
    return std::nullopt;
  }
  const auto& name = path->get_ref<const std::string&>();
  if (name == "$flagd.flagKey") {
    o.value = f_->key;
    return o;
  }
  if (name == "$flagd.timestamp") {
    o.kind = operand::clock;
    return o;
  }
  if (name.rfind("$flagd.", 0) == 0) {
    add("rollgate.config.235", p,
        "'" + name + "' is not a flagd property ($flagd.flagKey, $flagd.timestamp)");
    return std::nullopt;
  }
  o.kind = operand::attr;
  o.id = intern(name);
  return o;
}

std::optional<std::uint32_t> flagd_builder::equality(const json& args, const std::string& ptr,
                                                     bool negate) {
  if (!args.is_array() || args.size() != 2) {
    add("rollgate.config.235", ptr, "needs an array of two arguments");
    return std::nullopt;
  }
  auto a = read_operand(args[0], pointer_append(ptr, 0), false);
  auto b = read_operand(args[1], pointer_append(ptr, 1), false);
  if (!a || !b) return std::nullopt;
  if (a->kind == operand::literal && b->kind != operand::literal) std::swap(a, b);
  if (a->kind == operand::literal) {
    if (!same_scalar_type(a->value, b->value)) {
      add("rollgate.config.235", ptr, "compares two constants of different types");
      return std::nullopt;
    }
    return constant(scalar_equal(a->value, b->value) != negate);
  }
  if (b->kind != operand::literal) {
    add("rollgate.config.235", ptr,
        "compares two attributes (rollgate compares an attribute with a constant)");
    return std::nullopt;
  }
  const json& value = b->value;
  std::uint32_t c = 0;
  if (a->kind == operand::clock) {
    if (!value.is_number()) {
      add("rollgate.config.235", pointer_append(ptr, 1), "$flagd.timestamp compares with a number");
      return std::nullopt;
    }
    const double n = value.get<double>();
    c = group(op::all, {*clock_compare(op::gte, n), *clock_compare(op::lte, n)});
  } else {
    condition e;
    e.attr = a->id;
    e.code = op::equals;
    if (value.is_null()) {
      e.code = op::exists;
      c = group(op::not_, {add_condition(std::move(e))});  // missing or null
    } else {
      if (value.is_string()) {
        e.value_kind = k_string;
        e.text = value.get<std::string>();
      } else if (value.is_number()) {
        e.value_kind = k_number;
        e.number = value.get<double>();
      } else if (value.is_boolean()) {
        e.value_kind = k_boolean;
        e.boolean = value.get<bool>();
      } else {
        add("rollgate.config.235", ptr, "compares with an array or object");
        return std::nullopt;
      }
      c = add_condition(std::move(e));
    }
  }
  return negate ? group(op::not_, {c}) : c;
}

std::optional<std::uint32_t> flagd_builder::clock_compare(op code, double number) {
  condition c;
  c.code = clock_op(code);
  c.number = number;
  return add_condition(std::move(c));
}

std::optional<std::uint32_t> flagd_builder::compare(attribute_id id, op code, double number) {
  std::vector<std::uint32_t> kids;
  condition c;
  c.code = code;
  c.attr = id;
  c.value_kind = k_number;
  c.number = number;
  kids.push_back(add_condition(std::move(c)));
  // JSON Logic compares null (a missing attribute too) as 0, false as 0 and true as 1.
  auto equals_bool = [&](bool b) {
    condition e;
    e.code = op::equals;
    e.attr = id;
    e.value_kind = k_boolean;
    e.boolean = b;
    return add_condition(std::move(e));
  };
  if (holds(code, 0, number)) {
    condition e;
    e.code = op::exists;
    e.attr = id;
    kids.push_back(group(op::not_, {add_condition(std::move(e))}));
    kids.push_back(equals_bool(false));
  }
  if (holds(code, 1, number)) kids.push_back(equals_bool(true));
  return kids.size() == 1 ? kids.front() : group(op::any, kids);
}

std::optional<std::uint32_t> flagd_builder::ordering(const std::string& name, const json& args,
                                                     const std::string& ptr) {
  const op code = name == "<" ? op::lt : name == "<=" ? op::lte : name == ">" ? op::gt : op::gte;
  const bool between = (code == op::lt || code == op::lte) && args.is_array() && args.size() == 3;
  if (!args.is_array() || (args.size() != 2 && !between)) {
    add("rollgate.config.235", ptr,
        between || code == op::gt || code == op::gte
            ? "needs an array of two arguments"
            : "needs an array of two arguments (or three: between)");
    return std::nullopt;
  }
  auto pair = [&](std::size_t i) -> std::optional<std::uint32_t> {
    auto a = read_operand(args[i], pointer_append(ptr, i), false);
    auto b = read_operand(args[i + 1], pointer_append(ptr, i + 1), false);
    if (!a || !b) return std::nullopt;
    op c = code;
    if (a->kind == operand::literal && b->kind != operand::literal) {
      std::swap(a, b);
      c = flipped(code);
    }
    if (b->kind != operand::literal || !b->value.is_number() ||
        (a->kind == operand::literal && !a->value.is_number())) {
      add("rollgate.config.235", ptr,
          "orders an attribute against a number only (not two attributes, strings or booleans)");
      return std::nullopt;
    }
    const double n = b->value.get<double>();
    if (a->kind == operand::literal) return constant(holds(c, a->value.get<double>(), n));
    if (a->kind == operand::clock) return clock_compare(c, n);
    return compare(a->id, c, n);
  };
  if (!between) return pair(0);
  const auto low = pair(0);
  const auto high = pair(1);
  if (!low || !high) return std::nullopt;
  return group(op::all, {*low, *high});
}

std::optional<std::uint32_t> flagd_builder::membership(const json& args, const std::string& ptr) {
  if (!args.is_array() || args.size() != 2) {
    add("rollgate.config.235", ptr, "needs an array of two arguments");
    return std::nullopt;
  }
  const auto a = read_operand(args[0], pointer_append(ptr, 0), false);
  const auto b = read_operand(args[1], pointer_append(ptr, 1), true);
  if (!a || !b) return std::nullopt;
  if (a->kind == operand::literal && b->kind == operand::literal) {
    if (a->value.is_string() && b->value.is_string())
      return constant(b->value.get_ref<const std::string&>().find(
                          a->value.get_ref<const std::string&>()) != std::string::npos);
    if (b->value.is_array()) {
      bool found = false;
      for (const auto& e : b->value)
        found = found || (same_scalar_type(e, a->value) && e == a->value);
      return constant(found);
    }
  }
  if (a->kind == operand::attr && b->kind == operand::literal && b->value.is_array()) {
    condition c;
    c.code = op::in;
    c.attr = a->id;
    for (std::size_t i = 0; i < b->value.size(); ++i) {
      const json& e = b->value[i];
      if (e.is_string()) {
        c.strings.push_back(e.get<std::string>());
      } else if (e.is_number() && std::isfinite(e.get<double>())) {
        c.numbers.push_back(e.get<double>());
      } else if (e.is_boolean()) {
        c.bools |= e.get<bool>() ? 2 : 1;
      } else {
        add("rollgate.config.235", pointer_append(pointer_append(ptr, 1), i),
            std::string("`in` lists strings, numbers or booleans, got ") + json_type_name(e));
        return std::nullopt;
      }
    }
    if (c.strings.empty() && c.numbers.empty() && c.bools == 0) return constant(false);
    std::sort(c.strings.begin(), c.strings.end());
    std::sort(c.numbers.begin(), c.numbers.end());
    return add_condition(std::move(c));
  }
  if (a->kind == operand::literal && a->value.is_string() && b->kind == operand::attr) {
    condition c;  // substring of a string attribute, element of a list attribute
    c.code = op::contains;
    c.attr = b->id;
    c.value_kind = k_string;
    c.text = a->value.get<std::string>();
    return add_condition(std::move(c));
  }
  add("rollgate.config.235", ptr,
      "`in` is supported as [attribute, [constants]] or [\"text\", attribute]");
  return std::nullopt;
}

std::optional<std::uint32_t> flagd_builder::affix(const std::string& name, const json& args,
                                                  const std::string& ptr) {
  if (!args.is_array() || args.size() != 2) {
    add("rollgate.config.235", ptr, "needs an array of two arguments");
    return std::nullopt;
  }
  const auto a = read_operand(args[0], pointer_append(ptr, 0), false);
  const auto b = read_operand(args[1], pointer_append(ptr, 1), false);
  if (!a || !b) return std::nullopt;
  const bool starts = name == "starts_with";
  // flagd gives null (no match) unless both are strings: a constant that is not one never
  // matches.
  if ((a->kind == operand::literal && !a->value.is_string()) ||
      (b->kind == operand::literal && !b->value.is_string()))
    return constant(false);
  if (b->kind == operand::literal && b->value.is_string()) {
    const auto& s = b->value.get_ref<const std::string&>();
    if (a->kind == operand::literal && a->value.is_string()) {
      const auto& t = a->value.get_ref<const std::string&>();
      const bool hit =
          t.size() >= s.size() && (starts ? t.compare(0, s.size(), s) == 0
                                          : t.compare(t.size() - s.size(), s.size(), s) == 0);
      return constant(hit);
    }
    if (a->kind == operand::attr) {
      condition c;
      c.code = starts ? op::starts_with : op::ends_with;
      c.attr = a->id;
      c.value_kind = k_string;
      c.text = s;
      return add_condition(std::move(c));
    }
  }
  add("rollgate.config.235", ptr, "`" + name + "` is supported as [attribute, \"text\"]");
  return std::nullopt;
}

std::optional<std::uint32_t> flagd_builder::sem_ver(const json& args, const std::string& ptr) {
  if (!args.is_array() || args.size() != 3) {
    add("rollgate.config.238", ptr, "`sem_ver` needs [attribute, operator, version]");
    return std::nullopt;
  }
  const auto a = read_operand(args[0], pointer_append(ptr, 0), false);
  if (!a) return std::nullopt;
  if (a->kind != operand::attr) {
    add("rollgate.config.235", pointer_append(ptr, 0),
        "`sem_ver` is supported with an attribute first");
    return std::nullopt;
  }
  const json& o = args[1];
  static const char* const kOps[] = {"=", "!=", "<", "<=", ">", ">=", "^", "~"};
  int which = -1;
  for (int i = 0; i < 8; ++i) {
    if (is_text(o, kOps[i])) which = i;
  }
  const json& v = args[2];
  const auto parsed = v.is_string()
                          ? parse_semver(v.get_ref<const std::string&>(), semver_syntax::loose)
                          : std::nullopt;
  // An unknown operator or a constant that is no version: flagd gives null, which never matches
  // (flagd-testbed's "2.0.0.0" leaf relies on it).
  if (which < 0 || !parsed) return constant(false);
  auto version = [&](op code, std::uint64_t major, std::uint64_t minor, std::uint64_t patch,
                     std::string pre) {
    condition c;
    c.code = code;
    c.attr = a->id;
    c.loose_version = true;
    c.ver[0] = major;
    c.ver[1] = minor;
    c.ver[2] = patch;
    c.pre_length = static_cast<std::uint32_t>(pre.size());
    c.text = std::move(pre);
    return add_condition(std::move(c));
  };
  const auto& p = *parsed;
  const std::string pre(p.pre);
  switch (which) {
    case 0:
      return version(op::semver_eq, p.major, p.minor, p.patch, pre);
    case 1:  // a version that is not one gives null in flagd: neither equal nor unequal
      return group(op::any, {version(op::semver_lt, p.major, p.minor, p.patch, pre),
                             version(op::semver_gt, p.major, p.minor, p.patch, pre)});
    case 2:
      return version(op::semver_lt, p.major, p.minor, p.patch, pre);
    case 3:
      return version(op::semver_lte, p.major, p.minor, p.patch, pre);
    case 4:
      return version(op::semver_gt, p.major, p.minor, p.patch, pre);
    case 5:
      return version(op::semver_gte, p.major, p.minor, p.patch, pre);
    case 6:  // same major: [M.0.0-0, M+1.0.0-0)
      return group(op::all, {version(op::semver_gte, p.major, 0, 0, "0"),
                             version(op::semver_lt, p.major + 1, 0, 0, "0")});
    default:  // same major and minor: [M.m.0-0, M.m+1.0-0)
      return group(op::all, {version(op::semver_gte, p.major, p.minor, 0, "0"),
                             version(op::semver_lt, p.major, p.minor + 1, 0, "0")});
  }
}

std::optional<std::uint32_t> flagd_builder::build_operation(const std::string& name,
                                                            const json& args,
                                                            const std::string& ptr,
                                                            std::size_t depth) {
  if (name == "var") {
    const auto o = read_var(args, ptr);
    if (!o) return std::nullopt;
    if (o->kind == operand::literal) return constant(!o->value.get<std::string>().empty());
    if (o->kind == operand::clock) return clock_compare(op::gt, 0);
    condition c;
    c.code = op::truthy;
    c.attr = o->id;
    return add_condition(std::move(c));
  }
  if (name == "and" || name == "or") {
    const json list = args.is_array() ? args : json::array({args});
    if (list.empty()) {
      add("rollgate.config.235", ptr, "`" + name + "` needs at least one argument");
      return std::nullopt;
    }
    std::vector<std::uint32_t> kids;
    bool ok = true;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto c =
          build_condition(list[i], args.is_array() ? pointer_append(ptr, i) : ptr, depth + 1);
      if (c) kids.push_back(*c);
      ok = ok && c.has_value();
    }
    if (!ok) return std::nullopt;
    return group(name == "and" ? op::all : op::any, kids);
  }
  if (name == "!" || name == "!!") {
    if (args.is_array() && args.size() != 1) {
      add("rollgate.config.235", ptr, "`" + name + "` needs one argument");
      return std::nullopt;
    }
    const json& x = args.is_array() ? args[0] : args;  // {"!": x} is {"!": [x]}
    const auto c = build_condition(x, args.is_array() ? pointer_append(ptr, 0) : ptr, depth + 1);
    if (!c) return std::nullopt;
    return name == "!" ? group(op::not_, {*c}) : *c;
  }
  if (name == "==" || name == "===") return equality(args, ptr, false);
  if (name == "!=" || name == "!==") return equality(args, ptr, true);
  if (name == "<" || name == "<=" || name == ">" || name == ">=") return ordering(name, args, ptr);
  if (name == "in") return membership(args, ptr);
  if (name == "starts_with" || name == "ends_with") return affix(name, args, ptr);
  if (name == "sem_ver") return sem_ver(args, ptr);
  if (name == "if" || name == "fractional") {
    add("rollgate.config.235", ptr,
        "`" + name + "` inside a condition is not supported (only as a targeting result)");
    return std::nullopt;
  }
  if (is_json_logic_op(name)) {
    add("rollgate.config.234", ptr,
        "JSON Logic operation '" + name + "' is not supported by rollgate's flagd loader");
  } else {
    add("rollgate.config.234", ptr, "unknown JSON Logic operation '" + name + "'");
  }
  return std::nullopt;
}

std::optional<std::uint32_t> flagd_builder::build_condition(const json& v, const std::string& ptr,
                                                            std::size_t depth) {
  if (depth > kMaxFlagdDepth) {
    add("rollgate.config.239", ptr,
        "targeting nests deeper than the limit of " + std::to_string(kMaxFlagdDepth));
    return std::nullopt;
  }
  if (over_budget(ptr)) return std::nullopt;
  bool is_ref = false;
  std::string target_ptr;
  if (const json* target = deref(v, ptr, target_ptr, is_ref)) {
    const std::string name = v.begin().value().get<std::string>();
    const auto cached = ref_conditions_.find(name);
    if (cached != ref_conditions_.end()) return cached->second;
    ref_stack_.push_back(name);
    const auto c = build_condition(*target, target_ptr, depth + 1);
    ref_stack_.pop_back();
    if (c) ref_conditions_.emplace(name, *c);
    return c;
  }
  if (is_ref) return std::nullopt;
  if (v.is_array()) {
    add("rollgate.config.235", ptr, "an array is not a condition");
    return std::nullopt;
  }
  if (!v.is_object()) {  // a constant: JSON Logic truthiness
    if (v.is_boolean()) return constant(v.get<bool>());
    if (v.is_number()) return constant(v.get<double>() != 0);
    if (v.is_string()) return constant(!v.get_ref<const std::string&>().empty());
    return constant(false);
  }
  if (v.size() != 1) {
    add("rollgate.config.235", ptr,
        "a JSON Logic operation is an object with exactly one member, got " +
            std::to_string(v.size()));
    return std::nullopt;
  }
  const std::string& name = v.begin().key();
  return build_operation(name, v.begin().value(), pointer_append(ptr, name), depth);
}

}  // namespace detail
}  // namespace rollgate
