// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Compiling a flag configuration, part 2b: the operators of issue 18 (matches, exists, isNull,
// inCidr, the array operators) and the condition options `ignoreCase` and `versionSyntax`.
// Operands are checked here once, so evaluation (match_targeting.cpp) never meets a bad pattern
// or range: a bad regex is rollgate.config.221, a bad CIDR range rollgate.config.222, each at
// the operand's pointer.
#include <algorithm>  // std::sort, std::unique
#include <cmath>      // std::floor
#include <utility>    // std::move

#include "flags/builder.hpp"
#include "flags/fold.hpp"  // fold_less

namespace rollgate {
namespace detail {
namespace {

bool takes_ignore_case(op code) noexcept {
  switch (code) {
    case op::equals:
    case op::not_equals:
    case op::in:
    case op::not_in:
    case op::contains:
    case op::starts_with:
    case op::ends_with:
    case op::matches:
    case op::contains_any:
    case op::contains_all:
      return true;
    default:
      return false;
  }
}

bool is_semver(op code) noexcept {
  return code >= op::semver_eq && code <= op::semver_gte;
}

}  // namespace

bool is_targeting_op(op code) noexcept {
  return code >= op::matches;
}

void builder::build_options(const json& value, const std::string& ptr, const std::string& op_text,
                            condition& c) {
  if (const json* ic = member(value, "ignoreCase")) {
    const std::string p = pointer_append(ptr, "ignoreCase");
    if (!ic->is_boolean()) {
      add("rollgate.config.201", p, std::string("expected a boolean, got ") + json_type_name(*ic));
    } else if (!takes_ignore_case(c.code)) {
      add("rollgate.config.212", p, "operator '" + op_text + "' has no 'ignoreCase' option");
    } else {
      c.ignore_case = ic->get<bool>();
    }
  }
  if (const json* vs = member(value, "versionSyntax")) {
    const std::string p = pointer_append(ptr, "versionSyntax");
    if (!is_semver(c.code)) {
      add("rollgate.config.212", p, "operator '" + op_text + "' has no 'versionSyntax' option");
    } else if (!vs->is_string() || (*vs != "strict" && *vs != "loose")) {
      add("rollgate.config.212", p, "versionSyntax is \"strict\" or \"loose\", got " + vs->dump());
    } else {
      c.loose_version = *vs == "loose";
    }
  }
}

const json* builder::string_values(const json& value, const std::string& ptr,
                                   const std::string& op_text, condition& c) {
  const json* values = array_member(value, ptr, "values", true);
  if (values == nullptr) return nullptr;
  const std::string vptr = pointer_append(ptr, "values");
  bool ok = true;
  for (std::size_t i = 0; i < values->size(); ++i) {
    const json& v = (*values)[i];
    if (!v.is_string()) {
      add("rollgate.config.212", pointer_append(vptr, i),
          "operator '" + op_text + "' takes strings, got " + json_type_name(v));
      ok = false;
    } else {
      c.strings.push_back(v.get<std::string>());
    }
  }
  return ok ? values : nullptr;
}

bool builder::build_targeting(const json& value, const std::string& ptr, const std::string& op_text,
                              condition& c) {
  const bool has_value = value.contains("value");
  const bool has_values = value.contains("values");
  const std::string vptr = pointer_append(ptr, "value");
  const auto refuse = [&](const char* name, const char* what) {
    add("rollgate.config.212", pointer_append(ptr, name), "operator '" + op_text + "' " + what);
    return false;
  };
  switch (c.code) {
    case op::exists:
    case op::is_null:
      if (has_value) return refuse("value", "takes no operand");
      if (has_values) return refuse("values", "takes no operand");
      return true;
    case op::matches: {
      if (has_values) return refuse("values", "takes one 'value' (a pattern), not 'values'");
      const json* v = member(value, "value");
      if (v == nullptr) {
        add("rollgate.config.201", ptr, "missing required member 'value'");
        return false;
      }
      if (!v->is_string()) {
        add("rollgate.config.212", vptr,
            "operator 'matches' needs a string pattern, got " + std::string(json_type_name(*v)));
        return false;
      }
      regex_options options;
      options.case_insensitive = c.ignore_case;
      regex_error error;
      auto compiled = regex::compile(v->get_ref<const std::string&>(), options, &error);
      if (!compiled) {
        add("rollgate.config.221", vptr,
            "invalid regular expression at byte " + std::to_string(error.offset) + ": " +
                error.message);
        return false;
      }
      c.text = v->get<std::string>();
      c.regex = static_cast<std::uint32_t>(out.regexes.size());
      out.max_regex_program = std::max(out.max_regex_program, compiled->program_size());
      out.regexes.push_back(std::move(*compiled));
      return true;
    }
    case op::in_cidr: {
      if (has_value) return refuse("value", "takes 'values' (an array of ranges), not 'value'");
      const json* values = string_values(value, ptr, op_text, c);
      if (values == nullptr) return false;
      bool ok = true;
      for (std::size_t i = 0; i < c.strings.size(); ++i) {
        const auto range = parse_ip_range(c.strings[i]);
        if (!range) {
          add("rollgate.config.222", pointer_append(pointer_append(ptr, "values"), i),
              "'" + c.strings[i] +
                  "' is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, "
                  "2001:db8::/32)");
          ok = false;
        } else {
          c.ranges.push_back(*range);
        }
      }
      c.strings.clear();
      return ok;
    }
    case op::size_eq:
    case op::size_lt:
    case op::size_lte:
    case op::size_gt:
    case op::size_gte: {
      if (has_values) return refuse("values", "takes one 'value' (a count), not 'values'");
      const json* v = member(value, "value");
      if (v == nullptr) {
        add("rollgate.config.201", ptr, "missing required member 'value'");
        return false;
      }
      double d = -1;
      if (!v->is_number() || !finite_number(*v, vptr, d) || d < 0 || std::floor(d) != d ||
          d > 9.0e15) {
        add("rollgate.config.212", vptr,
            "operator '" + op_text + "' needs a non-negative integer, got " + v->dump());
        return false;
      }
      c.value_kind = k_number;
      c.number = d;
      return true;
    }
    case op::contains_any:
    case op::contains_all: {
      if (has_value) return refuse("value", "takes 'values' (an array of strings), not 'value'");
      if (string_values(value, ptr, op_text, c) == nullptr) return false;
      if (c.ignore_case) {
        std::sort(c.strings.begin(), c.strings.end(), fold_less);
        c.strings.erase(std::unique(c.strings.begin(), c.strings.end(),
                                    [](const std::string& a, const std::string& b) {
                                      return !fold_less(a, b) && !fold_less(b, a);
                                    }),
                        c.strings.end());
      } else {
        std::sort(c.strings.begin(), c.strings.end());
        c.strings.erase(std::unique(c.strings.begin(), c.strings.end()), c.strings.end());
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace detail
}  // namespace rollgate
