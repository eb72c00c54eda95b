// The mismatch report without exceptions: every rejection is a problem returned by a try_
// function (mismatch_report_throwing.cpp throws them), and judge() with its statistics is
// mismatch_report_judge.cpp, so a build without exceptions or Boost (the wasm32-wasi Fastly
// service) compiles this file alone.
#include "rollgate/mismatch_report.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::exp, std::sqrt, std::erfc, std::isfinite
#include <set>        // std::set
#include <tuple>      // std::tie
#include <utility>    // std::move

#include "detail/diff_text.hpp"
#include "detail/json_input.hpp"  // try_parse_json
#include "rollgate/bucket.hpp"    // rollgate::xxh3_64 orders the kept examples
#include "rollgate/error.hpp"

namespace rollgate {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "rollgate.mismatch_report";

std::vector<problem> limit_problems(const report_limits& l, const std::string& at) {
  std::vector<problem> p;
  if (l.max_paths < 1 || l.max_paths > 100000) {
    p.push_back({"rollgate.diff.703", at + "/maxPaths",
                 "maxPaths must be between 1 and 100000, not " + std::to_string(l.max_paths)});
  }
  if (l.max_examples > 100) {
    p.push_back({"rollgate.diff.703", at + "/maxExamples",
                 "maxExamples must be between 0 and 100, not " + std::to_string(l.max_examples)});
  }
  if (l.max_example_length < 16 || l.max_example_length > 65536) {
    p.push_back({"rollgate.diff.703", at + "/maxExampleLength",
                 "maxExampleLength must be between 16 and 65536, not " +
                     std::to_string(l.max_example_length)});
  }
  return p;
}

std::uint64_t example_hash(const mismatch_example& e) {
  // Length-prefixed so that ("ab", "c") and ("a", "bc") hash differently.
  return xxh3_64(std::to_string(e.old_value.size()) + ":" + e.old_value + e.new_value);
}

bool example_less(const mismatch_example& a, std::uint64_t ha, const mismatch_example& b,
                  std::uint64_t hb) {
  return std::tie(ha, a.old_value, a.new_value) < std::tie(hb, b.old_value, b.new_value);
}

// --- from_json reading helpers: every problem is recorded, none thrown early. ---
struct reader {
  std::vector<problem> problems;

  bool u64(const json& obj, const std::string& at, const char* name, std::uint64_t& out,
           bool required) {
    auto it = obj.find(name);
    const std::string here = detail::pointer_append(at, name);
    if (it == obj.end()) {
      if (required)
        problems.push_back(
            {"rollgate.diff.705", at, std::string("missing member \"") + name + "\""});
      return false;
    }
    if (it->is_number_unsigned()) {
      out = it->get<std::uint64_t>();
      return true;
    }
    if (it->is_number_integer()) {
      problems.push_back(
          {"rollgate.diff.703", here, std::string(name) + " must be >= 0, not " + it->dump()});
    } else {
      problems.push_back({"rollgate.diff.702", here,
                          std::string(name) + " must be an integer, not " +
                              (it->is_number() ? "a fraction" : detail::json_type_name(*it))});
    }
    return false;
  }

  void unknown(const json& obj, const std::string& at, std::initializer_list<const char*> known) {
    for (const auto& [name, value] : obj.items()) {
      bool ok = false;
      for (const char* k : known) ok = ok || name == k;
      if (ok) continue;
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      problems.push_back({"rollgate.diff.701", detail::pointer_append(at, name),
                          "unknown member \"" + name + "\" (expected one of: " + list + ")"});
    }
  }

  const json* object(const json& obj, const std::string& at, const char* name, bool required) {
    auto it = obj.find(name);
    if (it == obj.end()) {
      if (required)
        problems.push_back(
            {"rollgate.diff.705", at, std::string("missing member \"") + name + "\""});
      return nullptr;
    }
    if (!it->is_object()) {
      problems.push_back(
          {"rollgate.diff.702", detail::pointer_append(at, name),
           std::string(name) + " must be an object, not " + detail::json_type_name(*it)});
      return nullptr;
    }
    return &*it;
  }
};

}  // namespace

mismatch_report::mismatch_report() = default;

std::vector<problem> mismatch_report::try_create(report_limits limits, mismatch_report& out) {
  std::vector<problem> p = limit_problems(limits, "/limits");
  if (p.empty()) {
    out = mismatch_report();
    out.limits_ = limits;
  }
  return p;
}

field_counts* mismatch_report::slot(const std::string& field, std::uint64_t differed,
                                    std::uint64_t noise_differed) {
  auto it = fields_.find(field);
  if (it == fields_.end()) {
    if (fields_.size() >= limits_.max_paths) {
      auto last = std::prev(fields_.end());
      if (!(field < last->first)) {
        other_differed_ += differed;
        other_noise_differed_ += noise_differed;
        return nullptr;
      }
      // Keep the max_paths smallest fields: that rule does not depend on arrival order, which is
      // what makes merge(a, b) equal to one report fed both streams.
      other_differed_ += last->second.differed;
      other_noise_differed_ += last->second.noise_differed;
      fields_.erase(last);
    }
    it = fields_.emplace(field, field_counts{}).first;
  }
  it->second.differed += differed;
  it->second.noise_differed += noise_differed;
  return &it->second;
}

void mismatch_report::add_example(field_counts& f, mismatch_example e) {
  if (limits_.max_examples == 0) return;
  e.old_value = detail::truncate_text(e.old_value, limits_.max_example_length);
  e.new_value = detail::truncate_text(e.new_value, limits_.max_example_length);
  const std::uint64_t h = example_hash(e);
  std::size_t pos = 0;
  for (; pos < f.examples.size(); ++pos) {
    const auto& x = f.examples[pos];
    if (x.old_value == e.old_value && x.new_value == e.new_value) return;  // already kept
    if (example_less(e, h, x, example_hash(x))) break;
  }
  if (pos >= limits_.max_examples) return;
  f.examples.insert(f.examples.begin() + static_cast<std::ptrdiff_t>(pos), std::move(e));
  if (f.examples.size() > limits_.max_examples) f.examples.pop_back();
}

void mismatch_report::count(const diff_result& r, bool noise) {
  ++(noise ? noise_comparisons_ : comparisons_);
  if (r.omitted > 0) ++truncated_;
  // A comparison counts once per field, however many elements of an array differed in it.
  std::set<std::string> seen;
  for (const auto& d : r.differences) {
    const bool first = seen.insert(d.field).second;
    if (first) {
      field_counts* f = slot(d.field, noise ? 0 : 1, noise ? 1 : 0);
      if (f && !noise) add_example(*f, {d.old_value, d.new_value});
    } else if (!noise) {
      auto it = fields_.find(d.field);
      if (it != fields_.end()) add_example(it->second, {d.old_value, d.new_value});
    }
  }
}

void mismatch_report::add_comparison(const diff_result& r) {
  count(r, false);
}
void mismatch_report::add_noise(const diff_result& r) {
  count(r, true);
}

void mismatch_report::add_verdict(bool equal, bool noise) {
  diff_result r;
  if (!equal)
    r.differences.push_back(difference{"", "", difference_kind::value_changed, "", "", false});
  count(r, noise);
}

std::vector<problem> mismatch_report::try_add_responses(const response& served,
                                                        const response& shadow,
                                                        const response* secondary,
                                                        const diff_options& options,
                                                        diff_result* candidate_out) {
  // Both diffs first, so invalid options change nothing.
  diff_result candidate;
  std::vector<problem> problems = try_diff_responses(served, shadow, options, candidate);
  if (!problems.empty()) return problems;
  if (secondary) {
    diff_result noise;
    (void)try_diff_responses(served, *secondary, options, noise);  // same options: valid
    count(noise, true);
  }
  count(candidate, false);
  if (candidate_out) *candidate_out = std::move(candidate);
  return problems;
}

void mismatch_report::add_run(std::uint64_t control_ns, std::uint64_t candidate_ns,
                              bool candidate_threw, bool slow) {
  ++experiments_.runs;
  experiments_.control_ns += control_ns;
  experiments_.candidate_ns += candidate_ns;
  if (candidate_threw) ++experiments_.candidate_exceptions;
  if (slow) ++experiments_.slow;
}

std::optional<problem> mismatch_report::try_merge(const mismatch_report& other) {
  if (other.limits_.max_paths != limits_.max_paths ||
      other.limits_.max_examples != limits_.max_examples ||
      other.limits_.max_example_length != limits_.max_example_length) {
    return problem{"rollgate.diff.712", "/limits",
                   "cannot merge reports with different limits (maxPaths " +
                       std::to_string(limits_.max_paths) + " vs " +
                       std::to_string(other.limits_.max_paths) + ", maxExamples " +
                       std::to_string(limits_.max_examples) + " vs " +
                       std::to_string(other.limits_.max_examples) + ", maxExampleLength " +
                       std::to_string(limits_.max_example_length) + " vs " +
                       std::to_string(other.limits_.max_example_length) + ")"};
  }
  if (&other == this) {
    const mismatch_report copy = other;
    return try_merge(copy);
  }
  comparisons_ += other.comparisons_;
  noise_comparisons_ += other.noise_comparisons_;
  truncated_ += other.truncated_;
  other_differed_ += other.other_differed_;
  other_noise_differed_ += other.other_noise_differed_;
  experiments_.runs += other.experiments_.runs;
  experiments_.candidate_exceptions += other.experiments_.candidate_exceptions;
  experiments_.slow += other.experiments_.slow;
  experiments_.control_ns += other.experiments_.control_ns;
  experiments_.candidate_ns += other.experiments_.candidate_ns;
  for (const auto& [field, counts] : other.fields_) {
    field_counts* f = slot(field, counts.differed, counts.noise_differed);
    if (!f) continue;
    for (const auto& e : counts.examples) add_example(*f, e);
  }
  return std::nullopt;
}

std::string verdicts_to_json(const std::vector<field_verdict>& verdicts) {
  json out = json::array();
  for (const auto& v : verdicts) {
    out.push_back({{"field", v.field},
                   {"comparisons", v.comparisons},
                   {"differed", v.differed},
                   {"noiseComparisons", v.noise_comparisons},
                   {"noiseDiffered", v.noise_differed},
                   {"rate", v.rate},
                   {"noiseRate", v.noise_rate},
                   {"relative", v.relative},
                   {"absolute", v.absolute},
                   {"pValue", v.p_value},
                   {"real", v.real}});
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string mismatch_report::to_json() const {
  json fields = json::object();
  for (const auto& [field, c] : fields_) {
    json examples = json::array();
    for (const auto& e : c.examples)
      examples.push_back({{"old", e.old_value}, {"new", e.new_value}});
    fields[field] = {
        {"differed", c.differed}, {"noiseDiffered", c.noise_differed}, {"examples", examples}};
  }
  const json doc = {
      {"format", kFormat},
      {"version", 1},
      {"limits",
       {{"maxPaths", limits_.max_paths},
        {"maxExamples", limits_.max_examples},
        {"maxExampleLength", limits_.max_example_length}}},
      {"comparisons", comparisons_},
      {"noiseComparisons", noise_comparisons_},
      {"truncatedComparisons", truncated_},
      {"fields", fields},
      {"other", {{"differed", other_differed_}, {"noiseDiffered", other_noise_differed_}}},
      {"experiments",
       {{"runs", experiments_.runs},
        {"candidateExceptions", experiments_.candidate_exceptions},
        {"slow", experiments_.slow},
        {"controlNs", experiments_.control_ns},
        {"candidateNs", experiments_.candidate_ns}}},
  };
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<problem> mismatch_report::try_from_json(std::string_view json_text,
                                                    mismatch_report& out) {
  json doc;
  if (auto p = detail::try_parse_json(json_text, "mismatch report", doc)) return {std::move(*p)};
  if (!doc.is_object()) {
    return {
        {"rollgate.diff.702", "",
         std::string("a mismatch report must be an object, not ") + detail::json_type_name(doc)}};
  }
  auto fmt = doc.find("format");
  auto ver = doc.find("version");
  if (fmt == doc.end() || *fmt != kFormat || ver == doc.end() || *ver != 1) {
    return {{"rollgate.diff.710", fmt == doc.end() || *fmt != kFormat ? "/format" : "/version",
             "not a mismatch report of version 1 (expected \"format\": "
             "\"rollgate.mismatch_report\" and \"version\": 1)"}};
  }
  reader rd;
  rd.unknown(doc, "",
             {"format", "version", "limits", "comparisons", "noiseComparisons",
              "truncatedComparisons", "fields", "other", "experiments"});
  report_limits limits;
  bool limits_ok = false;
  if (const json* l = rd.object(doc, "", "limits", true)) {
    const std::size_t before = rd.problems.size();
    rd.unknown(*l, "/limits", {"maxPaths", "maxExamples", "maxExampleLength"});
    std::uint64_t v = 0;
    if (rd.u64(*l, "/limits", "maxPaths", v, true)) limits.max_paths = static_cast<std::size_t>(v);
    if (rd.u64(*l, "/limits", "maxExamples", v, true))
      limits.max_examples = static_cast<std::size_t>(v);
    if (rd.u64(*l, "/limits", "maxExampleLength", v, true)) {
      limits.max_example_length = static_cast<std::size_t>(v);
    }
    auto lp = limit_problems(limits, "/limits");
    rd.problems.insert(rd.problems.end(), lp.begin(), lp.end());
    limits_ok = rd.problems.size() == before;
  }
  if (!limits_ok) return rd.problems;  // nothing below is checkable without valid limits
  mismatch_report r;
  r.limits_ = limits;
  rd.u64(doc, "", "comparisons", r.comparisons_, true);
  rd.u64(doc, "", "noiseComparisons", r.noise_comparisons_, true);
  rd.u64(doc, "", "truncatedComparisons", r.truncated_, false);
  if (r.truncated_ > r.comparisons_ + r.noise_comparisons_) {
    rd.problems.push_back({"rollgate.diff.711", "/truncatedComparisons",
                           "truncatedComparisons " + std::to_string(r.truncated_) +
                               " exceeds comparisons + noiseComparisons"});
  }
  if (const json* o = rd.object(doc, "", "other", false)) {
    rd.unknown(*o, "/other", {"differed", "noiseDiffered"});
    rd.u64(*o, "/other", "differed", r.other_differed_, true);
    rd.u64(*o, "/other", "noiseDiffered", r.other_noise_differed_, true);
  }
  if (const json* x = rd.object(doc, "", "experiments", false)) {
    rd.unknown(*x, "/experiments",
               {"runs", "candidateExceptions", "slow", "controlNs", "candidateNs"});
    auto& e = r.experiments_;
    rd.u64(*x, "/experiments", "runs", e.runs, true);
    rd.u64(*x, "/experiments", "candidateExceptions", e.candidate_exceptions, true);
    rd.u64(*x, "/experiments", "slow", e.slow, true);
    rd.u64(*x, "/experiments", "controlNs", e.control_ns, true);
    rd.u64(*x, "/experiments", "candidateNs", e.candidate_ns, true);
    if (e.candidate_exceptions > e.runs || e.slow > e.runs) {
      rd.problems.push_back(
          {"rollgate.diff.711", "/experiments", "candidateExceptions and slow cannot exceed runs"});
    }
  }
  if (const json* fs = rd.object(doc, "", "fields", true)) {
    if (fs->size() > limits.max_paths) {
      rd.problems.push_back({"rollgate.diff.711", "/fields",
                             std::to_string(fs->size()) + " fields exceed maxPaths " +
                                 std::to_string(limits.max_paths)});
    }
    for (const auto& [field, value] : fs->items()) {
      const std::string at = detail::pointer_append("/fields", field);
      const std::string why = detail::pattern_problem(field);
      if (!why.empty()) rd.problems.push_back({"rollgate.diff.704", at, why});
      if (!value.is_object()) {
        rd.problems.push_back(
            {"rollgate.diff.702", at,
             std::string("a field entry must be an object, not ") + detail::json_type_name(value)});
        continue;
      }
      rd.unknown(value, at, {"differed", "noiseDiffered", "examples"});
      field_counts c;
      rd.u64(value, at, "differed", c.differed, true);
      rd.u64(value, at, "noiseDiffered", c.noise_differed, true);
      if (c.differed > r.comparisons_) {
        rd.problems.push_back({"rollgate.diff.711", at + "/differed",
                               "differed " + std::to_string(c.differed) + " exceeds comparisons " +
                                   std::to_string(r.comparisons_)});
      }
      if (c.noise_differed > r.noise_comparisons_) {
        rd.problems.push_back({"rollgate.diff.711", at + "/noiseDiffered",
                               "noiseDiffered " + std::to_string(c.noise_differed) +
                                   " exceeds noiseComparisons " +
                                   std::to_string(r.noise_comparisons_)});
      }
      auto ex = value.find("examples");
      if (ex != value.end()) {
        if (!ex->is_array()) {
          rd.problems.push_back(
              {"rollgate.diff.702", at + "/examples",
               std::string("examples must be an array, not ") + detail::json_type_name(*ex)});
        } else if (ex->size() > limits.max_examples) {
          rd.problems.push_back({"rollgate.diff.711", at + "/examples",
                                 std::to_string(ex->size()) + " examples exceed maxExamples " +
                                     std::to_string(limits.max_examples)});
        } else {
          for (std::size_t i = 0; i < ex->size(); ++i) {
            const json& e = (*ex)[i];
            const std::string eat = detail::pointer_append(at + "/examples", i);
            auto o = e.is_object() ? e.find("old") : e.end();
            auto n = e.is_object() ? e.find("new") : e.end();
            if (!e.is_object() || e.size() != 2 || o == e.end() || n == e.end() ||
                !o->is_string() || !n->is_string()) {
              rd.problems.push_back({"rollgate.diff.702", eat,
                                     "an example must be {\"old\": string, \"new\": string}"});
              continue;
            }
            const std::size_t cap = limits.max_example_length + 3;  // + "..."
            if (o->get_ref<const std::string&>().size() > cap ||
                n->get_ref<const std::string&>().size() > cap) {
              rd.problems.push_back({"rollgate.diff.703", eat,
                                     "example text longer than maxExampleLength " +
                                         std::to_string(limits.max_example_length) + " bytes"});
              continue;
            }
            c.examples.push_back({o->get<std::string>(), n->get<std::string>()});
          }
        }
      }
      if (rd.problems.empty()) {
        // Re-insert through add_example so the kept examples are in canonical order.
        std::vector<mismatch_example> examples = std::move(c.examples);
        c.examples.clear();
        auto& slot_ref = r.fields_.emplace(field, std::move(c)).first->second;
        for (auto& e : examples) r.add_example(slot_ref, std::move(e));
      }
    }
  }
  if (rd.problems.empty()) out = std::move(r);
  return rd.problems;
}

}  // namespace rollgate
