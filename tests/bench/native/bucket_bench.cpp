// Cost of bucketing one unit next to the peer a user would otherwise write: a bare XXH3-64 call on
// the same bytes (xxHash inlined here, as rollgate inlines it in bucket.cpp). Inputs are 8, 16 and
// 36 bytes (36: a UUID). Each benchmark cycles over 256 distinct ids of that length so neither
// the branch predictor nor the cache sees one repeated input.
//
// Goal: a membership check (in_coverage) costs at most 2x the bare XXH3 call; a full assignment
// (in_coverage + pick_variant) is two XXH3 calls by design (two independent draws).
// Run: build/<dir>/tests/bench/native/rollgate_bench --benchmark_filter='Bucket|Xxh3'
#include <benchmark/benchmark.h>

#include <cstdio>  // std::snprintf
#include <string>  // std::string
#include <vector>  // std::vector

#define XXH_INLINE_ALL
#include <xxhash.h>  // the peer: XXH3_64bits, XXH3_64bits_withSeed

#include "rollgate/bucket.hpp"

namespace {

constexpr std::size_t kIdCount = 256;

std::vector<std::string> make_ids(std::size_t length) {
  std::vector<std::string> ids;
  char buf[64];
  for (std::size_t i = 0; i < kIdCount; ++i) {
    if (length == 36) {  // UUID-shaped
      std::snprintf(buf, sizeof buf, "%08zx-4f89-41d3-9a0c-%012zx", i * 2654435761u, i * 40503u);
    } else {
      std::snprintf(buf, sizeof buf, "u%0*zu", static_cast<int>(length - 1), i * 7919u);
    }
    ids.emplace_back(buf, length);
  }
  return ids;
}

void lengths(benchmark::internal::Benchmark* b) {
  b->Arg(8)->Arg(16)->Arg(36);
}

void BM_Xxh3Bare(benchmark::State& state) {
  const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i++ % kIdCount];
    benchmark::DoNotOptimize(XXH3_64bits(id.data(), id.size()));
  }
}
BENCHMARK(BM_Xxh3Bare)->Apply(lengths);

void BM_Xxh3BareWithSeed(benchmark::State& state) {
  const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
  const std::uint64_t seed = rollgate::bucketer("new-checkout").seed();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i++ % kIdCount];
    benchmark::DoNotOptimize(XXH3_64bits_withSeed(id.data(), id.size(), seed));
  }
}
BENCHMARK(BM_Xxh3BareWithSeed)->Apply(lengths);

void BM_BucketInCoverage(benchmark::State& state) {
  const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
  const rollgate::bucketer b("new-checkout");
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(b.in_coverage(ids[i++ % kIdCount], 12'500));
}
BENCHMARK(BM_BucketInCoverage)->Apply(lengths);

void BM_BucketPickVariant(benchmark::State& state) {
  const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
  const rollgate::bucketer b("new-checkout");
  const std::uint32_t weights[] = {10'000, 30'000, 60'000};
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(b.pick_variant(ids[i++ % kIdCount], weights));
}
BENCHMARK(BM_BucketPickVariant)->Apply(lengths);

void BM_BucketDraws(benchmark::State& state) {
  const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
  const rollgate::bucketer b("new-checkout");
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(b.draws(ids[i++ % kIdCount]));
}
BENCHMARK(BM_BucketDraws)->Apply(lengths);

// What a flag evaluation does for a split rollout: membership, then the variant if inside.
void BM_BucketFullAssignment(benchmark::State& state) {
  const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
  const rollgate::bucketer b("new-checkout");
  const std::uint32_t weights[] = {50'000, 50'000};
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i++ % kIdCount];
    benchmark::DoNotOptimize(
        b.in_coverage(id, 50'000) ? static_cast<int>(b.pick_variant(id, weights)) : -1);
  }
}
BENCHMARK(BM_BucketFullAssignment)->Apply(lengths);

}  // namespace
