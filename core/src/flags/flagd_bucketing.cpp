// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// flagd's `fractional` (docs/flagd.md), so a flag moved from flagd keeps every unit's variant:
// the bucketing key is built as flagd-core builds it, hashed with flagd's murmur3 and mapped onto
// the integer weights by detail/peer_hash.hpp's flagd_fractional (flagd-testbed "fractional-v2").
//   - default key: the flag key followed by targetingKey; flagd returns null when targetingKey is
//     falsy (missing, null, "", 0, false). A number or boolean is written as JavaScript writes it.
//   - an explicit `{"var": ...}`: the attribute must be a string, else null.
//   - `cat`: the parts joined; a string as it is, a number or boolean as JavaScript writes it,
//     missing or null as "null" (flagd-core's compiled JSON Logic; its interpreter writes ""),
//     a list as its strings joined with "," (JavaScript's String(array)).
#include <string>  // std::string (the key buffer)

#include "detail/canonical_unit.hpp"  // canonical_number_text, canonical_unit_text
#include "detail/peer_hash.hpp"       // flagd_hash, flagd_fractional
#include "flags/model.hpp"

namespace rollgate {
namespace detail {
namespace {

// Appends a value's text as JavaScript's String(v) writes it (`cat`); false for a list unless
// `lists`.
bool append_text(const context::slot& v, std::string& out, bool lists) {
  char buffer[32];
  switch (v.kind) {
    case k_string:
      out += v.text;
      return true;
    case k_number:
      out.append(buffer, canonical_number_text(v.number, buffer));
      return true;
    case k_boolean:
      out += canonical_unit_text(v.boolean);
      return true;
    case k_null:
      out += "null";
      return true;
    case k_list:
      for (std::size_t i = 0; i < v.list_size; ++i) {
        if (i != 0) out += ',';
        out += v.list[i];
      }
      return lists;
    default:
      return false;
  }
}

bool truthy_unit(const context::slot& v) noexcept {
  switch (v.kind) {
    case k_string:
      return !v.text.empty();
    case k_number:
      return v.number != 0;
    case k_boolean:
      return v.boolean;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::size_t> flagd_pick(const compiled_config& cfg, const flag& f, const rollout& r,
                                      const context& ctx) noexcept {
  // One buffer per thread: after the first evaluations it has grown to the longest key, so
  // evaluation does not allocate. Growing can throw only std::bad_alloc: then no bucket.
  thread_local std::string key;
  key.clear();
  try {
    if (r.flagd_key == kDefaultFlagdKey) {
      const context::slot* t = ctx.find(f.unit);
      if (t == nullptr || !truthy_unit(*t)) return std::nullopt;
      key += f.key;
      if (!append_text(*t, key, false)) return std::nullopt;
    } else if (const flagd_bucket_key& k = cfg.flagd_keys[r.flagd_key]; !k.cat) {
      const context::slot* v = ctx.find(k.parts.front().attr);
      if (v == nullptr || v->kind != k_string) return std::nullopt;
      key += v->text;
    } else {
      for (const key_part& part : k.parts) {
        if (part.attr == kUnknownAttribute) {
          key += part.text;
          continue;
        }
        const context::slot* v = ctx.find(part.attr);
        if (v == nullptr)
          key += "null";  // JSON Logic's `var` gives null for a missing attribute
        else
          append_text(*v, key, true);
      }
    }
  } catch (...) {
    return std::nullopt;
  }
  const auto text = f.hash_version == 1 ? flagd_text::js_core : flagd_text::utf8;
  const auto pick = flagd_fractional(flagd_hash(key, text), r.weights.data(), r.weights.size());
  if (!pick || r.variations[*pick] == kNoVariation) return std::nullopt;
  return pick;
}

}  // namespace detail
}  // namespace rollgate
