// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Bucketing (bucket.hpp) as plain exports: JS encodes every unit as UTF-8 into one buffer in WASM
// memory with an offsets array, and one call fills a typed array. Nothing here can throw.
#include <emscripten/emscripten.h>  // EMSCRIPTEN_KEEPALIVE

#include <cstdint>  // std::uint32_t, std::uint64_t

#include "common.hpp"
#include "rollgate/bucket.hpp"  // rollgate::bucketer, bucket_of, draw_fraction

using rollgate::wasm::view;

extern "C" {

/// h / 2^64 for one unit under one salt (bucket_fraction).
EMSCRIPTEN_KEEPALIVE double rg_bucket_fraction(std::uintptr_t unit, std::uint32_t unit_len,
                                               std::uintptr_t salt, std::uint32_t salt_len) {
  return rollgate::bucket_fraction(view(unit, unit_len), view(salt, salt_len));
}

/// Both 64-bit draws of one unit, written as two uint64 at `out` (8-aligned).
EMSCRIPTEN_KEEPALIVE void rg_bucket_draws(std::uintptr_t unit, std::uint32_t unit_len,
                                          std::uintptr_t salt, std::uint32_t salt_len,
                                          std::uint64_t* out) {
  const rollgate::bucketer b(view(salt, salt_len));
  const auto d = b.draws(view(unit, unit_len));
  out[0] = d.coverage;
  out[1] = d.variant;
}

/// What rg_bucket_batch writes per unit.
enum batch_mode : std::uint32_t {
  kFraction = 0,        ///< double: coverage draw / 2^64
  kCoverageBucket = 1,  ///< uint32: bucket_of(coverage draw, kScale)
  kVariantBucket = 2,   ///< uint32: bucket_of(variant draw, kScale)
  kInCoverage = 3,      ///< uint8: 1 iff in_coverage(unit, arg)
};

/// Units are bytes[offsets[i], offsets[i + 1]) for i < count (offsets has count + 1 entries).
/// `arg` is the coverage for kInCoverage. Returns 0, or -1 for an unknown mode.
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
      auto* o = static_cast<std::uint8_t*>(out);
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::string_view unit(bytes + offsets[i], offsets[i + 1] - offsets[i]);
        o[i] = b.in_coverage(unit, arg) ? 1 : 0;
      }
      return 0;
    }
    default:
      return -1;
  }
}

/// pick_variant for one unit under `count` weights at `weights`.
EMSCRIPTEN_KEEPALIVE std::uint32_t rg_pick_variant(std::uintptr_t unit, std::uint32_t unit_len,
                                                   std::uintptr_t salt, std::uint32_t salt_len,
                                                   const std::uint32_t* weights,
                                                   std::uint32_t count) {
  const rollgate::bucketer b(view(salt, salt_len));
  return static_cast<std::uint32_t>(b.pick_variant(view(unit, unit_len), weights, count));
}

/// XXH3-64 of bytes with a seed (split in two 32-bit halves, as JS numbers cannot hold 64 bits),
/// written as one uint64 at `out`.
EMSCRIPTEN_KEEPALIVE void rg_xxh3_64(std::uintptr_t bytes, std::uint32_t len, std::uint32_t seed_lo,
                                     std::uint32_t seed_hi, std::uint64_t* out) {
  const std::uint64_t seed = (std::uint64_t{seed_hi} << 32) | seed_lo;
  *out = rollgate::xxh3_64(view(bytes, len), seed);
}
}
