// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Feature flags (flags.hpp): compile through Embind, evaluate through plain exports.
//
// The per-request path crosses the boundary once: JS encodes the context (attribute ids, already
// interned JS-side, and values) into a reused buffer in WASM memory, then one plain export call
// refills the engine's reusable rollgate::context and evaluates one flag or all of them, writing
// fixed-size integer records. Values and variant keys are string_views into the evaluator, so JS
// decodes each (flag, variation) value once and caches it.
//
// Context encoding, little-endian, one record after another:
//   u8 kind, u8 pad[3], u32 attribute id, then by kind:
//   1 string: u32 byte length, bytes (padded to 4)   2 number: f64 (8-aligned: record at 8k)
//   3 true   4 false   5 list: u32 count, then count x (u32 length, bytes padded to 4)   6 null
// Records start 8-aligned (JS pads), so the f64 is aligned.
#include <emscripten/bind.h>        // EMSCRIPTEN_BINDINGS, class_
#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <cstdint>      // std::int32_t, std::uint32_t, std::uintptr_t
#include <cstring>      // std::memcpy
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "common.hpp"
#include "rollgate/flags.hpp"  // rollgate::compile, evaluator, context, evaluation

namespace {

using rollgate::wasm::guard;
using rollgate::wasm::json_quote;

struct engine {
  rollgate::evaluator ev;
  rollgate::context ctx;
  std::vector<rollgate::evaluation> all;
  std::vector<std::string_view> list;  // reused for list attributes

  explicit engine(rollgate::evaluator e) : ev(std::move(e)), ctx(ev) {}

  std::uintptr_t address() const { return reinterpret_cast<std::uintptr_t>(this); }

  /// {"flags":[{"key","type"}],"attributes":[names]} in id / index order.
  std::string info() const {
    std::string out = "{\"flags\":[";
    for (std::size_t i = 0; i < ev.flag_count(); ++i) {
      if (i) out += ',';
      out += "{\"key\":" + json_quote(ev.flag_key(i)) + ",\"type\":\"" +
             rollgate::to_string(ev.flag_type(i)) + "\"}";
    }
    out += "],\"attributes\":[";
    for (std::size_t i = 0; i < ev.attribute_count(); ++i) {
      if (i) out += ',';
      out += json_quote(ev.attribute_name(static_cast<rollgate::attribute_id>(i)));
    }
    out += "]}";
    return out;
  }

  /// Refills ctx from the encoded buffer; false on a malformed buffer (a bug in the JS encoder).
  bool load(const std::uint8_t* p, std::uint32_t len) {
    ctx.clear();
    const std::uint8_t* end = p + len;
    auto u32 = [](const std::uint8_t* at) {
      std::uint32_t v;
      std::memcpy(&v, at, 4);
      return v;
    };
    auto pad = [](std::uint32_t n) { return (n + 3u) & ~3u; };
    while (p < end) {
      if (end - p < 8) return false;
      const std::uint8_t kind = p[0];
      const rollgate::attribute_id id = u32(p + 4);
      p += 8;
      switch (kind) {
        case 1: {
          if (end - p < 4) return false;
          const std::uint32_t n = u32(p);
          p += 4;
          if (static_cast<std::uint32_t>(end - p) < n) return false;
          ctx.set(id, std::string_view(reinterpret_cast<const char*>(p), n));
          p += pad(n);
          break;
        }
        case 2: {
          if (end - p < 8) return false;
          double d;
          std::memcpy(&d, p, 8);
          ctx.set(id, d);
          p += 8;
          break;
        }
        case 3:
          ctx.set(id, true);
          break;
        case 4:
          ctx.set(id, false);
          break;
        case 5: {
          if (end - p < 4) return false;
          const std::uint32_t count = u32(p);
          p += 4;
          list.clear();
          for (std::uint32_t i = 0; i < count; ++i) {
            if (end - p < 4) return false;
            const std::uint32_t n = u32(p);
            p += 4;
            if (static_cast<std::uint32_t>(end - p) < n) return false;
            list.emplace_back(reinterpret_cast<const char*>(p), n);
            p += pad(n);
          }
          ctx.set(id, list);
          break;
        }
        case 6:
          ctx.unset(id);
          break;
        default:
          return false;
      }
      // Next record starts 8-aligned relative to the buffer start (JS pads the same way).
      while ((reinterpret_cast<std::uintptr_t>(p) & 7u) != 0 && p < end) ++p;
    }
    return true;
  }
};

/// Ten int32 per evaluation: variation index, reason, rule index, error code, then (address,
/// length) of the value JSON, of the variant key and of the error message.
constexpr int kRecord = 10;

void write(const rollgate::evaluation& e, std::int32_t* o) {
  o[0] = e.variation_index;
  o[1] = static_cast<std::int32_t>(e.reason);
  o[2] = e.rule_index;
  o[3] = static_cast<std::int32_t>(e.error_code);
  o[4] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(e.value.data()));
  o[5] = static_cast<std::int32_t>(e.value.size());
  o[6] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(e.variant.data()));
  o[7] = static_cast<std::int32_t>(e.variant.size());
  o[8] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(e.error_message.data()));
  o[9] = static_cast<std::int32_t>(e.error_message.size());
}

engine* compile_flags(std::string config) {
  return guard(static_cast<engine*>(nullptr),
               [&] { return new engine(rollgate::compile(config)); });
}

/// JSON array of every problem ([] when valid), never throws.
std::string validate_flags(std::string config) {
  const auto problems = rollgate::validate(config);
  std::string out = "[";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i) out += ',';
    out += "{\"code\":" + json_quote(problems[i].code) +
           ",\"pointer\":" + json_quote(problems[i].pointer) +
           ",\"message\":" + json_quote(problems[i].message) + "}";
  }
  return out + "]";
}

}  // namespace

extern "C" {

/// Loads the encoded context and evaluates flag `index`; writes one record at `out`.
/// expected_type < 0: no type check; else a rollgate::value_type (type_mismatch if it differs).
/// Returns 0, or -1 if the context buffer is malformed.
EMSCRIPTEN_KEEPALIVE int rg_flags_eval(engine* e, std::uint32_t index, const std::uint8_t* ctx,
                                       std::uint32_t ctx_len, double now_ms,
                                       std::int32_t expected_type, std::int32_t* out) {
  if (e == nullptr) return -2;  // JS calls once with null at start-up to resolve the export
  return guard(-1, [&] {
    if (!e->load(ctx, ctx_len)) return -1;
    const auto now = static_cast<std::int64_t>(now_ms);
    write(expected_type < 0 ? e->ev.evaluate(index, e->ctx, now)
                            : e->ev.evaluate(index, e->ctx, now,
                                             static_cast<rollgate::value_type>(expected_type)),
          out);
    return 0;
  });
}

/// Loads the encoded context and evaluates every flag; writes flag_count records at `out`.
EMSCRIPTEN_KEEPALIVE int rg_flags_eval_all(engine* e, const std::uint8_t* ctx,
                                           std::uint32_t ctx_len, double now_ms,
                                           std::int32_t* out) {
  if (e == nullptr) return -2;
  return guard(-1, [&] {
    if (!e->load(ctx, ctx_len)) return -1;
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
}
