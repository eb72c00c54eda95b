// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Evaluation: reads only the compiled model (model.hpp) and the context; no JSON, no allocation
// beyond the caller's result vector. The evaluator's evaluate* entry points live here too, so the
// hot path stays in one translation unit.
#include <algorithm>    // std::lower_bound, std::binary_search
#include <chrono>       // std::chrono::system_clock
#include <cmath>        // std::fabs, std::floor
#include <new>          // placement new
#include <type_traits>  // std::is_trivially_destructible_v

#include "detail/canonical_unit.hpp"  // canonical_number_text, canonical_unit_text
#include "detail/semver.hpp"          // parse_semver, compare_semver
#include "detail/timestamp.hpp"       // parse_rfc3339_ms
#include "flags/fold.hpp"             // text_equal, text_contains, ...
#include "flags/model.hpp"

namespace rollgate {
namespace detail {
namespace {

// The static text of evaluation::error_message for each error code.
const char* const kMsgNotFound = "no flag with this key";
const char* const kMsgTypeMismatch = "the flag's value type is not the requested type";
const char* const kMsgKeyMissing =
    "the unit attribute (bucketBy) is missing or not a string, number or boolean";
const char* const kMsgParse = "the context is not a valid JSON context (see context::from_json)";
const char* const kMsgGeneral = "flag index out of range";
const char* const kMsgNoVariant = "the targeting gave a variant that the flag does not have";

struct eval_state {
  const compiled_config& cfg;
  const context& ctx;
  std::int64_t now;
};

bool match(const eval_state& s, std::uint32_t index) noexcept;

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

// `in` against the operand's list of the attribute's type: kInMatch, kInNoMatch, or kInUntyped
// when the operand has no value of that type (so `notIn` does not match either). Returned rather
// than written through a reference: no local of match() has its address taken, which in
// WebAssembly would give every call a frame on the shadow stack in linear memory.
enum in_result : int { kInUntyped = -1, kInNoMatch = 0, kInMatch = 1 };
in_result match_in(const condition& c, const context::slot& v) noexcept {
  const auto found = [](bool typed, bool hit) {
    return !typed ? kInUntyped : hit ? kInMatch : kInNoMatch;
  };
  switch (v.kind) {
    case k_string:
      return found(!c.strings.empty(), contains_string(c.strings, v.text, c.ignore_case));
    case k_number:
      return found(!c.numbers.empty(),
                   std::binary_search(c.numbers.begin(), c.numbers.end(), v.number));
    case k_boolean:
      return found(c.bools != 0, (c.bools & (v.boolean ? 2 : 1)) != 0);
    case k_list:
      if (c.strings.empty()) return kInUntyped;
      for (std::size_t i = 0; i < v.list_size; ++i) {
        if (contains_string(c.strings, v.list[i], c.ignore_case)) return kInMatch;
      }
      return kInNoMatch;
    default:
      return kInUntyped;
  }
}

// flagd's JSON Logic truthiness of an attribute and `$flagd.timestamp` comparisons. Not inlined:
// they are never on the path of rollgate's own configurations, which pay one compare for them.
[[gnu::noinline]] bool match_flagd(const eval_state& s, const condition& c) noexcept {
  if (c.code == op::truthy) {  // "", 0, false and null are falsy; every list is truthy
    const context::slot* v = s.ctx.find(c.attr);
    if (v == nullptr) return false;
    if (v->kind == k_string) return !v->text.empty();
    if (v->kind == k_number) return v->number != 0;
    if (v->kind == k_boolean) return v->boolean;
    return v->kind == k_list;
  }
  const double t = std::floor(static_cast<double>(s.now) / 1000.0);  // whole seconds
  if (c.code == op::clock_lt) return t < c.number;
  if (c.code == op::clock_lte) return t <= c.number;
  if (c.code == op::clock_gt) return t > c.number;
  return t >= c.number;
}

// Versions, times and issue 18's operators, out of line: their locals (a parsed version, a
// time) would otherwise give every call of match() a stack frame in linear memory (WebAssembly).
[[gnu::noinline]] bool match_rare(const compiled_config& cfg, const condition& c,
                                  const context::slot& v) noexcept {
  switch (c.code) {
    case op::semver_eq:
    case op::semver_lt:
    case op::semver_lte:
    case op::semver_gt:
    case op::semver_gte: {
      if (v.kind != k_string) return false;
      const auto a =
          parse_semver(v.text, c.loose_version ? semver_syntax::loose : semver_syntax::strict);
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
      const auto t = attribute_time(v);
      if (!t) return false;
      return c.code == op::before ? *t < c.time : *t > c.time;
    }
    default:
      return match_targeting(cfg, c, v);
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
  // flagd's operations (the last codes of `op`) out of line: one compare on rollgate's own path.
  if (c.code >= op::truthy) return match_flagd(s, c);
  const context::slot* v = s.ctx.find(c.attr);
  if (v == nullptr) return false;  // missing attributes never match
  switch (c.code) {
    case op::equals:
    case op::not_equals: {
      if (v->kind != c.value_kind) return false;  // type mismatch: no match either way
      bool eq = false;
      if (v->kind == k_string)
        eq = text_equal(v->text, c.text, c.ignore_case);
      else if (v->kind == k_list)
        eq = list_equal(c, *v);
      else if (v->kind == k_number)
        eq = v->number == c.number;
      else
        eq = v->boolean == c.boolean;
      return c.code == op::equals ? eq : !eq;
    }
    case op::in:
      return match_in(c, *v) == kInMatch;
    case op::not_in:
      return match_in(c, *v) == kInNoMatch;
    case op::contains:
      if (v->kind == k_string) return text_contains(v->text, c.text, c.ignore_case);
      if (v->kind == k_list) {
        for (std::size_t i = 0; i < v->list_size; ++i) {
          if (text_equal(v->list[i], c.text, c.ignore_case)) return true;
        }
      }
      return false;
    case op::starts_with:
      return v->kind == k_string && text_starts_with(v->text, c.text, c.ignore_case);
    case op::ends_with:
      return v->kind == k_string && text_ends_with(v->text, c.text, c.ignore_case);
    case op::lt:
      return v->kind == k_number && v->number < c.number;
    case op::lte:
      return v->kind == k_number && v->number <= c.number;
    case op::gt:
      return v->kind == k_number && v->number > c.number;
    case op::gte:
      return v->kind == k_number && v->number >= c.number;
    default:
      return match_rare(s.cfg, c, *v);
  }
}

evaluation result(const flag& f, std::uint32_t variation, reason why, std::int32_t rule) noexcept {
  evaluation e;
  e.flag = f.key;
  e.reason = why;
  e.rule_index = rule;
  if (variation == kNoVariation) return e;  // flagd: no value, the caller's default is served
  e.value = f.values[variation];
  e.variant = f.variation_keys[variation];
  e.variation_index = static_cast<std::int32_t>(variation);
  return e;
}

evaluation failure(const flag& f, error_code code, const char* message) noexcept {
  evaluation e = result(f, f.default_variation, reason::error, -1);
  e.error_code = code;
  e.error_message = message;
  return e;
}

// A flag the configuration does not have: no value; `flag` views the caller's key.
evaluation not_found(std::string_view key) noexcept {
  evaluation e;
  e.flag = key;  // the caller's key, so reports name what was asked for
  e.error_code = error_code::flag_not_found;
  e.error_message = kMsgNotFound;
  return e;
}

// The bytes that are hashed for a unit: a string as it is, a number or boolean in its canonical
// text (detail/canonical_unit.hpp, docs/bucketing.md), written into `buffer`. Nothing for a
// missing, null or list attribute.
std::optional<std::string_view> unit_of(const eval_state& s, attribute_id id,
                                        char (&buffer)[32]) noexcept {
  const context::slot* v = s.ctx.find(id);
  if (v == nullptr) return std::nullopt;
  switch (v->kind) {
    case k_string:
      return std::string_view(v->text);
    case k_number:
      return std::string_view(buffer, canonical_number_text(v->number, buffer));
    case k_boolean:
      return canonical_unit_text(v->boolean);
    default:
      return std::nullopt;
  }
}

// Whether the unit attribute `id` can be bucketed (a string, number or boolean), without
// writing its canonical text.
bool has_unit(const eval_state& s, attribute_id id) noexcept {
  const context::slot* v = s.ctx.find(id);
  return v != nullptr && (v->kind == k_string || v->kind == k_number || v->kind == k_boolean);
}

// A rollout for the unit's bytes: the coverage draw, then the variant draw.
evaluation split(const eval_state& s, const flag& f, const rollout& r, std::string_view unit,
                 std::int32_t rule) noexcept {
  if (f.scheme != bucket_scheme::rollgate) {  // kept assignments (peer_bucketing.cpp)
    const auto pick = peer_pick(f, r, unit, r.coverage_at(s.now));
    if (!pick) return result(f, f.default_variation, reason::default_, rule);
    return result(f, r.variations[*pick], reason::split, rule);
  }
  if (!f.hasher.in_coverage(unit, r.coverage_at(s.now))) {
    return result(f, f.default_variation, reason::default_, rule);
  }
  const std::size_t pick = f.hasher.pick_variant(unit, r.weights.data(), r.weights.size());
  return result(f, r.variations[pick], reason::split, rule);
}

// split() for a unit that is not a string: its canonical text goes through a buffer, kept out of
// apply() so that the common case (a string unit) has no local whose address is taken (in
// WebAssembly such a local gives every call a frame on the shadow stack in linear memory).
[[gnu::noinline]] evaluation split_canonical(const eval_state& s, const flag& f, const rollout& r,
                                             std::int32_t rule) noexcept {
  char buffer[32];
  const auto unit = unit_of(s, f.unit, buffer);
  if (!unit) return failure(f, error_code::targeting_key_missing, kMsgKeyMissing);
  return split(s, f, r, *unit, rule);
}

// Applies a serve: a variation, or a rollout (coverage draw, then variant draw).
evaluation apply(const eval_state& s, const flag& f, const serve& action, reason fixed_reason,
                 std::int32_t rule) noexcept {
  if (!action.is_rollout) return result(f, action.variation, fixed_reason, rule);
  const rollout& r = action.split;
  if (f.scheme == bucket_scheme::flagd) {  // flagd's fractional (flagd_bucketing.cpp)
    const auto pick = flagd_pick(s.cfg, f, r, s.ctx);
    if (!pick) return result(f, f.default_variation, reason::default_, -1);
    return result(f, r.variations[*pick], reason::targeting_match, rule);
  }
  const context::slot* unit = s.ctx.find(f.unit);
  if (unit != nullptr && unit->kind == k_string) return split(s, f, r, unit->text, rule);
  return split_canonical(s, f, r, rule);
}

// The serve of a matched rule of a flagd flag. Not inlined: off the path of rollgate's own flags,
// which pay one test of `flag::flagd` per matched rule.
[[gnu::noinline]] evaluation flagd_serve(const eval_state& s, const flag& f, const serve& action,
                                         std::int32_t rule) noexcept {
  // The targeting returned null, or a fractional that returns null: the default variation,
  // DEFAULT (never the next rule: flagd's rules are one JSON Logic expression).
  if (action.to_default) return result(f, f.default_variation, reason::default_, -1);
  if (action.to_error) {  // a variant the flag lacks: ERROR, GENERAL, no value (caller's default)
    evaluation e = result(f, kNoVariation, reason::error, -1);
    e.error_code = error_code::general;
    e.error_message = kMsgNoVariant;
    return e;
  }
  return apply(s, f, action, reason::targeting_match, rule);
}

evaluation evaluate_flag(const eval_state& s, std::size_t index, std::size_t depth) noexcept;

// Whether every prerequisite of `f` serves one of its accepted variations. Out of line, like
// in_layer: the evaluation it holds would give every evaluate_flag() a frame in linear memory.
[[gnu::noinline]] bool prerequisites_met(const eval_state& s, const flag& f,
                                         std::size_t depth) noexcept {
  if (depth > kMaxPrerequisiteDepth)
    return true;  // guaranteed by compile; the check keeps it local
  for (const auto& p : f.prerequisites) {
    const evaluation pe = evaluate_flag(s, p.flag, depth + 1);
    bool accepted = false;
    if (pe.reason != reason::error && pe.reason != reason::disabled) {
      for (std::uint32_t v : p.variations)
        accepted = accepted || pe.variation_index == static_cast<std::int32_t>(v);
    }
    if (!accepted) return false;
  }
  return true;
}

// Where the unit falls in the flag's layer: inside its range, outside it, or no unit to bucket.
enum class layer_place { inside, outside, no_unit };
[[gnu::noinline]] layer_place in_layer(const eval_state& s, const flag& f) noexcept {
  const layer& l = s.cfg.layers[static_cast<std::size_t>(f.layer)];
  char buffer[32];
  const auto unit = unit_of(s, l.unit, buffer);
  if (!unit) return layer_place::no_unit;
  const std::uint32_t position = bucket_of(l.hasher.coverage_draw(*unit), kScale);
  return position < f.layer_begin || position >= f.layer_end ? layer_place::outside
                                                             : layer_place::inside;
}

evaluation evaluate_flag(const eval_state& s, std::size_t index, std::size_t depth) noexcept {
  const flag& f = s.cfg.flags[index];
  if (!f.enabled) return result(f, f.off_variation, reason::disabled, -1);
  if (!f.prerequisites.empty() && !prerequisites_met(s, f, depth)) {
    return result(f, f.off_variation, reason::disabled, -1);
  }
  if (f.layer >= 0) {
    const layer_place place = in_layer(s, f);
    if (place == layer_place::no_unit) {
      return failure(f, error_code::targeting_key_missing, kMsgKeyMissing);
    }
    if (place == layer_place::outside) return result(f, f.default_variation, reason::default_, -1);
  }
  for (std::size_t i = 0; i < f.rules.size(); ++i) {
    const rule& r = f.rules[i];
    if (!match(s, r.root)) continue;
    if (f.flagd) return flagd_serve(s, f, r.action, static_cast<std::int32_t>(i));
    // A rule's rollout that cannot bucket this unit does not match: evaluation goes on with the
    // next rule, as GrowthBook and Unleash do (docs/config.md, "Semantics beside the peers").
    // Only the fallthrough reports TARGETING_KEY_MISSING.
    if (r.action.is_rollout && !has_unit(s, f.unit)) continue;
    return apply(s, f, r.action, reason::targeting_match, static_cast<std::int32_t>(i));
  }
  return apply(s, f, f.fallthrough, f.is_static ? reason::static_ : reason::default_, -1);
}

std::int64_t system_now_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace
}  // namespace detail

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
  if (!i) return detail::not_found(key);
  return evaluate(*i, ctx, now_ms);
}

evaluation evaluator::evaluate(std::string_view key, const context& ctx) const noexcept {
  return evaluate(key, ctx, detail::system_now_ms());
}

evaluation evaluator::evaluate_json(std::string_view key, std::string_view context_json,
                                    std::int64_t now_ms) const noexcept {
  const auto i = flag_index(key);
  if (!i) return detail::not_found(key);
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
  // Each result is constructed in its slot (guaranteed copy elision of the prvalue), not
  // assigned from a temporary: the copy loaded the temporary with wide loads right after
  // evaluate_flag's narrow stores, a store-forwarding stall that was a seventh of the time.
  static_assert(std::is_trivially_destructible_v<evaluation>, "slots are reused in place");
  evaluation* slots = out.data();
  for (std::size_t i = 0; i < impl_->flags.size(); ++i)
    ::new (static_cast<void*>(slots + i)) evaluation(detail::evaluate_flag(s, i, 0));
}

std::vector<evaluation> evaluator::evaluate_all(const context& ctx, std::int64_t now_ms) const {
  std::vector<evaluation> out;
  evaluate_all(ctx, now_ms, out);
  return out;
}

std::vector<evaluation> evaluator::evaluate_all(const context& ctx) const {
  return evaluate_all(ctx, detail::system_now_ms());
}

}  // namespace rollgate
