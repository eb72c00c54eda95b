// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Feature flags (flags.hpp) as plain exports only, no Embind: the same file goes into the full
// module and into the flags-only module (rollgate/flags), whose glue then carries no Embind.
//
// The per-request path crosses the boundary once: JS encodes the context (attribute ids, already
// interned JS-side, and values) into a reused buffer in WASM memory, then one plain export call
// refills the engine's reusable rollgate::context and evaluates one flag or all of them, writing
// fixed-size integer records. Values and variant keys are string_views into the evaluator, so JS
// decodes each (flag, variation) value once and caches it.
//
// Both binary layouts (the context records JS writes, the evaluation records JS reads) and the
// enum orders are specified here and only here: rg_flags_layout() hands them to wasm/js/flags.js
// at start-up, which builds its tables from it.
//
// A bound context (rg_flags_bind) is a rollgate::context of its own, loaded once and evaluated
// against any number of times: the context crosses the boundary once for many flags.
//
// Context encoding, little-endian, one record after another, each starting 8-aligned:
//   u8 kind, u8 pad[3], u32 attribute id, then by kind:
//   string: u32 byte length, bytes (padded to 4)   number: f64 (any value; the core refuses
//   non-finite ones)   true, false, null: nothing   list: u32 count, then count x (u32 length,
//   bytes padded to 4)   bad: u32 list index + 1 (0: the attribute's value itself), u32 length of
//   the value's JS type name, its bytes (padded to 4): a value the encoder cannot represent,
//   reported by the core as context_value_problem. Attribute id kUnknownAttribute in a bad record
//   means the context itself (context_type_problem).
#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <cmath>        // std::isfinite
#include <cstdint>      // std::int32_t, std::uint32_t, std::uintptr_t
#include <cstring>      // std::memcpy
#include <iterator>     // std::size
#include <memory>       // std::unique_ptr
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "common.hpp"
#include "rollgate/flags.hpp"  // rollgate::compile, evaluator, context, evaluation

namespace {

using rollgate::wasm::guard;
using rollgate::wasm::json_quote;
using rollgate::wasm::view;

/// Kinds of the context records (see the file comment).
enum context_kind : std::uint8_t {
  kString = 1,
  kNumber = 2,
  kTrue = 3,
  kFalse = 4,
  kList = 5,
  kNull = 6,
  kBad = 7,
};
constexpr const char* kContextKinds[] = {"",      "string", "number", "true",
                                         "false", "list",   "null",   "bad"};
static_assert(std::size(kContextKinds) == kBad + 1, "one name per context_kind");

/// The int32 fields of one evaluation record, in order.
enum record_field : int {
  kVariationIndex,
  kReason,
  kRuleIndex,
  kErrorCode,
  kValue,  ///< address of the value's JSON text, then its length
  kValueLength,
  kVariant,  ///< address of the variant key, then its length
  kVariantLength,
  kErrorMessage,  ///< address of the error message, then its length
  kErrorMessageLength,
  kRecord  ///< int32 per record
};
constexpr const char* kRecordFields[] = {
    "variationIndex", "reason",  "ruleIndex",     "errorCode",    "value",
    "valueLength",    "variant", "variantLength", "errorMessage", "errorMessageLength"};
static_assert(std::size(kRecordFields) == kRecord, "one name per record_field");

void write(const rollgate::evaluation& e, std::int32_t* o) {
  o[kVariationIndex] = e.variation_index;
  o[kReason] = static_cast<std::int32_t>(e.reason);
  o[kRuleIndex] = e.rule_index;
  o[kErrorCode] = static_cast<std::int32_t>(e.error_code);
  o[kValue] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(e.value.data()));
  o[kValueLength] = static_cast<std::int32_t>(e.value.size());
  o[kVariant] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(e.variant.data()));
  o[kVariantLength] = static_cast<std::int32_t>(e.variant.size());
  o[kErrorMessage] =
      static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(e.error_message.data()));
  o[kErrorMessageLength] = static_cast<std::int32_t>(e.error_message.size());
}

/// {"reasons":[...],"errorCodes":[...],"valueTypes":[...],"record":{"size":10,"<field>":i,...},
///  "context":{"<kind>":k,...,"align":8}}: names in enum order (to_string), record offsets in
/// int32, context kinds.
std::string flags_layout() {
  std::string out = "{\"reasons\":[";
  for (std::size_t i = 0; i < rollgate::kReasonCount; ++i) {
    if (i != 0) out += ',';
    out += json_quote(rollgate::to_string(static_cast<rollgate::reason>(i)));
  }
  out += "],\"errorCodes\":[";
  for (std::size_t i = 0; i < rollgate::kErrorCodeCount; ++i) {
    if (i != 0) out += ',';
    out += json_quote(rollgate::to_string(static_cast<rollgate::error_code>(i)));
  }
  out += "],\"valueTypes\":[";
  for (std::size_t i = 0; i < rollgate::kValueTypeCount; ++i) {
    if (i != 0) out += ',';
    out += json_quote(rollgate::to_string(static_cast<rollgate::value_type>(i)));
  }
  out += "],\"formats\":[";
  for (std::size_t i = 0; i < rollgate::kConfigFormatCount; ++i) {
    if (i != 0) out += ',';
    out += json_quote(rollgate::to_string(static_cast<rollgate::config_format>(i)));
  }
  out += "],\"record\":{\"size\":" + std::to_string(kRecord);
  for (int i = 0; i < kRecord; ++i)
    out += ",\"" + std::string(kRecordFields[i]) + "\":" + std::to_string(i);
  out += "},\"context\":{\"align\":8";
  for (int k = kString; k <= kBad; ++k)
    out += ",\"" + std::string(kContextKinds[k]) + "\":" + std::to_string(k);
  out += "}}";
  return out;
}

/// Whether a loaded context views the encoded buffer's strings or copies them. The buffer is JS's
/// scratch memory, unchanged during one export call but reused by the next: a context evaluated
/// within the call that loads it borrows (copying the strings was a fifth of a one-flag call, the
/// whole load 38%), a bound context, evaluated in later calls, copies.
enum class strings { borrowed, copied };

/// Refills `ctx` from the encoded buffer [p, p + len) (the layout of the file comment).
/// @throws rollgate::error the core's rollgate.config.250 problems for bad values (all of
///         them); rollgate.js.802 for a malformed buffer (a bug in the JS encoder)
void load(const rollgate::evaluator& ev, rollgate::context& ctx,
          std::vector<std::string_view>& list, const std::uint8_t* p, std::uint32_t len,
          strings mode) {
  const bool borrow = mode == strings::borrowed;
  ctx.clear();
  const std::uint8_t* const begin = p;
  const std::uint8_t* const end = p + len;
  std::vector<rollgate::problem> problems;  // empty (no allocation) unless a value is bad
  const auto malformed = [&ctx]() {
    ctx.clear();
    return rollgate::error("rollgate.js.802", "", "internal error: malformed context buffer");
  };
  const auto u32 = [](const std::uint8_t* at) {
    std::uint32_t v;
    std::memcpy(&v, at, 4);
    return v;
  };
  const auto pad = [](std::uint32_t n) { return (n + 3u) & ~3u; };
  // A string of n bytes at p, or nullopt when the buffer is too short.
  const auto text = [&](std::uint32_t n) -> std::optional<std::string_view> {
    if (static_cast<std::uint32_t>(end - p) < n) return std::nullopt;
    std::string_view s(reinterpret_cast<const char*>(p), n);
    p += pad(n);
    return s;
  };
  while (p < end) {
    if (end - p < 8) throw malformed();
    const std::uint8_t kind = p[0];
    const rollgate::attribute_id id = u32(p + 4);
    p += 8;
    switch (kind) {
      case kString: {
        if (end - p < 4) throw malformed();
        const std::uint32_t n = u32(p);
        p += 4;
        const auto s = text(n);
        if (!s) throw malformed();
        if (borrow) {
          ctx.set_borrowed(id, *s);
        } else {
          ctx.set(id, *s);
        }
        break;
      }
      case kNumber: {
        if (end - p < 8) throw malformed();
        double d;
        std::memcpy(&d, p, 8);
        p += 8;
        if (std::isfinite(d)) {
          ctx.set(id, d);
        } else {
          problems.push_back(rollgate::context_value_problem(ev.attribute_name(id), "number"));
        }
        break;
      }
      case kTrue:
      case kFalse:
        ctx.set(id, kind == kTrue);
        break;
      case kList: {
        if (end - p < 4) throw malformed();
        const std::uint32_t count = u32(p);
        p += 4;
        list.clear();
        for (std::uint32_t i = 0; i < count; ++i) {
          if (end - p < 4) throw malformed();
          const std::uint32_t n = u32(p);
          p += 4;
          const auto s = text(n);
          if (!s) throw malformed();
          list.push_back(*s);
        }
        if (borrow) {
          ctx.set_borrowed(id, list);
        } else {
          ctx.set(id, list);
        }
        break;
      }
      case kNull:
        ctx.set_null(id);
        break;
      case kBad: {
        if (end - p < 8) throw malformed();
        const std::uint32_t index = u32(p);
        const std::uint32_t n = u32(p + 4);
        p += 8;
        const auto type = text(n);
        if (!type) throw malformed();
        if (id == rollgate::kUnknownAttribute) {
          problems.push_back(rollgate::context_type_problem(*type));
        } else {
          problems.push_back(rollgate::context_value_problem(
              ev.attribute_name(id), *type,
              index == 0 ? std::nullopt : std::optional<std::size_t>(index - 1)));
        }
        break;
      }
      default:
        throw malformed();
    }
    // Next record starts 8-aligned relative to the buffer start (JS pads the same way).
    while (((p - begin) & 7) != 0 && p < end) ++p;
  }
  if (!problems.empty()) {
    ctx.clear();
    throw rollgate::error(std::move(problems));
  }
}

struct engine {
  rollgate::evaluator ev;
  rollgate::context ctx;
  rollgate::context empty;  // for keys the JS layer does not know (rg_flags_eval_key)
  std::vector<rollgate::evaluation> all;
  std::vector<std::string_view> list;  // reused for list attributes
  std::string info;                    // ev.describe(), kept for rg_flags_info's pointer

  explicit engine(rollgate::evaluator e)
      : ev(std::move(e)), ctx(ev), empty(ev), info(ev.describe()) {}

  void evaluate_all(const rollgate::context& c, double now_ms, std::int32_t* out) {
    ev.evaluate_all(c, static_cast<std::int64_t>(now_ms), all);
    for (std::size_t i = 0; i < all.size(); ++i) write(all[i], out + kRecord * i);
  }
};

/// Text handed to JS by address (layout, validation results); valid until the next such call.
std::string g_text;

const char* text_out(std::string s) {
  g_text = std::move(s);
  return g_text.c_str();
}

void evaluate_one(const engine& e, const rollgate::context& c, std::uint32_t index, double now_ms,
                  std::int32_t expected_type, std::int32_t* out) {
  const auto now = static_cast<std::int64_t>(now_ms);
  write(expected_type < 0
            ? e.ev.evaluate(index, c, now)
            : e.ev.evaluate(index, c, now, static_cast<rollgate::value_type>(expected_type)),
        out);
}

// A format number from JS: its index in the layout's "formats" (enum order); anything out of
// range reads as rollgate's own format (flags.js checks the name before it gets here).
rollgate::config_format config_format_of(std::uint32_t format) {
  return format < rollgate::kConfigFormatCount ? static_cast<rollgate::config_format>(format)
                                               : rollgate::config_format::rollgate;
}

}  // namespace

extern "C" {

/// The layout JSON of flags_layout() (NUL-terminated, static until the next text result).
EMSCRIPTEN_KEEPALIVE const char* rg_flags_layout() {
  return text_out(flags_layout());
}

/// Compiles the configuration text [text, text + len) in `format` (a rollgate::config_format);
/// nullptr with the last error set when it does not compile (every problem).
EMSCRIPTEN_KEEPALIVE engine* rg_flags_compile(std::uintptr_t text, std::uint32_t len,
                                              std::uint32_t format) {
  return guard(static_cast<engine*>(nullptr), [&] {
    return new engine(rollgate::compile(view(text, len), config_format_of(format)));
  });
}

/// JSON array of every problem of a configuration ([] when valid), NUL-terminated; nullptr with
/// the last error set on a failure that is not a problem of the configuration (out of memory).
EMSCRIPTEN_KEEPALIVE const char* rg_flags_validate(std::uintptr_t text, std::uint32_t len,
                                                   std::uint32_t format) {
  return guard(static_cast<const char*>(nullptr), [&] {
    return text_out(
        rollgate::to_json(rollgate::validate(view(text, len), config_format_of(format))));
  });
}

/// evaluator::describe() of a compiled engine (NUL-terminated, lives as long as the engine).
EMSCRIPTEN_KEEPALIVE const char* rg_flags_info(const engine* e) {
  return e == nullptr ? "" : e->info.c_str();
}

/// Frees an engine from rg_flags_compile (null is ignored).
EMSCRIPTEN_KEEPALIVE void rg_flags_free(engine* e) {
  delete e;
}

/// Loads the encoded context and evaluates flag `index`; writes one record at `out`.
/// expected_type < 0: no type check; else a rollgate::value_type (type_mismatch if it differs).
/// Returns 0, or -1 with the last error set (a bad context).
EMSCRIPTEN_KEEPALIVE int rg_flags_eval(engine* e, std::uint32_t index, const std::uint8_t* ctx,
                                       std::uint32_t ctx_len, double now_ms,
                                       std::int32_t expected_type, std::int32_t* out) {
  if (e == nullptr) return -2;  // a null engine is refused, never dereferenced
  return guard(-1, [&] {
    load(e->ev, e->ctx, e->list, ctx, ctx_len, strings::borrowed);
    evaluate_one(*e, e->ctx, index, now_ms, expected_type, out);
    return 0;
  });
}

/// Evaluates by key with an empty context: the path for keys the JS layer's index does not hold,
/// so that the core answers (flag_not_found, with its message) and the JS builds no result of its
/// own. Writes one record at `out`; never fails.
EMSCRIPTEN_KEEPALIVE int rg_flags_eval_key(engine* e, std::uintptr_t key, std::uint32_t key_len,
                                           double now_ms, std::int32_t* out) {
  if (e == nullptr) return -2;
  write(e->ev.evaluate(view(key, key_len), e->empty, static_cast<std::int64_t>(now_ms)), out);
  return 0;
}

/// Loads the encoded context and evaluates every flag; writes flag_count records at `out`.
EMSCRIPTEN_KEEPALIVE int rg_flags_eval_all(engine* e, const std::uint8_t* ctx,
                                           std::uint32_t ctx_len, double now_ms,
                                           std::int32_t* out) {
  if (e == nullptr) return -2;
  return guard(-1, [&] {
    load(e->ev, e->ctx, e->list, ctx, ctx_len, strings::borrowed);
    e->evaluate_all(e->ctx, now_ms, out);
    return 0;
  });
}

/// A bound context: a context of its own for engine `e`, loaded once from the encoded buffer and
/// then evaluated against flag after flag. nullptr with the last error set for a bad context.
/// Freed with rg_flags_unbind; valid only while `e` lives (JS keeps the evaluator alive).
EMSCRIPTEN_KEEPALIVE rollgate::context* rg_flags_bind(engine* e, const std::uint8_t* ctx,
                                                      std::uint32_t ctx_len) {
  if (e == nullptr) return nullptr;
  return guard(static_cast<rollgate::context*>(nullptr), [&] {
    auto bound = std::make_unique<rollgate::context>(e->ev);
    load(e->ev, *bound, e->list, ctx, ctx_len, strings::copied);
    return bound.release();
  });
}

/// Frees a bound context (null is ignored).
EMSCRIPTEN_KEEPALIVE void rg_flags_unbind(rollgate::context* c) {
  delete c;
}

/// Evaluates flag `index` for a bound context; one record at `out`. Never fails (an index out of
/// range is the core's error result).
EMSCRIPTEN_KEEPALIVE int rg_flags_eval_bound(engine* e, const rollgate::context* c,
                                             std::uint32_t index, double now_ms,
                                             std::int32_t expected_type, std::int32_t* out) {
  if (e == nullptr || c == nullptr) return -2;
  evaluate_one(*e, *c, index, now_ms, expected_type, out);
  return 0;
}

/// Evaluates every flag for a bound context; flag_count records at `out`.
EMSCRIPTEN_KEEPALIVE int rg_flags_eval_all_bound(engine* e, const rollgate::context* c,
                                                 double now_ms, std::int32_t* out) {
  if (e == nullptr || c == nullptr) return -2;
  return guard(-1, [&] {
    e->evaluate_all(*c, now_ms, out);
    return 0;
  });
}

/// Evaluates every flag and writes only the variation indices (int32, -1 for no value) at `out`:
/// the compact batch form, for callers that map indices to values they already hold.
EMSCRIPTEN_KEEPALIVE int rg_flags_variations(engine* e, const rollgate::context* c,
                                             const std::uint8_t* ctx, std::uint32_t ctx_len,
                                             double now_ms, std::int32_t* out) {
  if (e == nullptr) return -2;
  return guard(-1, [&] {
    const rollgate::context* from = c;
    if (from == nullptr) {
      load(e->ev, e->ctx, e->list, ctx, ctx_len, strings::borrowed);
      from = &e->ctx;
    }
    e->ev.evaluate_all(*from, static_cast<std::int64_t>(now_ms), e->all);
    for (std::size_t i = 0; i < e->all.size(); ++i) out[i] = e->all[i].variation_index;
    return 0;
  });
}
}
