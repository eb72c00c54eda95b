// The structural diff of two JSON documents: see rollgate/diff.hpp and docs/diff.md. The walk
// (walker.hpp) is shared with diff_responses (responses.cpp).
#include "diff/walker.hpp"

#include <algorithm>      // std::reverse, std::min, std::max
#include <cmath>          // std::fabs
#include <cstdint>        // std::uint64_t, std::int64_t
#include <unordered_map>  // std::unordered_map
#include <utility>        // std::move, std::pair

#include "detail/diff_text.hpp"   // utf8_prefix_length, truncate_text
#include "detail/diff_walk.hpp"   // diff_values
#include "detail/json_input.hpp"  // try_parse_json, pointer_append
#include "diff/strings.hpp"
#include "rollgate/bucket.hpp"  // rollgate::xxh3_64
#include "rollgate/error.hpp"

namespace rollgate {
namespace detail::diff {
namespace {

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

}  // namespace

walker::walker(const diff_options& options, diff_result& out) : options_(options), out_(out) {
  for (const auto& r : options.rules) patterns_.push_back(compile(r.pattern));
}

settings walker::resolve(std::string_view path) {
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

void walker::emit_text(difference_kind kind, const std::string& path, const std::string& field,
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

void walker::emit(difference_kind kind, const std::string& path, const std::string& field,
                  const json* a, const json* b) {
  if (out_.differences.size() >= options_.max_differences) {
    ++out_.omitted;  // counted without rendering the values
    return;
  }
  emit_text(kind, path, field, a ? value_text(*a) : std::string(),
            b ? value_text(*b) : std::string());
}

// The value's compact JSON text; a long string is cut before it is rendered (the result is
// truncated to max_value_length anyway), so a 50 MB string costs no 50 MB dump.
std::string walker::value_text(const json& v) const {
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

void walker::run(const json& a, const json& b, std::string path) {
  std::string field = path;
  stack_.push_back({&a, &b, std::move(path), std::move(field)});
  while (!stack_.empty()) {
    task t = std::move(stack_.back());
    stack_.pop_back();
    step(t);
  }
}

std::string walker::bound(std::string text, bool& truncated) {
  if (text.size() <= options_.max_value_length) return text;
  truncated = true;
  return dump(json(detail::truncate_text(text, options_.max_value_length)));
}

void walker::step(task& t) {
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

void walker::object_step(const task& t) {
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

void walker::ordered_step(const task& t) {
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
void walker::pair_exact(const json::array_t& xa, const std::vector<std::size_t>& ia,
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

void walker::report_unpaired(const task& t, const json::array_t& xa, const json::array_t& xb,
                             const std::vector<bool>& used_a, const std::vector<bool>& used_b) {
  const std::string field = t.field + "/*";
  for (std::size_t i = 0; i < xa.size(); ++i) {
    if (!used_a[i])
      emit(difference_kind::key_removed, detail::pointer_append(t.path, i), field, &xa[i], nullptr);
  }
  for (std::size_t j = 0; j < xb.size(); ++j) {
    if (!used_b[j])
      emit(difference_kind::key_added, detail::pointer_append(t.path, j), field, nullptr, &xb[j]);
  }
}

void walker::set_step(const task& t) {
  const auto& xa = t.a->get_ref<const json::array_t&>();
  const auto& xb = t.b->get_ref<const json::array_t&>();
  std::vector<std::size_t> ia(xa.size()), ib(xb.size());
  for (std::size_t i = 0; i < ia.size(); ++i) ia[i] = i;
  for (std::size_t j = 0; j < ib.size(); ++j) ib[j] = j;
  std::vector<bool> used_a(xa.size()), used_b(xb.size());
  pair_exact(xa, ia, xb, ib, used_a, used_b);
  report_unpaired(t, xa, xb, used_a, used_b);
}

void walker::keyed_step(const task& t, const std::string& key) {
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

}  // namespace detail::diff

using nlohmann::json;

std::vector<problem> try_diff_json(std::string_view old_json, std::string_view new_json,
                                   const diff_options& options, diff_result& out) {
  std::vector<problem> problems = try_validate_diff_options(options);
  if (!problems.empty()) return problems;
  // Parse both before comparing so that both documents' problems are reported together.
  json a, b;
  if (auto p = detail::try_parse_json(old_json, "old document", a)) problems.push_back(*p);
  if (auto p = detail::try_parse_json(new_json, "new document", b)) problems.push_back(*p);
  if (problems.empty()) out = detail::diff_values(a, b, options);
  return problems;
}

diff_result detail::diff_values(const json& old_value, const json& new_value,
                                const diff_options& options) {
  diff_result out;
  detail::diff::walker(options, out).run(old_value, new_value, "");
  return out;
}

}  // namespace rollgate
