// libFuzzer target: the bucketing contract (core/include/rollgate/bucket.hpp) on arbitrary bytes.
// Bucketing accepts every input, so any crash or sanitizer report is a finding, and so is a
// broken invariant: buckets in range and equal to the exact 128-bit formula, coverage monotonic,
// variants within range and never a zero weight, fractions in [0, 1), the draws consistent with
// each other, and percent_to_scale either in [0, kScale] and round-tripping or a rollgate.bucket
// error.
#include <fuzzer/FuzzedDataProvider.h>  // splits the input into typed values

#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t, std::uint32_t, std::uint64_t
#include <cstdlib>  // std::abort
#include <string>   // std::string
#include <vector>   // std::vector

#include "rollgate/bucket.hpp"
#include "rollgate/error.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // an invariant failed: libFuzzer saves the input as a crash
}

__extension__ typedef unsigned __int128 u128;

void check_percent(const std::string& text) {
  try {
    const std::uint32_t scaled = rollgate::percent_to_scale(text);
    check(scaled <= rollgate::kScale);
    const std::string back =
        std::to_string(scaled / 1000) + "." + std::to_string(1000 + scaled % 1000).substr(1);
    check(rollgate::percent_to_scale(back) == scaled);
  } catch (const rollgate::error& e) {
    check(e.code() == "rollgate.bucket.301" || e.code() == "rollgate.bucket.302" ||
          e.code() == "rollgate.bucket.303");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::uint64_t x = in.ConsumeIntegral<std::uint64_t>();
  const std::uint32_t n = in.ConsumeIntegral<std::uint32_t>();
  const std::uint32_t c1 = in.ConsumeIntegralInRange<std::uint32_t>(0, rollgate::kScale + 10);
  const std::uint32_t c2 = in.ConsumeIntegralInRange<std::uint32_t>(0, rollgate::kScale + 10);
  std::vector<std::uint32_t> weights(in.ConsumeIntegralInRange<std::size_t>(0, 8));
  for (auto& w : weights) w = in.ConsumeIntegralInRange<std::uint32_t>(0, rollgate::kScale);
  const std::string salt = in.ConsumeRandomLengthString(256);
  const std::string unit = in.ConsumeRemainingBytesAsString();

  // bucket_of: in range and exactly floor(x * n / 2^64).
  const std::uint32_t bucket = rollgate::bucket_of(x, n);
  check(bucket == static_cast<std::uint32_t>((static_cast<u128>(x) * n) >> 64));
  check(n == 0 ? bucket == 0 : bucket < n);

  const rollgate::bucketer b(salt);
  check(b.seed() == rollgate::xxh3_64(salt));
  const rollgate::bucket_draws d = b.draws(unit);
  check(d.coverage == b.coverage_draw(unit) && d.variant == b.variant_draw(unit));
  check(d.coverage == rollgate::xxh3_64(unit, b.seed()));
  check(d.variant == rollgate::xxh3_64(unit, b.seed() ^ rollgate::kVariantSeedMask));

  const double f = rollgate::draw_fraction(d.coverage);
  check(f >= 0.0 && f < 1.0);
  check(f == rollgate::bucket_fraction(unit, salt));

  // Coverage: exact rule, and monotonic in the coverage.
  const std::uint32_t cb = rollgate::bucket_of(d.coverage, rollgate::kScale);
  check(cb < rollgate::kScale);
  check(b.in_coverage(unit, c1) == (c1 >= rollgate::kScale || cb < c1));
  if (c1 <= c2 && b.in_coverage(unit, c1)) check(b.in_coverage(unit, c2));
  check(!b.in_coverage(unit, 0) && b.in_coverage(unit, rollgate::kScale));

  // Variant: in range; the first cumulative weight above the point; never a zero weight when
  // the weights cover the point.
  const std::size_t v = b.pick_variant(unit, weights.data(), weights.size());
  const std::uint32_t vb = rollgate::bucket_of(d.variant, rollgate::kScale);
  if (weights.empty()) {
    check(v == 0);
  } else {
    check(v < weights.size());
    std::uint64_t below = 0;
    for (std::size_t i = 0; i < v; ++i) below += weights[i];
    if (vb < below + weights[v]) {
      check(vb >= below && weights[v] > 0);
    } else {
      check(v == weights.size() - 1);  // the remainder falls to the last variant
    }
  }

  check_percent(salt);
  return 0;
}
