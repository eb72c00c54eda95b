// A backend's use of rollgate flags: load the configuration once, then evaluate per request.
// Runs with examples/native as the working directory (it reads ../configs and ../contexts).
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <rollgate/flags.hpp>

namespace {
std::string read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

int main() {
  // 1. Load once. A bad config throws rollgate::error listing every problem.
  const rollgate::evaluator flags = rollgate::compile(read("../configs/storefront.json"));
  const std::int64_t now = *rollgate::parse_time("2026-11-27T12:00:00Z");  // pinned: 50% ramp step

  // 2. Hot path: resolve flag and attribute ids once, reuse one context for every request.
  const std::size_t checkout = *flags.flag_index("checkout-redesign");
  const rollgate::attribute_id key = flags.attribute("targetingKey");
  const rollgate::attribute_id email = flags.attribute("email");
  rollgate::context ctx(flags);
  int on = 0;
  for (int i = 0; i < 1000; ++i) {
    ctx.clear();
    ctx.set(key, "customer-" + std::to_string(i));
    on += flags.evaluate(checkout, ctx, now).value == "true";
  }
  std::cout << "checkout-redesign at the 50% step: " << on << " of 1000 customers\n";

  ctx.clear();
  ctx.set(key, "ana");
  ctx.set(email, "ana@shop.example");
  const rollgate::evaluation staff = flags.evaluate(checkout, ctx, now);
  std::cout << "staff member: " << staff.value << " (" << rollgate::to_string(staff.reason)
            << ", rule " << staff.rule_index << ")\n";

  // 3. Convenience path: a context from JSON, every flag at once.
  const auto mobile = rollgate::context::from_json(flags, read("../contexts/mobile-beta.json"));
  for (const rollgate::evaluation& r : flags.evaluate_all(mobile, now))
    std::cout << r.to_json() << '\n';

  // 4. Errors are values at evaluation time.
  std::cout << flags.evaluate("no-such-flag", mobile, now).to_json() << '\n';
  try {
    rollgate::compile(R"({"flags": [{"key": "x", "variations": []}]})");
  } catch (const rollgate::error& e) {
    for (const auto& p : e.problems()) std::cout << p.to_string() << '\n';
  }
  return 0;
}
