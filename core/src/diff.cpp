#include "rollgate/diff.hpp"

#include <algorithm>      // std::reverse, std::find
#include <cmath>          // std::fabs, std::isfinite
#include <cstdint>        // std::uint64_t
#include <cstdio>         // std::snprintf
#include <map>            // std::map
#include <unordered_map>  // std::unordered_map

#include "detail/diff_text.hpp"
#include "detail/diff_walk.hpp"
#include "detail/json_input.hpp"
#include "rollgate/bucket.hpp"  // rollgate::xxh3_64
#include "rollgate/error.hpp"

namespace rollgate {

using nlohmann::json;

const char* to_string(difference_kind kind) noexcept {
  switch (kind) {
    case difference_kind::value_changed:
      return "value_changed";
    case difference_kind::type_changed:
      return "type_changed";
    case difference_kind::key_added:
      return "key_added";
    case difference_kind::key_removed:
      return "key_removed";
    case difference_kind::array_length_changed:
      return "array_length_changed";
  }
  return "value_changed";
}

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

// ---------------------------------------------------------------------------------------------
// Compiled path patterns.

struct segment {
  enum kind_t { literal, star, globstar } kind;
  std::string text;
};
using compiled_pattern = std::vector<segment>;

compiled_pattern compile(std::string_view pattern) {
  compiled_pattern out;
  if (pattern.empty()) return out;
  std::size_t start = 1;
  while (true) {
    const std::size_t end = std::min(pattern.find('/', start), pattern.size());
    const std::string_view seg = pattern.substr(start, end - start);
    if (seg == "*") {
      out.push_back({segment::star, {}});
    } else if (seg == "**") {
      out.push_back({segment::globstar, {}});
    } else {
      out.push_back({segment::literal, std::string(seg)});
    }
    if (end >= pattern.size()) break;
    start = end + 1;
  }
  return out;
}

// Splits an (escaped) JSON Pointer into its escaped segments.
void split_pointer(std::string_view path, std::vector<std::string_view>& out) {
  out.clear();
  if (path.empty()) return;
  std::size_t start = 1;
  while (true) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, end - start));
    if (end >= path.size()) break;
    start = end + 1;
  }
}

// Wildcard matching over segments with backtracking to the last "**" only: iterative, and
// O(pattern * path) in the worst case.
bool matches(const compiled_pattern& pat, const std::vector<std::string_view>& segs) {
  std::size_t p = 0, s = 0, star_p = std::string::npos, star_s = 0;
  while (s < segs.size()) {
    if (p < pat.size() && pat[p].kind == segment::globstar) {
      star_p = p++;
      star_s = s;
    } else if (p < pat.size() && (pat[p].kind == segment::star || pat[p].text == segs[s])) {
      ++p;
      ++s;
    } else if (star_p != std::string::npos) {
      p = star_p + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p].kind == segment::globstar) ++p;
  return p == pat.size();
}

struct settings {
  bool ignore = false;
  double absolute_tolerance = 0;
  double relative_tolerance = 0;
  array_mode arrays = array_mode::ordered;
  const std::string* key = nullptr;
  bool case_insensitive = false;
  bool null_equals_missing = false;
};

// ---------------------------------------------------------------------------------------------
// Comparison helpers.

enum class category { null, boolean, number, string, array, object };

category category_of(const json& v) noexcept {
  switch (v.type()) {
    case json::value_t::null:
      return category::null;
    case json::value_t::boolean:
      return category::boolean;
    case json::value_t::string:
      return category::string;
    case json::value_t::array:
      return category::array;
    case json::value_t::object:
      return category::object;
    default:
      return category::number;
  }
}

bool numbers_equal(const json& a, const json& b, const settings& s) {
  const bool tolerant = s.absolute_tolerance > 0 || s.relative_tolerance > 0;
  if (!tolerant && a.is_number_integer() && b.is_number_integer()) {
    const bool ua = a.is_number_unsigned(), ub = b.is_number_unsigned();
    if (ua == ub) {
      return ua ? a.get<std::uint64_t>() == b.get<std::uint64_t>()
                : a.get<std::int64_t>() == b.get<std::int64_t>();
    }
    const json& sgn = ua ? b : a;
    const json& uns = ua ? a : b;
    const std::int64_t sv = sgn.get<std::int64_t>();
    return sv >= 0 && static_cast<std::uint64_t>(sv) == uns.get<std::uint64_t>();
  }
  const double x = a.get<double>(), y = b.get<double>();
  if (x == y) return true;
  const double d = std::fabs(x - y);
  return d <= s.absolute_tolerance ||
         d <= s.relative_tolerance * std::max(std::fabs(x), std::fabs(y));
}

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string dump(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------------
// The walk: depth first with an explicit stack of tasks, so nesting never uses the call stack.

class walker {
 public:
  walker(const diff_options& options, diff_result& out) : options_(options), out_(out) {
    for (const auto& r : options.rules) patterns_.push_back(compile(r.pattern));
  }

  settings resolve(std::string_view path) {
    settings s;
    if (patterns_.empty()) return s;
    split_pointer(path, segments_);
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      if (!matches(patterns_[i], segments_)) continue;
      const path_rule& r = options_.rules[i];
      if (r.has_ignore) s.ignore = r.ignore;
      if (r.has_absolute_tolerance) s.absolute_tolerance = r.absolute_tolerance;
      if (r.has_relative_tolerance) s.relative_tolerance = r.relative_tolerance;
      if (r.has_arrays) {
        s.arrays = r.arrays;
        s.key = &r.key;
      }
      if (r.has_case_insensitive) s.case_insensitive = r.case_insensitive;
      if (r.has_null_equals_missing) s.null_equals_missing = r.null_equals_missing;
    }
    return s;
  }

  void emit_text(difference_kind kind, const std::string& path, const std::string& field,
                 std::string old_text, std::string new_text) {
    if (out_.differences.size() >= options_.max_differences) {
      ++out_.omitted;
      return;
    }
    difference d;
    d.path = path;
    d.field = field;
    d.kind = kind;
    d.old_value = bound(std::move(old_text), d.truncated);
    d.new_value = bound(std::move(new_text), d.truncated);
    out_.differences.push_back(std::move(d));
  }

  void emit(difference_kind kind, const std::string& path, const std::string& field, const json* a,
            const json* b) {
    if (out_.differences.size() >= options_.max_differences) {
      ++out_.omitted;  // counted without rendering the values
      return;
    }
    emit_text(kind, path, field, a ? value_text(*a) : std::string(),
              b ? value_text(*b) : std::string());
  }

  // The value's compact JSON text; a long string is cut before it is rendered (the result is
  // truncated to max_value_length anyway), so a 50 MB string costs no 50 MB dump.
  std::string value_text(const json& v) const {
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s.size() > options_.max_value_length) {
        // A prefix of more than the cap renders to text whose first max_value_length bytes are
        // those of the whole string's text; bound() then cuts it exactly as it would the whole.
        const std::size_t keep = detail::utf8_prefix_length(s, options_.max_value_length + 4);
        std::string text = dump(json(s.substr(0, keep)));
        text.pop_back();  // the closing quote: this text is unfinished
        return text;
      }
    }
    return dump(v);
  }

  void run(const json& a, const json& b, std::string path) {
    std::string field = path;
    stack_.push_back({&a, &b, std::move(path), std::move(field)});
    while (!stack_.empty()) {
      task t = std::move(stack_.back());
      stack_.pop_back();
      step(t);
    }
  }

 private:
  struct task {
    const json* a;
    const json* b;
    std::string path;
    std::string field;
  };

  std::string bound(std::string text, bool& truncated) {
    if (text.size() <= options_.max_value_length) return text;
    truncated = true;
    return dump(json(detail::truncate_text(text, options_.max_value_length)));
  }

  void step(task& t) {
    const settings s = resolve(t.path);
    if (s.ignore) return;
    if (!t.a || !t.b) {
      const json* present = t.a ? t.a : t.b;
      if (s.null_equals_missing && present->is_null()) return;
      emit(t.a ? difference_kind::key_removed : difference_kind::key_added, t.path, t.field, t.a,
           t.b);
      return;
    }
    const json& a = *t.a;
    const json& b = *t.b;
    const category ca = category_of(a);
    if (ca != category_of(b)) {
      emit(difference_kind::type_changed, t.path, t.field, &a, &b);
      return;
    }
    switch (ca) {
      case category::object:
        object_step(t);
        break;
      case category::array:
        if (s.arrays == array_mode::set) {
          set_step(t);
        } else if (s.arrays == array_mode::keyed) {
          keyed_step(t, *s.key);
        } else {
          ordered_step(t);
        }
        break;
      case category::string: {
        const auto& x = a.get_ref<const std::string&>();
        const auto& y = b.get_ref<const std::string&>();
        if (!(s.case_insensitive ? iequal(x, y) : x == y)) {
          emit(difference_kind::value_changed, t.path, t.field, &a, &b);
        }
        break;
      }
      case category::number:
        if (!numbers_equal(a, b, s)) emit(difference_kind::value_changed, t.path, t.field, &a, &b);
        break;
      default:
        if (a != b) emit(difference_kind::value_changed, t.path, t.field, &a, &b);
        break;
    }
  }

  void object_step(const task& t) {
    const auto& oa = t.a->get_ref<const json::object_t&>();
    const auto& ob = t.b->get_ref<const json::object_t&>();
    const std::size_t first = stack_.size();
    auto ia = oa.begin();
    auto ib = ob.begin();
    // Both maps are sorted by key: one merge pass pairs the members.
    while (ia != oa.end() || ib != ob.end()) {
      const json* va = nullptr;
      const json* vb = nullptr;
      const std::string* key;
      if (ib == ob.end() || (ia != oa.end() && ia->first < ib->first)) {
        key = &ia->first;
        va = &ia->second;
        ++ia;
      } else if (ia == oa.end() || ib->first < ia->first) {
        key = &ib->first;
        vb = &ib->second;
        ++ib;
      } else {
        key = &ia->first;
        va = &ia->second;
        vb = &ib->second;
        ++ia;
        ++ib;
      }
      stack_.push_back(
          {va, vb, detail::pointer_append(t.path, *key), detail::pointer_append(t.field, *key)});
    }
    std::reverse(stack_.begin() + static_cast<std::ptrdiff_t>(first), stack_.end());
  }

  void ordered_step(const task& t) {
    const auto& xa = t.a->get_ref<const json::array_t&>();
    const auto& xb = t.b->get_ref<const json::array_t&>();
    if (xa.size() != xb.size()) {
      emit_text(difference_kind::array_length_changed, t.path, t.field, std::to_string(xa.size()),
                std::to_string(xb.size()));
    }
    const std::size_t n = std::min(xa.size(), xb.size());
    const std::string field = t.field + "/*";
    for (std::size_t i = n; i-- > 0;) {
      stack_.push_back({&xa[i], &xb[i], detail::pointer_append(t.path, i), field});
    }
  }

  // Pairs exactly-equal elements (hash first, then a real equality check); reports the rest.
  // used_b marks elements of b already paired; returns, per element of a, whether it was paired.
  void pair_exact(const json::array_t& xa, const std::vector<std::size_t>& ia,
                  const json::array_t& xb, const std::vector<std::size_t>& ib,
                  std::vector<bool>& used_a, std::vector<bool>& used_b) {
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_hash;
    for (std::size_t j : ib) by_hash[xxh3_64(dump(xb[j]))].push_back(j);
    for (std::size_t i : ia) {
      auto it = by_hash.find(xxh3_64(dump(xa[i])));
      if (it == by_hash.end()) continue;
      for (std::size_t j : it->second) {
        if (!used_b[j] && xa[i] == xb[j]) {
          used_b[j] = true;
          used_a[i] = true;
          break;
        }
      }
    }
  }

  void report_unpaired(const task& t, const json::array_t& xa, const json::array_t& xb,
                       const std::vector<bool>& used_a, const std::vector<bool>& used_b) {
    const std::string field = t.field + "/*";
    for (std::size_t i = 0; i < xa.size(); ++i) {
      if (!used_a[i])
        emit(difference_kind::key_removed, detail::pointer_append(t.path, i), field, &xa[i],
             nullptr);
    }
    for (std::size_t j = 0; j < xb.size(); ++j) {
      if (!used_b[j])
        emit(difference_kind::key_added, detail::pointer_append(t.path, j), field, nullptr, &xb[j]);
    }
  }

  void set_step(const task& t) {
    const auto& xa = t.a->get_ref<const json::array_t&>();
    const auto& xb = t.b->get_ref<const json::array_t&>();
    std::vector<std::size_t> ia(xa.size()), ib(xb.size());
    for (std::size_t i = 0; i < ia.size(); ++i) ia[i] = i;
    for (std::size_t j = 0; j < ib.size(); ++j) ib[j] = j;
    std::vector<bool> used_a(xa.size()), used_b(xb.size());
    pair_exact(xa, ia, xb, ib, used_a, used_b);
    report_unpaired(t, xa, xb, used_a, used_b);
  }

  void keyed_step(const task& t, const std::string& key) {
    const auto& xa = t.a->get_ref<const json::array_t&>();
    const auto& xb = t.b->get_ref<const json::array_t&>();
    auto key_of = [&key](const json& e, std::string& out) {
      if (!e.is_object()) return false;
      auto it = e.find(key);
      if (it == e.end()) return false;
      out = dump(*it);
      return true;
    };
    // Key text -> indices in b, consumed in order so duplicate keys pair up first-with-first.
    std::unordered_map<std::string, std::vector<std::size_t>> by_key;
    std::vector<std::size_t> keyless_a, keyless_b;
    std::string k;
    for (std::size_t j = 0; j < xb.size(); ++j) {
      if (key_of(xb[j], k)) {
        by_key[k].push_back(j);
      } else {
        keyless_b.push_back(j);
      }
    }
    for (auto& entry : by_key) std::reverse(entry.second.begin(), entry.second.end());
    std::vector<bool> used_a(xa.size()), used_b(xb.size());
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t i = 0; i < xa.size(); ++i) {
      if (!key_of(xa[i], k)) {
        keyless_a.push_back(i);
        continue;
      }
      auto it = by_key.find(k);
      if (it == by_key.end() || it->second.empty()) continue;
      const std::size_t j = it->second.back();
      it->second.pop_back();
      used_a[i] = used_b[j] = true;
      pairs.emplace_back(i, j);
    }
    pair_exact(xa, keyless_a, xb, keyless_b, used_a, used_b);
    report_unpaired(t, xa, xb, used_a, used_b);
    const std::string field = t.field + "/*";
    for (auto p = pairs.rbegin(); p != pairs.rend(); ++p) {
      stack_.push_back(
          {&xa[p->first], &xb[p->second], detail::pointer_append(t.path, p->first), field});
    }
  }

  const diff_options& options_;
  diff_result& out_;
  std::vector<compiled_pattern> patterns_;
  std::vector<std::string_view> segments_;
  std::vector<task> stack_;
};

void throw_if(const std::vector<problem>& problems) {
  if (!problems.empty()) throw error(problems);
}

bool mentions_json(std::string_view content_type) {
  return lower(content_type).find("json") != std::string::npos;
}

std::string header_value(const response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (iequal(n, name)) return v;
  }
  return {};
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& n : names) {
    if (iequal(n, name)) return true;
  }
  return false;
}

json headers_object(const response& r, const diff_options& o) {
  json out = json::object();
  for (const auto& [name, value] : r.headers) {
    const std::string key = lower(name);
    if (listed(o.ignore_headers, key)) continue;
    if (!o.compare_headers.empty() && !listed(o.compare_headers, key)) continue;
    auto it = out.find(key);
    if (it == out.end()) {
      out[key] = value;
    } else {
      // Repeated headers compare as their comma-joined values (RFC 9110, 5.3).
      it->get_ref<std::string&>() += ", " + value;
    }
  }
  return out;
}

std::string body_descriptor(const std::string& body) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(xxh3_64(body)));
  return "{\"length\":" + std::to_string(body.size()) + ",\"xxh3_64\":\"" + hex + "\"}";
}

bool parse_body(const response& r, json& out) {
  if (!mentions_json(r.content_type.empty() ? header_value(r, "content-type") : r.content_type)) {
    return false;
  }
  try {
    out = detail::parse_json(r.body, "body");
    return true;
  } catch (const error&) {
    return false;  // compared by bytes instead; see diff_responses' contract
  }
}

}  // namespace

void validate_diff_options(const diff_options& options) {
  throw_if(options_problems(options));
}

diff_options parse_diff_options(std::string_view json_text) {
  const json doc = detail::parse_json(json_text, "diff options");
  std::vector<problem> problems;
  diff_options o;
  if (!doc.is_object()) {
    throw error("rollgate.diff.702", "",
                std::string("diff options must be an object, not ") + detail::json_type_name(doc));
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
  throw_if(unique);
  return o;
}

diff_result diff_json(std::string_view old_json, std::string_view new_json,
                      const diff_options& options) {
  validate_diff_options(options);
  // Parse both before comparing so that both documents' problems are reported together.
  std::vector<problem> problems;
  json a, b;
  try {
    a = detail::parse_json(old_json, "old document");
  } catch (const error& e) {
    problems.insert(problems.end(), e.problems().begin(), e.problems().end());
  }
  try {
    b = detail::parse_json(new_json, "new document");
  } catch (const error& e) {
    problems.insert(problems.end(), e.problems().begin(), e.problems().end());
  }
  throw_if(problems);
  return detail::diff_values(a, b, options);
}

diff_result detail::diff_values(const json& old_value, const json& new_value,
                                const diff_options& options) {
  diff_result out;
  walker(options, out).run(old_value, new_value, "");
  return out;
}

diff_result diff_responses(const response& old_response, const response& new_response,
                           const diff_options& options) {
  validate_diff_options(options);
  diff_result out;
  walker w(options, out);
  w.run(json(old_response.status), json(new_response.status), "/status");
  const std::string ct_a = old_response.content_type.empty()
                               ? header_value(old_response, "content-type")
                               : old_response.content_type;
  const std::string ct_b = new_response.content_type.empty()
                               ? header_value(new_response, "content-type")
                               : new_response.content_type;
  w.run(json(ct_a), json(ct_b), "/contentType");
  w.run(headers_object(old_response, options), headers_object(new_response, options), "/headers");
  json ja, jb;
  if (parse_body(old_response, ja) && parse_body(new_response, jb)) {
    w.run(ja, jb, "/body");
  } else if (old_response.body != new_response.body && !w.resolve("/body").ignore) {
    w.emit_text(difference_kind::value_changed, "/body", "/body",
                body_descriptor(old_response.body), body_descriptor(new_response.body));
  }
  return out;
}

std::string diff_result_to_json(const diff_result& result) {
  std::string out = "{\"equal\":";
  out += result.equal() ? "true" : "false";
  out += ",\"differences\":[";
  for (std::size_t i = 0; i < result.differences.size(); ++i) {
    const difference& d = result.differences[i];
    if (i) out += ',';
    out += "{\"path\":" + dump(json(d.path)) + ",\"field\":" + dump(json(d.field)) +
           ",\"kind\":\"" + to_string(d.kind) + "\"";
    if (!d.old_value.empty()) out += ",\"old\":" + d.old_value;
    if (!d.new_value.empty()) out += ",\"new\":" + d.new_value;
    if (d.truncated) out += ",\"truncated\":true";
    out += '}';
  }
  out += "],\"omitted\":" + std::to_string(result.omitted) + "}";
  return out;
}

}  // namespace rollgate
