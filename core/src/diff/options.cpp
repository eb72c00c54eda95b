// Diff options: parsing from JSON and validation of options built in code (one set of checks
// for both). See rollgate/diff.hpp and docs/diff.md ("Options"). Nothing here throws
// (diff/throwing.cpp has the throwing API).
#include <algorithm>         // std::min
#include <cmath>             // std::isfinite
#include <initializer_list>  // std::initializer_list
#include <string>            // std::string, std::to_string
#include <utility>           // std::move
#include <vector>            // std::vector

#include "detail/diff_text.hpp"   // pattern_problem
#include "detail/json_input.hpp"  // try_parse_json, pointer_append, json_type_name
#include "rollgate/diff.hpp"
#include "rollgate/error.hpp"

namespace rollgate {

using nlohmann::json;

namespace detail {

std::string pattern_problem(std::string_view pattern) {
  if (pattern.empty()) return {};
  if (pattern.front() != '/') {
    return "pattern \"" + std::string(pattern) + "\" must be empty or start with \"/\"";
  }
  std::size_t start = 1;
  while (true) {
    const std::size_t end = std::min(pattern.find('/', start), pattern.size());
    const std::string_view seg = pattern.substr(start, end - start);
    if (seg != "*" && seg != "**" && seg.find('*') != std::string_view::npos) {
      return "segment \"" + std::string(seg) +
             "\" mixes \"*\" with other characters; a wildcard must be a whole segment (\"*\" or "
             "\"**\")";
    }
    for (std::size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] == '~' && (i + 1 >= seg.size() || (seg[i + 1] != '0' && seg[i + 1] != '1'))) {
        return "segment \"" + std::string(seg) +
               "\" has \"~\" not followed by 0 or 1 (RFC 6901 escapes)";
      }
    }
    if (end >= pattern.size()) break;
    start = end + 1;
  }
  return {};
}

}  // namespace detail

namespace {

constexpr std::size_t kMaxDifferencesLimit = 1000000;
constexpr std::size_t kMinValueLength = 16;
constexpr std::size_t kMaxValueLength = std::size_t{16} << 20;

// ---------------------------------------------------------------------------------------------
// Options: validation shared by the JSON parser and by options built in code.

void check_rule(const path_rule& r, const std::string& at, std::vector<problem>& problems) {
  const std::string why = detail::pattern_problem(r.pattern);
  if (!why.empty()) problems.push_back({"rollgate.diff.704", at + "/path", why});
  auto check_tolerance = [&](bool has, double v, const char* name) {
    if (has && (!std::isfinite(v) || v < 0)) {
      problems.push_back({"rollgate.diff.703", at + "/" + name,
                          std::string(name) + " must be a finite number >= 0"});
    }
  };
  check_tolerance(r.has_absolute_tolerance, r.absolute_tolerance, "absoluteTolerance");
  check_tolerance(r.has_relative_tolerance, r.relative_tolerance, "relativeTolerance");
  if (r.has_arrays && r.arrays == array_mode::keyed && r.key.empty()) {
    problems.push_back(
        {"rollgate.diff.705", at,
         "arrays \"keyed\" needs member \"key\" (the member that identifies elements)"});
  }
  if (!r.key.empty() && !(r.has_arrays && r.arrays == array_mode::keyed)) {
    problems.push_back(
        {"rollgate.diff.703", at + "/key", "key is only used with arrays \"keyed\""});
  }
  if (!r.has_ignore && !r.has_absolute_tolerance && !r.has_relative_tolerance && !r.has_arrays &&
      !r.has_case_insensitive && !r.has_null_equals_missing) {
    problems.push_back({"rollgate.diff.705", at,
                        "rule sets nothing: give at least one of ignore, absoluteTolerance, "
                        "relativeTolerance, arrays, caseInsensitive, nullEqualsMissing"});
  }
}

void check_limits(const diff_options& o, std::vector<problem>& problems) {
  if (o.max_differences < 1 || o.max_differences > kMaxDifferencesLimit) {
    problems.push_back(
        {"rollgate.diff.703", "/maxDifferences",
         "maxDifferences must be between 1 and 1000000, not " + std::to_string(o.max_differences)});
  }
  if (o.max_value_length < kMinValueLength || o.max_value_length > kMaxValueLength) {
    problems.push_back({"rollgate.diff.703", "/maxValueLength",
                        "maxValueLength must be between 16 and 16777216, not " +
                            std::to_string(o.max_value_length)});
  }
}

std::vector<problem> options_problems(const diff_options& o) {
  std::vector<problem> problems;
  check_limits(o, problems);
  for (std::size_t i = 0; i < o.rules.size(); ++i) {
    check_rule(o.rules[i], "/paths/" + std::to_string(i), problems);
  }
  return problems;
}

std::string quoted_list(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Reads an unsigned integer member; records 702/703 problems.
bool read_size(const json& v, const std::string& at, const char* name, std::size_t& out,
               std::vector<problem>& problems) {
  if (!v.is_number_integer()) {
    problems.push_back({"rollgate.diff.702", at,
                        std::string(name) + " must be an integer, not " +
                            (v.is_number() ? "a fraction" : detail::json_type_name(v))});
    return false;
  }
  if (v.is_number_unsigned() || v.get<std::int64_t>() >= 0) {
    out = static_cast<std::size_t>(v.get<std::uint64_t>());
    return true;
  }
  problems.push_back(
      {"rollgate.diff.703", at, std::string(name) + " must be >= 0, not " + v.dump()});
  return false;
}

void read_string_list(const json& v, const std::string& at, std::vector<std::string>& out,
                      std::vector<problem>& problems) {
  if (!v.is_array()) {
    problems.push_back(
        {"rollgate.diff.702", at,
         std::string("must be an array of strings, not ") + detail::json_type_name(v)});
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      problems.push_back({"rollgate.diff.702", detail::pointer_append(at, i),
                          std::string("must be a string, not ") + detail::json_type_name(v[i])});
    } else {
      out.push_back(v[i].get<std::string>());
    }
  }
}

path_rule read_rule(const json& v, const std::string& at, std::vector<problem>& problems) {
  path_rule r;
  if (!v.is_object()) {
    problems.push_back(
        {"rollgate.diff.702", at,
         std::string("a path rule must be an object, not ") + detail::json_type_name(v)});
    return r;
  }
  bool has_path = false;
  bool rule_ok = true;
  for (const auto& item : v.items()) {
    // Named references rather than structured bindings: C++17 (and clang 14, which builds the
    // WASM and fuzz targets) does not let lambdas capture structured bindings.
    const std::string& name = item.key();
    const json& value = item.value();
    const std::string here = detail::pointer_append(at, name);
    auto want_bool = [&](bool& has, bool& out) {
      if (!value.is_boolean()) {
        problems.push_back({"rollgate.diff.702", here,
                            name + " must be a boolean, not " + detail::json_type_name(value)});
        rule_ok = false;
        return;
      }
      has = true;
      out = value.get<bool>();
    };
    auto want_number = [&](bool& has, double& out) {
      if (!value.is_number()) {
        problems.push_back({"rollgate.diff.702", here,
                            name + " must be a number, not " + detail::json_type_name(value)});
        rule_ok = false;
        return;
      }
      has = true;
      out = value.get<double>();
    };
    if (name == "path") {
      if (!value.is_string()) {
        problems.push_back(
            {"rollgate.diff.702", here,
             std::string("path must be a string, not ") + detail::json_type_name(value)});
        rule_ok = false;
      } else {
        r.pattern = value.get<std::string>();
      }
      has_path = true;
    } else if (name == "ignore") {
      want_bool(r.has_ignore, r.ignore);
    } else if (name == "absoluteTolerance") {
      want_number(r.has_absolute_tolerance, r.absolute_tolerance);
    } else if (name == "relativeTolerance") {
      want_number(r.has_relative_tolerance, r.relative_tolerance);
    } else if (name == "caseInsensitive") {
      want_bool(r.has_case_insensitive, r.case_insensitive);
    } else if (name == "nullEqualsMissing") {
      want_bool(r.has_null_equals_missing, r.null_equals_missing);
    } else if (name == "arrays") {
      const std::string mode = value.is_string() ? value.get<std::string>() : "";
      if (!value.is_string()) {
        problems.push_back(
            {"rollgate.diff.702", here,
             std::string("arrays must be a string, not ") + detail::json_type_name(value)});
        rule_ok = false;
      } else if (mode == "ordered" || mode == "set" || mode == "keyed") {
        r.has_arrays = true;
        r.arrays = mode == "ordered" ? array_mode::ordered
                                     : (mode == "set" ? array_mode::set : array_mode::keyed);
      } else {
        problems.push_back(
            {"rollgate.diff.703", here,
             "unknown array mode \"" + mode + "\" (expected ordered, set or keyed)"});
        rule_ok = false;
      }
    } else if (name == "key") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        problems.push_back({"rollgate.diff.702", here, "key must be a non-empty string"});
        rule_ok = false;
      } else {
        r.key = value.get<std::string>();
      }
    } else {
      problems.push_back(
          {"rollgate.diff.701", here,
           "unknown member \"" + name + "\" (expected one of: " +
               quoted_list({"path", "ignore", "absoluteTolerance", "relativeTolerance", "arrays",
                            "key", "caseInsensitive", "nullEqualsMissing"}) +
               ")"});
    }
  }
  if (!has_path) {
    problems.push_back({"rollgate.diff.705", at, "missing member \"path\""});
    return r;
  }
  // Semantic checks only on rules whose members all had the right types, so that one mistake
  // is reported once.
  if (rule_ok) check_rule(r, at, problems);
  return r;
}

}  // namespace

std::vector<problem> try_validate_diff_options(const diff_options& options) {
  return options_problems(options);
}

std::vector<problem> try_parse_diff_options(std::string_view json_text, diff_options& out) {
  json doc;
  if (auto p = detail::try_parse_json(json_text, "diff options", doc)) return {std::move(*p)};
  std::vector<problem> problems;
  diff_options o;
  if (!doc.is_object()) {
    return {{"rollgate.diff.702", "",
             std::string("diff options must be an object, not ") + detail::json_type_name(doc)}};
  }
  for (const auto& [name, value] : doc.items()) {
    const std::string at = detail::pointer_append("", name);
    if (name == "maxDifferences") {
      read_size(value, at, "maxDifferences", o.max_differences, problems);
    } else if (name == "maxValueLength") {
      read_size(value, at, "maxValueLength", o.max_value_length, problems);
    } else if (name == "paths") {
      if (!value.is_array()) {
        problems.push_back(
            {"rollgate.diff.702", at,
             std::string("paths must be an array of rules, not ") + detail::json_type_name(value)});
        continue;
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        o.rules.push_back(read_rule(value[i], detail::pointer_append(at, i), problems));
      }
    } else if (name == "headers") {
      if (!value.is_object()) {
        problems.push_back(
            {"rollgate.diff.702", at,
             std::string("headers must be an object, not ") + detail::json_type_name(value)});
        continue;
      }
      for (const auto& [hname, hvalue] : value.items()) {
        const std::string hat = detail::pointer_append(at, hname);
        if (hname == "ignore") {
          read_string_list(hvalue, hat, o.ignore_headers, problems);
        } else if (hname == "only") {
          read_string_list(hvalue, hat, o.compare_headers, problems);
        } else {
          problems.push_back({"rollgate.diff.701", hat,
                              "unknown member \"" + hname + "\" (expected one of: ignore, only)"});
        }
      }
    } else {
      problems.push_back(
          {"rollgate.diff.701", at,
           "unknown member \"" + name + "\" (expected one of: " +
               quoted_list({"maxDifferences", "maxValueLength", "headers", "paths"}) + ")"});
    }
  }
  check_limits(o, problems);
  // check_limits may repeat a 702'd member with its default value: keep one problem per pointer.
  std::vector<problem> unique;
  for (auto& p : problems) {
    bool seen = false;
    for (const auto& u : unique) seen = seen || u.pointer == p.pointer;
    if (!seen) unique.push_back(std::move(p));
  }
  if (unique.empty()) out = std::move(o);
  return unique;
}

}  // namespace rollgate
