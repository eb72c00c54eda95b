// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Feature flags (flags.hpp): compile through Embind, evaluate through plain exports.
//
// The per-request path crosses the boundary once: JS encodes the context (attribute ids, already
// interned JS-side, and values) into a reused buffer in WASM memory, then one plain export call
// refills the engine's reusable rollgate::context and evaluates one flag or all of them, writing
// fixed-size integer records. Values and variant keys are string_views into the evaluator, so JS
// decodes each (flag, variation) value once and caches it.
//
// Both binary layouts (the context records JS writes, the evaluation records JS reads) and the
// enum orders are specified here and only here: flagsLayout() hands them to wasm/js/flags.js at
// start-up, which builds its tables from it.
//
// Context encoding, little-endian, one record after another, each starting 8-aligned:
//   u8 kind, u8 pad[3], u32 attribute id, then by kind:
//   string: u32 byte length, bytes (padded to 4)   number: f64 (any value; the core refuses
//   non-finite ones)   true, false, null: nothing   list: u32 count, then count x (u32 length,
//   bytes padded to 4)   bad: u32 list index + 1 (0: the attribute's value itself), u32 length of
//   the value's JS type name, its bytes (padded to 4): a value the encoder cannot represent,
//   reported by the core as context_value_problem. Attribute id kUnknownAttribute in a bad record
//   means the context itself (context_type_problem).
#include <emscripten/bind.h>        // EMSCRIPTEN_BINDINGS, class_
#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <cmath>        // std::isfinite
#include <cstdint>      // std::int32_t, std::uint32_t, std::uintptr_t
#include <cstring>      // std::memcpy
#include <iterator>     // std::size
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
  out += "],\"record\":{\"size\":" + std::to_string(kRecord);
  for (int i = 0; i < kRecord; ++i)
    out += ",\"" + std::string(kRecordFields[i]) + "\":" + std::to_string(i);
  out += "},\"context\":{\"align\":8";
  for (int k = kString; k <= kBad; ++k)
    out += ",\"" + std::string(kContextKinds[k]) + "\":" + std::to_string(k);
  out += "}}";
  return out;
}

struct engine {
  rollgate::evaluator ev;
  rollgate::context ctx;
  rollgate::context empty;  // for keys the JS layer does not know (rg_flags_eval_key)
  std::vector<rollgate::evaluation> all;
  std::vector<std::string_view> list;  // reused for list attributes

  explicit engine(rollgate::evaluator e) : ev(std::move(e)), ctx(ev), empty(ev) {}

  std::uintptr_t address() const { return reinterpret_cast<std::uintptr_t>(this); }
  std::string info() const { return ev.describe(); }

  /// Refills ctx from the encoded buffer.
  /// @throws rollgate::error the core's rollgate.config.250 problems for bad values (all of
  ///         them); rollgate.js.802 for a malformed buffer (a bug in the JS encoder)
  void load(const std::uint8_t* p, std::uint32_t len) {
    ctx.clear();
    const std::uint8_t* const begin = p;
    const std::uint8_t* const end = p + len;
    std::vector<rollgate::problem> problems;  // empty (no allocation) unless a value is bad
    const auto malformed = [this]() {
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
          ctx.set(id, *s);
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
          ctx.set(id, list);
          break;
        }
        case kNull:
          ctx.unset(id);
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
};

engine* compile_flags(std::string config) {
  return guard(static_cast<engine*>(nullptr),
               [&] { return new engine(rollgate::compile(config)); });
}

/// JSON array of every problem ([] when valid), never throws.
std::string validate_flags(std::string config) {
  return guard(std::string(), [&] { return rollgate::to_json(rollgate::validate(config)); });
}

}  // namespace

extern "C" {

/// Loads the encoded context and evaluates flag `index`; writes one record at `out`.
/// expected_type < 0: no type check; else a rollgate::value_type (type_mismatch if it differs).
/// Returns 0, or -1 with the last error set (a bad context).
EMSCRIPTEN_KEEPALIVE int rg_flags_eval(engine* e, std::uint32_t index, const std::uint8_t* ctx,
                                       std::uint32_t ctx_len, double now_ms,
                                       std::int32_t expected_type, std::int32_t* out) {
  if (e == nullptr) return -2;  // JS calls once with null at start-up to resolve the export
  return guard(-1, [&] {
    e->load(ctx, ctx_len);
    const auto now = static_cast<std::int64_t>(now_ms);
    write(expected_type < 0 ? e->ev.evaluate(index, e->ctx, now)
                            : e->ev.evaluate(index, e->ctx, now,
                                             static_cast<rollgate::value_type>(expected_type)),
          out);
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
    e->load(ctx, ctx_len);
    e->ev.evaluate_all(e->ctx, static_cast<std::int64_t>(now_ms), e->all);
    for (std::size_t i = 0; i < e->all.size(); ++i) write(e->all[i], out + kRecord * i);
    return 0;
  });
}
}

EMSCRIPTEN_BINDINGS(rollgate_flags) {
  using namespace emscripten;
  class_<engine>("FlagEngine")
      .function("address", &engine::address)
      .function("info", &engine::info);
  function("compileFlags", &compile_flags, allow_raw_pointers());
  function("validateFlags", &validate_flags);
  function("flagsLayout", &flags_layout);
}
