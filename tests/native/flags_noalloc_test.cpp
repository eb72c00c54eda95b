// The hot path allocates nothing: evaluate() by index on a prebuilt context, context::clear() and
// refilling strings that fit the existing buffers, and evaluate_all into a reused vector. This
// executable replaces the global operator new to count allocations inside a window.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "flags_test_support.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

const std::string kConfig = rollgate::test::config_with(
    R"({"key": "f", "variations": [{"key": "on", "value": true}, {"key": "off", "value": false}],
        "defaultVariation": "off",
        "rules": [{"conditions": [{"op": "inSegment", "segment": "beta"}], "serve": {"variation": "on"}},
                  {"conditions": [{"attribute": "v", "op": "semverLt", "value": "2.0.0-rc.1"}], "serve": {"variation": "off"}},
                  {"conditions": [{"any": [{"attribute": "t", "op": "after", "value": "2026-01-01T00:00:00Z"},
                                           {"attribute": "g", "op": "contains", "value": "x"}]}],
                   "serve": {"rollout": {"weights": [{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}], "coverage": 50}}}],
        "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}],
                                    "ramp": [{"at": 0, "coverage": 10}, {"at": 1000, "coverage": 60}]}}},
       {"key": "g", "variations": [{"key": "a", "value": "A"}], "defaultVariation": "a"})",
    R"({"key": "beta", "included": ["u1"], "rules": [{"conditions": [{"attribute": "plan", "op": "in", "values": ["pro", "team"]}]}]})");

TEST(FlagsNoAlloc, EvaluateAndContextReuseDoNotAllocate) {
  const auto ev = rollgate::compile(kConfig);
  rollgate::context ctx(ev);
  const auto key = ev.attribute("targetingKey");
  const auto v = ev.attribute("v");
  const auto t = ev.attribute("t");
  const auto g = ev.attribute("g");
  const auto plan = ev.attribute("plan");
  // Warm the buffers once (strings grow to their largest size here).
  ctx.set(key, "user-000000");
  ctx.set(v, "10.20.30-rc.1");
  ctx.set(t, "2026-06-01T00:00:00Z");
  ctx.set(g, std::vector<std::string_view>{"a", "b", "x"});
  ctx.set(plan, "enterprise");
  std::vector<rollgate::evaluation> out;
  ev.evaluate_all(ctx, 0, out);
  const std::vector<std::string_view> groups = {"x", "y", "z"};

  int splits = 0;
  allocations = 0;
  counting = true;
  for (int i = 0; i < 2000; ++i) {
    ctx.clear();
    char unit[12] = "user-000000";
    for (int d = 0, n = i; d < 6; ++d, n /= 10) unit[10 - d] = static_cast<char>('0' + n % 10);
    ctx.set(key, std::string_view(unit, 11));
    if (i % 2) ctx.set(v, "1.2.3");
    if (i % 3) ctx.set(t, "2026-06-01T00:00:00Z");
    if (i % 5 == 0) ctx.set(g, groups);
    if (i % 7 == 0) ctx.set(plan, "pro");
    ctx.set(ev.attribute("unknown"), 3.0);
    const auto r = ev.evaluate(0, ctx, i);
    splits += r.reason == rollgate::reason::split;
    ev.evaluate_all(ctx, i, out);
  }
  counting = false;
  EXPECT_EQ(allocations.load(), 0);
  EXPECT_GT(splits, 100);  // the loop did reach the bucketing paths
}

TEST(FlagsNoAlloc, TheCounterWorks) {
  counting = true;
  auto* p = new int(5);
  counting = false;
  delete p;
  EXPECT_GE(allocations.load(), 1);
}

}  // namespace
