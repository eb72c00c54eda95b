#!/usr/bin/python3
"""Peer of BM_CanaryJudge_Samples10k5 (tests/bench/native/canary_bench.cpp): what a Python user
would run for the same 5-metric judgement on 10k samples per arm with scipy/numpy — json.loads of
both payloads, scipy.stats.mannwhitneyu on 3 continuous metrics, numpy quantiles (p50/p95/p99) of
both arms, and two rate tests (scipy.stats.fisher_exact). The Hodges-Lehmann interval is left
out: scipy has none, and numpy's pairwise-difference median on 10k x 10k needs 800 MB; so this
peer does less work than the judge.

Data: same distributions as the native benchmark (log-normal latency/ttfb/cpu), generated with
numpy (the timing does not depend on the exact values).
Run: /usr/bin/python3 tests/bench/scipy_canary_judge.py [--repeat 5]
Prints one JSON line: {"benchmark": ..., "seconds_per_call": ...}.
"""
import argparse
import json
import time

import numpy as np
import scipy.stats as st


def payload(rng, scale):
    def ln(median, sigma):
        return np.round(rng.lognormal(np.log(median * scale), sigma, 10000), 1).tolist()
    return json.dumps({"metrics": {
        "latency": ln(120, 0.35), "ttfb": ln(40, 0.5), "cpu": ln(40, 0.1),
        "errorRate": {"events": 9, "total": 100000},
        "conversion": {"events": 3100, "total": 100000}}})


def judge(base_text, can_text):
    b = json.loads(base_text)["metrics"]
    c = json.loads(can_text)["metrics"]
    out = {}
    for name in ("latency", "ttfb", "cpu"):
        x, y = np.asarray(c[name]), np.asarray(b[name])
        out[name] = (st.mannwhitneyu(x, y).pvalue, np.quantile(x, [0.5, 0.95, 0.99]),
                     np.quantile(y, [0.5, 0.95, 0.99]))
    for name in ("errorRate", "conversion"):
        eb, tb = b[name]["events"], b[name]["total"]
        ec, tc = c[name]["events"], c[name]["total"]
        out[name] = st.fisher_exact([[ec, tc - ec], [eb, tb - eb]])[1]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    base, can = payload(rng, 1.0), payload(rng, 1.02)
    judge(base, can)  # warm-up
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        judge(base, can)
    dt = (time.perf_counter() - t0) / args.repeat
    print(json.dumps({"benchmark": "scipy_canary_judge_samples10k5", "seconds_per_call": dt}))


if __name__ == "__main__":
    main()
