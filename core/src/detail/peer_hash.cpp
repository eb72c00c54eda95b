// Peer bucketing hashes (peer_hash.hpp). Each peer's arithmetic is followed literally, including
// its floating-point steps, so the results are the peer's to the last bit; the comments name the
// peer source each rule comes from.
#include "detail/peer_hash.hpp"

#include "detail/utf8.hpp"  // for_each_utf16_unit

namespace rollgate::detail {

namespace {

constexpr std::uint32_t kC1 = 0xCC9E2D51u;
constexpr std::uint32_t kC2 = 0x1B873593u;

std::uint32_t rotl(std::uint32_t x, int r) noexcept {
  return (x << r) | (x >> (32 - r));
}

std::uint32_t mix_k(std::uint32_t k) noexcept {
  return rotl(k * kC1, 15) * kC2;
}

std::uint32_t fmix(std::uint32_t h) noexcept {
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

// MurmurHash3 x86_32 fed one byte at a time, so text can be hashed as it is transformed
// (concatenated, or reduced to UTF-16 low bytes) without building a copy.
class murmur3_stream {
 public:
  explicit murmur3_stream(std::uint32_t seed) noexcept : h_(seed) {}
  void byte(std::uint8_t b) noexcept {
    k_ |= static_cast<std::uint32_t>(b) << (8 * (len_ & 3));
    ++len_;
    if ((len_ & 3) == 0) {
      h_ ^= mix_k(k_);
      h_ = rotl(h_, 13) * 5 + 0xE6546B64u;
      k_ = 0;
    }
  }
  void bytes(std::string_view s) noexcept {
    for (const char c : s) byte(static_cast<std::uint8_t>(c));
  }
  std::uint32_t finish() const noexcept {
    std::uint32_t h = h_;
    if ((len_ & 3) != 0) h ^= mix_k(k_);
    return fmix(h ^ len_);
  }

 private:
  std::uint32_t h_;
  std::uint32_t k_ = 0;
  std::uint32_t len_ = 0;  // the reference takes the length mod 2^32 too
};

// imurmurhash 0.1.4 (flagd-core's dependency), hashing a whole string in one call: blocks of four
// UTF-16 code units c0..c3 become k = c0 ^ c1 << 8 ^ c2 << 16 ^ (c3 & 0xff) << 24 ^
// (c3 & 0xff00) >> 8, so units above 0xff overlap into their neighbours' bytes; the tail is
// c0 ^ c1 << 8 ^ c2 << 16 and is mixed only if it is positive as a signed 32-bit integer
// (`if (k1 > 0)` in result()); the length is the number of code units. For code units below
// 0x100 this is exactly MurmurHash3 over those bytes.
class imurmurhash_stream {
 public:
  void unit(std::uint32_t c) noexcept {
    unit_[n_++] = c & 0xFFFFu;
    ++len_;
    if (n_ == 4) {
      const std::uint32_t k = unit_[0] ^ (unit_[1] << 8) ^ (unit_[2] << 16) ^
                              ((unit_[3] & 0xFFu) << 24) ^ ((unit_[3] & 0xFF00u) >> 8);
      h_ ^= mix_k(k);
      h_ = rotl(h_, 13) * 5 + 0xE6546B64u;
      n_ = 0;
    }
  }
  std::uint32_t finish() const noexcept {
    std::uint32_t k = 0;
    if (n_ >= 3) k ^= unit_[2] << 16;
    if (n_ >= 2) k ^= unit_[1] << 8;
    if (n_ >= 1) k ^= unit_[0];
    std::uint32_t h = h_;
    if (k != 0 && k < 0x80000000u) h ^= mix_k(k);  // JavaScript's `k1 > 0` on an int32
    return fmix(h ^ len_);
  }

 private:
  std::uint32_t unit_[4] = {0, 0, 0, 0};
  int n_ = 0;
  std::uint32_t h_ = 0;
  std::uint32_t len_ = 0;
};

void feed_unleash(murmur3_stream& m, std::string_view s, unleash_text text) noexcept {
  if (text == unleash_text::utf8) {
    m.bytes(s);
  } else {  // murmurhash3js: key.charCodeAt(i) & 0xff
    for_each_utf16_unit(s, [&](std::uint32_t u) { m.byte(static_cast<std::uint8_t>(u & 0xFF)); });
  }
}

}  // namespace

std::uint32_t murmur3_x86_32(std::string_view bytes, std::uint32_t seed) noexcept {
  murmur3_stream m(seed);
  m.bytes(bytes);
  return m.finish();
}

std::uint32_t fnv1a32(std::string_view bytes) noexcept {
  std::uint32_t h = 0x811C9DC5u;
  for (const char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x01000193u;
  }
  return h;
}

// ---- Unleash (unleash-client 6.12.1 lib/strategy/util.js, lib/variant.js,
//      lib/strategy/flexible-rollout-strategy.js; yggdrasil strategy_parsing.rs normalized_hash)

std::uint32_t unleash_hash(std::string_view group_id, std::string_view unit, std::uint32_t seed,
                           unleash_text text) noexcept {
  murmur3_stream m(seed);
  feed_unleash(m, group_id, text);
  m.byte(':');
  feed_unleash(m, unit, text);
  return m.finish();
}

std::uint32_t unleash_normalized(std::string_view group_id, std::string_view unit,
                                 std::uint32_t normalizer, std::uint32_t seed,
                                 unleash_text text) noexcept {
  return unleash_hash(group_id, unit, seed, text) % normalizer + 1;
}

bool unleash_in_rollout(std::string_view group_id, std::string_view unit, double percentage,
                        unleash_text text) noexcept {
  const std::uint32_t v = unleash_normalized(group_id, unit, 100, kUnleashStrategySeed, text);
  return percentage > 0 && static_cast<double>(v) <= percentage;
}

std::optional<std::size_t> unleash_pick_variant(std::string_view group_id, std::string_view unit,
                                                const std::uint32_t* weights, std::size_t count,
                                                unleash_text text) noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < count; ++i) total += weights[i];
  if (total == 0 || total > 0xFFFFFFFFu) return std::nullopt;
  const std::uint32_t target = unleash_normalized(group_id, unit, static_cast<std::uint32_t>(total),
                                                  kUnleashVariantSeed, text);
  std::uint64_t counter = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (weights[i] == 0) continue;
    counter += weights[i];
    if (counter >= target) return i;
  }
  return std::nullopt;  // unreachable: the counter ends at total >= target
}

// ---- GrowthBook (@growthbook/growthbook 1.8.0 dist/esm/util.mjs: hashFnv32a, hash,
//      getBucketRanges, chooseVariation, inRange, inNamespace)

std::uint32_t growthbook_fnv1a32(std::string_view a, std::string_view b) noexcept {
  // `hval ^= charCodeAt(i); hval += (hval << 1) + (hval << 4) + (hval << 7) + (hval << 8) +
  // (hval << 24)` is hval * 0x01000193 mod 2^32, on whole 16-bit code units.
  std::uint32_t h = 0x811C9DC5u;
  const auto step = [&](std::uint32_t unit) {
    h ^= unit;
    h *= 0x01000193u;
  };
  for_each_utf16_unit(a, step);
  for_each_utf16_unit(b, step);
  return h;
}

std::optional<double> growthbook_hash(std::string_view seed, std::string_view value,
                                      int version) noexcept {
  if (version == 2) {
    std::uint32_t inner = growthbook_fnv1a32(seed, value);
    char digits[10];
    std::size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + inner % 10);
      inner /= 10;
    } while (inner != 0);
    char text[10];
    for (std::size_t i = 0; i < n; ++i) text[i] = digits[n - 1 - i];
    const std::uint32_t outer = growthbook_fnv1a32(std::string_view(text, n));
    return static_cast<double>(outer % 10000) / 10000.0;
  }
  if (version == 1) {
    return static_cast<double>(growthbook_fnv1a32(value, seed) % 1000) / 1000.0;
  }
  return std::nullopt;
}

std::vector<std::pair<double, double>> growthbook_bucket_ranges(
    std::size_t variations, double coverage, const std::vector<double>* weights) {
  if (coverage < 0) coverage = 0;
  if (coverage > 1) coverage = 1;
  const std::vector<double> equal(variations,
                                  variations > 0 ? 1.0 / static_cast<double>(variations) : 0.0);
  const std::vector<double>* w = weights != nullptr ? weights : &equal;
  if (w->size() != variations) w = &equal;
  double total = 0;
  for (const double x : *w) total = x + total;  // reduce((w, sum) => sum + w, 0)
  if (total < 0.99 || total > 1.01) w = &equal;
  std::vector<std::pair<double, double>> ranges;
  ranges.reserve(w->size());
  double cumulative = 0;
  for (const double x : *w) {
    const double start = cumulative;
    cumulative += x;
    // Two statements, so no compiler contracts `start + coverage * x` into one fused
    // multiply-add: JavaScript rounds the product first.
    const double span = coverage * x;
    ranges.emplace_back(start, start + span);
  }
  return ranges;
}

int growthbook_choose_variation(double n,
                                const std::vector<std::pair<double, double>>& ranges) noexcept {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (n >= ranges[i].first && n < ranges[i].second) return static_cast<int>(i);
  }
  return -1;
}

bool growthbook_in_namespace(std::string_view unit, std::string_view namespace_id, double start,
                             double end) noexcept {
  // hash("__" + id, unit, 1) = fnv(unit + "__" + id) % 1000 / 1000
  std::uint32_t h = 0x811C9DC5u;
  const auto step = [&](std::uint32_t u) {
    h ^= u;
    h *= 0x01000193u;
  };
  for_each_utf16_unit(unit, step);
  step('_');
  step('_');
  for_each_utf16_unit(namespace_id, step);
  const double n = static_cast<double>(h % 1000) / 1000.0;
  return n >= start && n < end;
}

// ---- flagd (open-feature/flagd core/pkg/evaluator/fractional.go; @openfeature/flagd-core 4.0.1
//      fractional; flagd-testbed evaluator/gherkin/fractional.feature)

std::uint32_t flagd_hash(std::string_view key, flagd_text text) noexcept {
  if (text == flagd_text::utf8) return murmur3_x86_32(key, 0);
  imurmurhash_stream m;
  for_each_utf16_unit(key, [&](std::uint32_t u) { m.unit(u); });
  return m.finish();
}

std::optional<std::size_t> flagd_fractional(std::uint32_t hash, const std::uint32_t* weights,
                                            std::size_t count) noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < count; ++i) total += weights[i];
  if (total == 0 || total > 0x7FFFFFFFu) return std::nullopt;
  const std::uint64_t bucket = (static_cast<std::uint64_t>(hash) * total) >> 32;
  std::uint64_t end = 0;
  for (std::size_t i = 0; i < count; ++i) {
    end += weights[i];
    if (bucket < end) return i;
  }
  return std::nullopt;  // unreachable: bucket < total
}

std::optional<std::size_t> flagd_fractional_v1(std::uint32_t hash, const std::uint32_t* weights,
                                               std::size_t count) noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < count; ++i) total += weights[i];
  if (total == 0) return std::nullopt;
  // math.Abs(float64(int32(hash))) / math.MaxInt32 * 100
  const double magnitude =
      hash < 0x80000000u ? static_cast<double>(hash) : 4294967296.0 - static_cast<double>(hash);
  const double ratio = magnitude / 2147483647.0;
  const double bucket = ratio * 100;
  double end = 0;
  for (std::size_t i = 0; i < count; ++i) {
    end += 100 * static_cast<double>(weights[i]) / static_cast<double>(total);
    if (bucket < end) return i;
  }
  return std::nullopt;
}

}  // namespace rollgate::detail
