// The flag core's own cost in WebAssembly, with no JavaScript in the loop: the benchmark's flag
// and contexts (tests/bench/native/js_bench_flags.hpp) evaluated in a loop inside the module, so
// that the figures of tests/bench/node/flags.mjs (from JS) and of the native benchmark
// (FlagEval/js_bench, EvaluateAll/js_bench_20) have the middle term between them: what the same
// C++ costs once compiled to WebAssembly. Built and run by tests/bench/node/core-in-wasm.mjs.
//
// Prints one JSON line: {"evaluateNs", "evaluateAllNs"}: the fastest of `rounds` timed loops, in
// wall-clock nanoseconds per call (the module has no CPU clock of its own). Arguments:
// [rounds] [iterations of evaluate_all per round]; evaluate() runs 10x as many.
#include <chrono>   // std::chrono::steady_clock
#include <cstdio>   // std::printf
#include <cstdlib>  // std::atol
#include <vector>   // std::vector

#include "../native/js_bench_flags.hpp"

namespace {

constexpr std::size_t kContexts = 256;  // as the native benchmark cycles over

double now_ns() {
  using namespace std::chrono;
  return static_cast<double>(
      duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count());
}

}  // namespace

int main(int argc, char** argv) {
  const long rounds = argc > 1 ? std::atol(argv[1]) : 5;
  const long all_iterations = argc > 2 ? std::atol(argv[2]) : 200000;
  const long one_iterations = 10 * all_iterations;
  if (rounds <= 0 || all_iterations <= 0) {
    std::fprintf(stderr, "usage: flags_loop [rounds > 0] [iterations > 0]\n");
    return 2;
  }
  const rollgate::evaluator ev = rollgate_bench::js_evaluator(20);
  std::vector<rollgate::context> contexts;
  for (std::size_t i = 0; i < kContexts; ++i)
    contexts.push_back(rollgate::context::from_json(ev, rollgate_bench::js_context(i)));
  std::vector<rollgate::evaluation> out;
  double best_one = 0, best_all = 0;
  long served = 0;  // what the loops computed, printed so that no loop is optimised away
  for (long r = 0; r < rounds; ++r) {
    const double t0 = now_ns();
    for (long i = 0; i < one_iterations; ++i)
      served += ev.evaluate(std::size_t{0}, contexts[static_cast<std::size_t>(i) % kContexts], 0)
                    .variation_index;
    const double t1 = now_ns();
    for (long i = 0; i < all_iterations; ++i) {
      ev.evaluate_all(contexts[static_cast<std::size_t>(i) % kContexts], 0, out);
      served += out[static_cast<std::size_t>(i) % out.size()].variation_index;
    }
    const double t2 = now_ns();
    const double one = (t1 - t0) / static_cast<double>(one_iterations);
    const double all = (t2 - t1) / static_cast<double>(all_iterations);
    if (r == 0 || one < best_one) best_one = one;
    if (r == 0 || all < best_all) best_all = all;
  }
  std::printf("{\"evaluateNs\": %.2f, \"evaluateAllNs\": %.2f, \"served\": %ld}\n", best_one,
              best_all, served);
  return 0;
}
