#!/usr/bin/python3
"""Times scipy.stats.mannwhitneyu (and numpy.quantile) on the same data as
tests/bench/native/stats_bench.cpp, so the native figures have their peer beside them.

The data are generated identically in both programs from SplitMix64 (integer arithmetic, then
u = (z >> 11) * 2^-53, x = 100 u, y = 100 u + 0.5), so no data file is needed.

Run alone:      /usr/bin/python3 tests/bench/scipy_mannwhitneyu.py --n 100000
Run by the benchmark (same run, one table):
  build/h-stats/tests/bench/native/rollgate_bench --benchmark_filter='^BM_(Stats|Sketch|Scipy|Numpy)'
Prints one JSON line: {"n": ..., "seconds_per_call": ..., "statistic": ..., "pvalue": ...}.
"""
import argparse
import json
import time

import numpy as np
import scipy.stats as st

MASK = (1 << 64) - 1


def splitmix_uniform(seed, n):
    """n doubles in [0, 1): u_i from SplitMix64 state seed + (i + 1) * golden (wrapping uint64)."""
    with np.errstate(over="ignore"):
        golden = np.uint64(0x9E3779B97F4A7C15)
        x = np.uint64(seed) + golden * np.arange(1, n + 1, dtype=np.uint64)
        z = x
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--what", choices=["mannwhitneyu", "quantile"], default="mannwhitneyu")
    args = ap.parse_args()
    x = splitmix_uniform(1, args.n) * 100
    y = splitmix_uniform(2, args.n) * 100 + 0.5
    best = best_cpu = float("inf")
    res = None
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        if args.what == "mannwhitneyu":
            res = st.mannwhitneyu(x, y)
        else:
            res = np.quantile(x, [0.5, 0.95, 0.99])
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    # Wall time (as Google Benchmark's "Time" column) and CPU time (its "CPU" column): on a loaded
    # machine compare like with like.
    out = {"n": args.n, "what": args.what, "seconds_per_call": best,
           "cpu_seconds_per_call": best_cpu}
    if args.what == "mannwhitneyu":
        out["statistic"] = float(res.statistic)
        out["pvalue"] = float(res.pvalue)
    else:
        out["quantiles"] = [float(v) for v in res]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
