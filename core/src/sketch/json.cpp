// The quantile sketch's JSON form (type "rollgate.ddsketch", version 1): see rollgate/sketch.hpp
// and docs/statistics.md. Reading checks every field and reports every problem at once.
#include <algorithm>  // std::min
#include <cmath>      // std::floor, std::fabs
#include <cstddef>    // std::size_t, std::ptrdiff_t
#include <limits>     // std::numeric_limits
#include <string>     // std::string, std::to_string
#include <utility>    // std::move
#include <vector>     // std::vector

#include <nlohmann/json.hpp>  // JSON form

#include "detail/json_input.hpp"  // try_parse_json: bounded parsing of untrusted text
#include "rollgate/error.hpp"
#include "rollgate/sketch.hpp"
#include "sketch/limits.hpp"

namespace rollgate {
namespace {

using json = nlohmann::json;
using detail::sketch::kMaxAbsKey;
using detail::sketch::kMaxAlpha;
using detail::sketch::kMaxBuckets;
using detail::sketch::kMaxCount;
using detail::sketch::kMinAlpha;
using detail::sketch::kMinBuckets;

/// Sum of a store's counts, saturating just above kMaxCount (so hostile input cannot wrap).
std::uint64_t store_total(const quantile_sketch::store& s) {
  std::uint64_t t = 0;
  for (auto c : s.counts) t = std::min(t + std::min(c, kMaxCount + 1), kMaxCount + 1);
  return t;
}

struct json_checker {
  std::vector<problem>& problems;
  void bad(const std::string& pointer, std::string message) {
    if (problems.size() < 20)
      problems.push_back({"rollgate.stats.410", pointer, std::move(message)});
  }
  /// Non-negative integer <= limit (JSON numbers as JS sends them: integer-valued floats too).
  bool uint(const json& v, const std::string& pointer, std::uint64_t limit, std::uint64_t& out) {
    if (v.is_number_unsigned()) {
      out = v.get<std::uint64_t>();
    } else if (v.is_number_integer()) {
      bad(pointer, "must be >= 0, got " + v.dump());
      return false;
    } else if (v.is_number_float()) {
      const double d = v.get<double>();
      if (!(d >= 0 && d <= static_cast<double>(limit) && d == std::floor(d))) {
        bad(pointer, "must be an integer in [0, " + std::to_string(limit) + "], got " + v.dump());
        return false;
      }
      out = static_cast<std::uint64_t>(d);
    } else {
      bad(pointer, std::string("must be a number, got ") + detail::json_type_name(v));
      return false;
    }
    if (out > limit) {
      bad(pointer, "must be at most " + std::to_string(limit) + ", got " + v.dump());
      return false;
    }
    return true;
  }
  bool integer(const json& v, const std::string& pointer, std::int64_t lo, std::int64_t hi,
               std::int64_t& out) {
    if (v.is_number_integer()) {
      out = v.get<std::int64_t>();
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
        out = hi + 1;
    } else if (v.is_number_float() && v.get<double>() == std::floor(v.get<double>()) &&
               std::fabs(v.get<double>()) < 1e15) {
      out = static_cast<std::int64_t>(v.get<double>());
    } else {
      bad(pointer, std::string("must be an integer, got ") +
                       (v.is_number() ? v.dump() : detail::json_type_name(v)));
      return false;
    }
    if (out < lo || out > hi) {
      bad(pointer,
          "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + v.dump());
      return false;
    }
    return true;
  }
  bool number(const json& v, const std::string& pointer, double& out) {
    if (!v.is_number()) {
      bad(pointer, std::string("must be a number, got ") + detail::json_type_name(v));
      return false;
    }
    out = v.get<double>();
    return true;
  }
};

}  // namespace

std::string quantile_sketch::to_json() const {
  nlohmann::ordered_json j;
  j["type"] = "rollgate.ddsketch";
  j["version"] = 1;
  j["alpha"] = alpha_;
  j["maxBuckets"] = max_buckets_;
  j["count"] = count_;
  j["zeroCount"] = zero_count_;
  if (count_) {
    j["min"] = min_;
    j["max"] = max_;
  } else {
    j["min"] = nullptr;
    j["max"] = nullptr;
  }
  j["sum"] = sum_;
  j["collapsed"] = collapsed_;
  auto side = [](const store& s) {
    // Trim zero counts at both ends (they can remain after folding).
    std::size_t a = 0, b = s.counts.size();
    while (a < b && s.counts[a] == 0) ++a;
    while (b > a && s.counts[b - 1] == 0) --b;
    nlohmann::ordered_json o;
    o["offset"] = a < b ? s.offset + static_cast<std::int64_t>(a) : 0;
    o["counts"] = std::vector<std::uint64_t>(s.counts.begin() + static_cast<std::ptrdiff_t>(a),
                                             s.counts.begin() + static_cast<std::ptrdiff_t>(b));
    return o;
  };
  j["positive"] = side(positive_);
  j["negative"] = side(negative_);
  return j.dump();
}

std::vector<problem> quantile_sketch::try_from_json(std::string_view text,
                                                    quantile_sketch& result) {
  json doc;
  if (auto p = detail::try_parse_json(text, "sketch", doc)) return {std::move(*p)};
  std::vector<problem> problems;
  json_checker ck{problems};
  if (!doc.is_object()) {
    ck.bad("", std::string("sketch must be a JSON object, got ") + detail::json_type_name(doc));
    return problems;
  }
  static const char* const kKeys[] = {"type",  "version",   "alpha",    "maxBuckets",
                                      "count", "zeroCount", "min",      "max",
                                      "sum",   "collapsed", "positive", "negative"};
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known = false;
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known) ck.bad(detail::pointer_append("", it.key()), "unknown field");
  }
  auto need = [&](const char* key) -> const json* {
    auto it = doc.find(key);
    if (it == doc.end()) {
      ck.bad("/" + std::string(key), "missing field");
      return nullptr;
    }
    return &*it;
  };
  if (const json* t = need("type"); t && *t != "rollgate.ddsketch")
    ck.bad("/type", "must be \"rollgate.ddsketch\", got " + t->dump());
  if (const json* v = need("version"); v && *v != 1)
    ck.bad("/version", "unsupported version " + v->dump() + " (this library reads version 1)");
  double alpha = kDefaultRelativeAccuracy;
  bool alpha_ok = false;
  if (const json* a = need("alpha"); a && ck.number(*a, "/alpha", alpha)) {
    alpha_ok = alpha >= kMinAlpha && alpha <= kMaxAlpha;
    if (!alpha_ok) ck.bad("/alpha", "must be in [1e-05, 0.5], got " + a->dump());
  }
  std::int64_t max_b = static_cast<std::int64_t>(kDefaultMaxBuckets);
  bool max_b_ok = false;
  if (const json* m = need("maxBuckets"))
    max_b_ok = ck.integer(*m, "/maxBuckets", kMinBuckets, kMaxBuckets, max_b);
  std::uint64_t count = 0, zero = 0;
  bool count_ok = false, zero_ok = false;
  if (const json* c = need("count")) count_ok = ck.uint(*c, "/count", kMaxCount, count);
  if (const json* z = need("zeroCount")) zero_ok = ck.uint(*z, "/zeroCount", kMaxCount, zero);
  double mn = std::numeric_limits<double>::infinity(), mx = -mn, sum = 0;
  const json* jmin = need("min");
  const json* jmax = need("max");
  bool minmax_ok = jmin && jmax;
  if (minmax_ok && count_ok && count == 0) {
    if (!jmin->is_null()) ck.bad("/min", "must be null in an empty sketch"), minmax_ok = false;
    if (!jmax->is_null()) ck.bad("/max", "must be null in an empty sketch"), minmax_ok = false;
  } else if (minmax_ok) {
    const bool min_ok = ck.number(*jmin, "/min", mn);  // both checked: every problem reported
    const bool max_ok = ck.number(*jmax, "/max", mx);
    minmax_ok = min_ok && max_ok;
    if (minmax_ok && mn > mx)
      ck.bad("/min", "min " + jmin->dump() + " exceeds max " + jmax->dump());
  }
  if (const json* s = need("sum")) ck.number(*s, "/sum", sum);
  bool collapsed = false;
  if (const json* c = need("collapsed")) {
    if (c->is_boolean())
      collapsed = c->get<bool>();
    else
      ck.bad("/collapsed", std::string("must be a boolean, got ") + detail::json_type_name(*c));
  }
  store stores[2];
  bool stores_ok = true;
  const char* names[2] = {"positive", "negative"};
  for (int side = 0; side < 2; ++side) {
    const std::string base = std::string("/") + names[side];
    const json* s = need(names[side]);
    if (!s) {
      stores_ok = false;
      continue;
    }
    if (!s->is_object()) {
      ck.bad(base, std::string("must be an object, got ") + detail::json_type_name(*s));
      stores_ok = false;
      continue;
    }
    for (auto it = s->begin(); it != s->end(); ++it)
      if (it.key() != "offset" && it.key() != "counts")
        ck.bad(detail::pointer_append(base, it.key()), "unknown field");
    std::int64_t offset = 0;
    auto off = s->find("offset");
    if (off == s->end()) {
      ck.bad(base + "/offset", "missing field");
      stores_ok = false;
    } else if (!ck.integer(*off, base + "/offset", -kMaxAbsKey, kMaxAbsKey, offset)) {
      stores_ok = false;
      offset = 0;  // reported once; do not report the same fault again through the range check
    }
    auto counts = s->find("counts");
    if (counts == s->end()) {
      ck.bad(base + "/counts", "missing field");
      stores_ok = false;
      continue;
    }
    if (!counts->is_array()) {
      ck.bad(base + "/counts",
             std::string("must be an array, got ") + detail::json_type_name(*counts));
      stores_ok = false;
      continue;
    }
    if (max_b_ok && counts->size() > static_cast<std::size_t>(max_b)) {
      ck.bad(base + "/counts", "has " + std::to_string(counts->size()) +
                                   " buckets, more than maxBuckets " + std::to_string(max_b));
      stores_ok = false;
      continue;
    }
    if (offset + static_cast<std::int64_t>(counts->size()) > kMaxAbsKey) {
      ck.bad(base + "/counts", "bucket indexes exceed the range of finite doubles");
      stores_ok = false;
      continue;
    }
    stores[side].offset = static_cast<std::int32_t>(offset);
    stores[side].counts.resize(counts->size());
    for (std::size_t i = 0; i < counts->size(); ++i)
      if (!ck.uint((*counts)[i], detail::pointer_append(base + "/counts", i), kMaxCount,
                   stores[side].counts[i]))
        stores_ok = false;
  }
  if (stores_ok && count_ok && zero_ok) {
    const std::uint64_t total =
        std::min(store_total(stores[0]) + store_total(stores[1]) + zero, kMaxCount + 1);
    if (total != count)
      ck.bad("/count", "is " + std::to_string(count) + " but the buckets hold " +
                           std::to_string(total) + " values");
  }
  (void)minmax_ok;
  if (!problems.empty()) return problems;
  quantile_sketch out;
  (void)try_create(alpha, static_cast<std::size_t>(max_b), out);  // both checked above
  (void)alpha_ok;
  out.count_ = count;
  out.zero_count_ = zero;
  out.min_ = mn;
  out.max_ = mx;
  out.sum_ = sum;
  out.collapsed_ = collapsed;
  out.positive_ = std::move(stores[0]);
  out.negative_ = std::move(stores[1]);
  result = std::move(out);
  return problems;
}

}  // namespace rollgate
