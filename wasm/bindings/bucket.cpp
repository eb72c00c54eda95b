// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Bucketing (bucket.hpp) as plain exports: one unit at a time, or many at once (JS encodes every
// unit as UTF-8 into one buffer in WASM memory with an offsets array, and one call fills a typed
// array). Arguments a caller chooses (coverage, weights, percentages) are checked by the core;
// a refused one returns a negative sentinel with the core's error as the last error.
#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <cstdint>  // std::uint32_t, std::uint64_t
#include <cstring>  // std::memcpy
#include <new>      // std::nothrow
#include <utility>  // std::move
#include <vector>   // std::vector

#include "common.hpp"
#include "rollgate/bucket.hpp"  // rollgate::bucketer, bucket_of, draw_fraction, checks

using rollgate::wasm::guard;
using rollgate::wasm::view;

extern "C" {

/// kScale, the unit of coverage and weights (JS: BUCKET_SCALE).
EMSCRIPTEN_KEEPALIVE std::uint32_t rg_bucket_scale() {
  return rollgate::kScale;
}

/// h / 2^64 for one unit under one salt (bucket_fraction).
EMSCRIPTEN_KEEPALIVE double rg_bucket_fraction(std::uintptr_t unit, std::uint32_t unit_len,
                                               std::uintptr_t salt, std::uint32_t salt_len) {
  return rollgate::bucket_fraction(view(unit, unit_len), view(salt, salt_len));
}

/// Both 64-bit draws of one unit, then their kScale buckets and the coverage fraction, at `out`
/// (8-aligned): u64 coverage draw, u64 variant draw, u32 coverage bucket, u32 variant bucket,
/// f64 fraction.
EMSCRIPTEN_KEEPALIVE void rg_bucket_draws(std::uintptr_t unit, std::uint32_t unit_len,
                                          std::uintptr_t salt, std::uint32_t salt_len,
                                          std::uint64_t* out) {
  const rollgate::bucketer b(view(salt, salt_len));
  const auto d = b.draws(view(unit, unit_len));
  out[0] = d.coverage;
  out[1] = d.variant;
  const std::uint32_t buckets[2] = {rollgate::bucket_of(d.coverage, rollgate::kScale),
                                    rollgate::bucket_of(d.variant, rollgate::kScale)};
  const double fraction = rollgate::draw_fraction(d.coverage);
  std::memcpy(out + 2, buckets, sizeof buckets);  // memcpy: no aliasing of out's uint64 storage
  std::memcpy(out + 3, &fraction, sizeof fraction);
}

/// bucket_of(draw, n) for a draw given as two 32-bit halves (JS numbers cannot hold 64 bits).
EMSCRIPTEN_KEEPALIVE std::uint32_t rg_bucket_of(std::uint32_t draw_lo, std::uint32_t draw_hi,
                                                std::uint32_t n) {
  return rollgate::bucket_of((std::uint64_t{draw_hi} << 32) | draw_lo, n);
}

/// in_rollout for one unit: 1 inside, 0 outside, -1 when the coverage is refused.
EMSCRIPTEN_KEEPALIVE int rg_in_rollout(std::uintptr_t unit, std::uint32_t unit_len,
                                       std::uintptr_t salt, std::uint32_t salt_len,
                                       std::uint32_t coverage) {
  return guard(-1, [&] {
    return rollgate::in_rollout(view(unit, unit_len), view(salt, salt_len), coverage) ? 1 : 0;
  });
}

/// What rg_bucket_batch writes per unit.
enum batch_mode : std::uint32_t {
  kFraction = 0,        ///< double: coverage draw / 2^64
  kCoverageBucket = 1,  ///< uint32: bucket_of(coverage draw, kScale)
  kVariantBucket = 2,   ///< uint32: bucket_of(variant draw, kScale)
  kInCoverage = 3,      ///< uint8: 1 iff in_coverage(unit, arg)
};

/// Units are bytes[offsets[i], offsets[i + 1]) for i < count (offsets has count + 1 entries).
/// `arg` is the coverage for kInCoverage. Returns 0, or -1 for an unknown mode or a refused
/// coverage (then with the last error set).
EMSCRIPTEN_KEEPALIVE int rg_bucket_batch(std::uintptr_t salt, std::uint32_t salt_len,
                                         const char* bytes, const std::uint32_t* offsets,
                                         std::uint32_t count, std::uint32_t mode, std::uint32_t arg,
                                         void* out) {
  const rollgate::bucketer b(view(salt, salt_len));
  switch (mode) {
    case kFraction: {
      auto* o = static_cast<double*>(out);
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::string_view unit(bytes + offsets[i], offsets[i + 1] - offsets[i]);
        o[i] = rollgate::draw_fraction(b.coverage_draw(unit));
      }
      return 0;
    }
    case kCoverageBucket:
    case kVariantBucket: {
      auto* o = static_cast<std::uint32_t*>(out);
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::string_view unit(bytes + offsets[i], offsets[i + 1] - offsets[i]);
        const std::uint64_t d =
            mode == kCoverageBucket ? b.coverage_draw(unit) : b.variant_draw(unit);
        o[i] = rollgate::bucket_of(d, rollgate::kScale);
      }
      return 0;
    }
    case kInCoverage: {
      if (guard(false, [&] {
            rollgate::check_coverage(arg);
            return true;
          }) == false) {
        return -1;
      }
      auto* o = static_cast<std::uint8_t*>(out);
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::string_view unit(bytes + offsets[i], offsets[i + 1] - offsets[i]);
        o[i] = b.in_coverage(unit, arg) ? 1 : 0;
      }
      return 0;
    }
    default:
      rollgate::wasm::set_error("rollgate.js.802", "internal error: unknown bucket batch mode");
      return -1;
  }
}

/// pick_variant (checked) for one unit under `count` weights at `weights`; -1 when the weights
/// are refused.
EMSCRIPTEN_KEEPALIVE std::int32_t rg_pick_variant(std::uintptr_t unit, std::uint32_t unit_len,
                                                  std::uintptr_t salt, std::uint32_t salt_len,
                                                  const std::uint32_t* weights,
                                                  std::uint32_t count) {
  return guard(std::int32_t{-1}, [&] {
    return static_cast<std::int32_t>(
        rollgate::pick_variant(view(unit, unit_len), view(salt, salt_len), weights, count));
  });
}

/// percent_to_scale(double); -1 when refused.
EMSCRIPTEN_KEEPALIVE std::int32_t rg_percent_to_scale(double percent) {
  return guard(std::int32_t{-1},
               [&] { return static_cast<std::int32_t>(rollgate::percent_to_scale(percent)); });
}

/// rate_to_scale(double); -1 when refused.
EMSCRIPTEN_KEEPALIVE std::int32_t rg_rate_to_scale(double rate) {
  return guard(std::int32_t{-1},
               [&] { return static_cast<std::int32_t>(rollgate::rate_to_scale(rate)); });
}

/// weights_to_scale for `count` doubles at `weights`, written as uint32 at `out`; -1 when refused.
EMSCRIPTEN_KEEPALIVE std::int32_t rg_weights_to_scale(const double* weights, std::uint32_t count,
                                                      std::uint32_t* out) {
  return guard(std::int32_t{-1}, [&] {
    rollgate::weights_to_scale(weights, count, out);
    return std::int32_t{0};
  });
}

/// A bucketer for one salt (its seed, the salt's hash, computed once), for JS's Bucketer: units
/// bucketed again and again under one salt skip hashing the salt. nullptr when out of memory.
EMSCRIPTEN_KEEPALIVE rollgate::bucketer* rg_bucketer_new(std::uintptr_t salt,
                                                         std::uint32_t salt_len) {
  return new (std::nothrow) rollgate::bucketer(view(salt, salt_len));
}

/// Frees a bucketer from rg_bucketer_new (null is ignored).
EMSCRIPTEN_KEEPALIVE void rg_bucketer_free(rollgate::bucketer* b) {
  delete b;
}

/// The coverage draw of `unit` as a fraction in [0, 1), under the bucketer's salt; 0 for a null
/// bucketer.
EMSCRIPTEN_KEEPALIVE double rg_bucketer_fraction(const rollgate::bucketer* b, std::uintptr_t unit,
                                                 std::uint32_t unit_len) {
  if (b == nullptr) return 0;
  return rollgate::draw_fraction(b->coverage_draw(view(unit, unit_len)));
}

/// in_rollout under the bucketer's salt: 1 inside, 0 outside, -1 when the coverage is refused
/// (rollgate.bucket.304, the last error) or the bucketer is null.
EMSCRIPTEN_KEEPALIVE int rg_bucketer_in_rollout(const rollgate::bucketer* b, std::uintptr_t unit,
                                                std::uint32_t unit_len, std::uint32_t coverage) {
  if (b == nullptr) return -1;
  if (auto problem = rollgate::try_check_coverage(coverage)) {  // the core's rule, no throw
    rollgate::wasm::set_error(rollgate::error(std::vector<rollgate::problem>{std::move(*problem)}));
    return -1;
  }
  return b->in_coverage(view(unit, unit_len), coverage) ? 1 : 0;
}

/// XXH3-64 of bytes with a seed (split in two 32-bit halves, as JS numbers cannot hold 64 bits),
/// written as one uint64 at `out`.
EMSCRIPTEN_KEEPALIVE void rg_xxh3_64(std::uintptr_t bytes, std::uint32_t len, std::uint32_t seed_lo,
                                     std::uint32_t seed_hi, std::uint64_t* out) {
  const std::uint64_t seed = (std::uint64_t{seed_hi} << 32) | seed_lo;
  *out = rollgate::xxh3_64(view(bytes, len), seed);
}
}
