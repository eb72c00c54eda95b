#!/usr/bin/python3
"""Writes tests/vectors/canary.json: canary judge cases with expected decisions.

Each case holds a config, baseline and canary data (samples, counts, or a sketch written here
from the documented sketch JSON form) and the expected outcome derived from the rules of
docs/canary.md, with p-values and estimates computed by scipy/numpy (python3-scipy 1.10):
  - Mann-Whitney: scipy.stats.mannwhitneyu(canary, baseline) (two-sided, method auto); on
    sketches the same test on the expanded bucket representatives with method='asymptotic'
  - Hodges-Lehmann estimate: numpy median of all pairwise differences canary - baseline
  - Fisher: scipy.stats.fisher_exact([[ec, tc - ec], [eb, tb - eb]])
  - two-proportion z: pooled z, p = 2 * norm.sf(|z|)
  - rate gate bounds: one-sided Clopper-Pearson via scipy.stats.beta.ppf
  - quantiles: numpy.quantile (linear) on samples
  - power (docs/canary.md, "Power"): a Pass needs detectable = (z_{1-alpha/2} + z_{0.8}) se <=
    the allowed change, se from p(1 - p) (rates, at the baseline and at the guarded rate), or
    from (IQR / 1.349)^2 / (3 / pi) (Mann-Whitney); gate-only rate gates from a rate of twice
    the gate with the one-sided z_{1-alpha}; else NoData
Classifications are chosen far from the decision boundaries: the generator checks that the
outcome is the same for confidence-interval ranks k - 3 .. k + 3, so the exact rank convention of
the HL interval cannot flip an expected result.
Regenerate: /usr/bin/python3 tests/vectors/gen/gen_canary.py
"""
import json
import math
import os

import numpy as np
from scipy import stats

rng = np.random.default_rng(426780)
ALPHA = 0.05


def r2(a):
    return [round(float(x), 2) for x in a]


def hl(c, b):
    d = np.subtract.outer(np.asarray(c, float), np.asarray(b, float)).ravel()
    return float(np.median(d)), np.sort(d)


def ci_ranks(n, m, c, b):
    allv = np.concatenate([c, b])
    _, counts = np.unique(allv, return_counts=True)
    N = n + m
    var = n * m / 12 * ((N + 1) - (counts ** 3 - counts).sum() / (N * (N - 1)))
    z = stats.norm.ppf(1 - ALPHA / 2)
    return int(math.floor(n * m / 2 - z * math.sqrt(var)))


def classify(direction, est, lo, hi, p, allowed):
    up, down = direction != "decrease", direction != "increase"
    sig = p < ALPHA
    if up and sig and est > allowed and lo >= allowed:
        return "High"
    if down and sig and est < -allowed and hi <= -allowed:
        return "Low"
    if (up and est > allowed) or (down and est < -allowed):
        return "NoData"
    return "Pass"


POWER = 0.8


def powered(vb, vc, nb, nc, effect, one_sided=False):
    """The power rule of docs/canary.md; asserts the case is not near its boundary."""
    if effect <= 0 or vb + vc <= 0:
        return True
    se = math.sqrt(vc / nc + (vb / nb if nb else 0))
    crit = stats.norm.ppf(1 - (ALPHA if one_sided else ALPHA / 2))
    det = (crit + stats.norm.ppf(POWER)) * se
    assert abs(det - effect) > 0.1 * effect, ("power too close to its boundary", det, effect)
    return det <= effect


def robust_var(x):
    q1, q3 = np.quantile(x, [0.25, 0.75])
    return ((q3 - q1) / 1.349) ** 2 / (3 / math.pi)


def shift_check(metric, c, b):
    c, b = np.asarray(c, float), np.asarray(b, float)
    p = float(stats.mannwhitneyu(c, b, alternative="two-sided").pvalue)
    est, d = hl(c, b)
    allowed = max(metric.get("allowedChange", {}).get("absolute", 0),
                  metric.get("allowedChange", {}).get("relative", 0) * abs(np.quantile(b, 0.5)))
    k = ci_ranks(len(c), len(b), c, b)
    outs = set()
    for kk in range(max(1, k - 3), k + 4):
        outs.add(classify(metric.get("direction", "either"), est, d[kk - 1], d[len(d) - kk], p,
                          allowed))
    assert len(outs) == 1, ("classification depends on the CI rank", metric["name"], outs)
    cls = outs.pop()
    effect = allowed if allowed > 0 else 0.1 * abs(np.quantile(b, 0.5))
    if cls == "Pass" and not powered(robust_var(b), robust_var(c), len(b), len(c), effect):
        cls = "NoData"
    return cls, p, est


def rate_check(metric, eb, tb, ec, tc, test):
    pb, pc = eb / tb, ec / tc
    if test == "fisher":
        p = float(stats.fisher_exact([[ec, tc - ec], [eb, tb - eb]])[1])
    else:
        pool = (eb + ec) / (tb + tc)
        se = math.sqrt(pool * (1 - pool) * (1 / tb + 1 / tc))
        p = 1.0 if se == 0 else float(2 * stats.norm.sf(abs((pc - pb) / se)))
    z = stats.norm.ppf(1 - ALPHA / 2)

    def wilson(k, n):
        ph = k / n
        centre = (ph + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half

    lc, uc = wilson(ec, tc)
    lb, ub = wilson(eb, tb)
    est = pc - pb
    lo = est - math.sqrt((pc - lc) ** 2 + (ub - pb) ** 2)
    hi = est + math.sqrt((uc - pc) ** 2 + (pb - lb) ** 2)
    ac = metric.get("allowedChange", {})
    allowed = max(ac.get("absolute", 0), ac.get("relative", 0) * pb)
    cls = classify(metric.get("direction", "either"), est, lo, hi, p, allowed)
    effect = allowed if allowed > 0 else 0.1 * pb
    d = metric.get("direction", "either")
    up, down = min(1.0, pb + effect), max(0.0, pb - effect)
    alt = up if d == "increase" else down if d == "decrease" else (
        up if up * (1 - up) >= down * (1 - down) else down)
    if cls == "Pass" and not powered(pb * (1 - pb), alt * (1 - alt), tb, tc, effect):
        cls = "NoData"
    return cls, p, est


def sketch_json(values, alpha=0.01):
    """A sketch in the documented JSON form (docs/statistics.md): bucket k = ceil(log(v)/log(g))."""
    g = (1 + alpha) / (1 - alpha)
    keys = [math.ceil(math.log(v) / math.log(g)) for v in values]
    lo, hi = min(keys), max(keys)
    counts = [0] * (hi - lo + 1)
    for k in keys:
        counts[k - lo] += 1
    return {"type": "rollgate.ddsketch", "version": 1, "alpha": alpha, "maxBuckets": 2048,
            "count": len(values), "zeroCount": 0, "min": min(values), "max": max(values),
            "sum": float(sum(values)), "collapsed": False,
            "positive": {"offset": lo, "counts": counts}, "negative": {"offset": 0, "counts": []}}


def expand(sk):
    g = (1 + sk["alpha"]) / (1 - sk["alpha"])
    out = []
    for i, c in enumerate(sk["positive"]["counts"]):
        out += [2 * g ** (sk["positive"]["offset"] + i) / (g + 1)] * c
    return out


cases = []


def decide(cfg, outcomes):
    """Score and decision of docs/canary.md ("Score" and "Decision")."""
    groups, order = {}, []
    for m in cfg["metrics"]:
        g = m.get("group", "default")
        if g not in groups:
            groups[g] = [0.0, 0.0]
            order.append(g)
        o = outcomes[m["name"]]
        if o == "NoData":
            continue
        groups[g][1] += m.get("weight", 1)
        if o == "Pass":
            groups[g][0] += m.get("weight", 1)
    gw = cfg.get("groupWeights", {})
    listed = sum(gw[g] for g in order if g in gw)
    unlisted = [g for g in order if g not in gw]
    rest = max(0.0, 100 - listed) / len(unlisted) if unlisted else 0
    ws = ss = 0.0
    for g in order:
        if groups[g][1] > 0:
            w = gw.get(g, rest)
            ws += w
            ss += w * 100 * groups[g][0] / groups[g][1]
    score = ss / ws if ws > 0 else None
    th = cfg.get("scoreThresholds", {})
    pas, marg = th.get("pass", 100), th.get("marginal", 75)
    crit = [m["name"] for m in cfg["metrics"]
            if m.get("critical") and outcomes[m["name"]] in ("High", "Low")]
    failing = sum(1 for o in outcomes.values() if o in ("High", "Low"))
    blocking = [m["name"] for m in cfg["metrics"]
                if outcomes[m["name"]] == "NoData" and m.get("mustHaveData", True)]
    if crit:
        return "ROLLBACK", score
    if score is None:
        return "HOLD", score
    if failing == 0 and not blocking and score >= pas:
        return "PASS", score
    if score < marg:
        return "ROLLBACK", score
    return "HOLD", score


def add(name, cfg, base, can, expect_metrics):
    outcomes = {k: v["classification"] for k, v in expect_metrics.items()}
    decision, score = decide(cfg, outcomes)
    cases.append({"name": name, "config": cfg, "baseline": {"metrics": base},
                  "canary": {"metrics": can},
                  "expect": {"decision": decision, "score": score, "metrics": expect_metrics}})


LAT = {"name": "latency", "kind": "continuous", "direction": "increase", "critical": True,
       "allowedChange": {"relative": 0.05}}

# 1-3: shifts on samples
b = r2(rng.lognormal(np.log(120), 0.3, 800))
for label, scale, direction, want in (("no change passes", 1.0, "increase", "Pass"),
                                      ("latency +30% rolls back", 1.3, "increase", "High"),
                                      ("latency -30% passes when increase is bad", 0.7,
                                       "increase", "Pass"),
                                      ("latency -30% is Low when either is bad", 0.7, "either",
                                       "Low")):
    c = r2(rng.lognormal(np.log(120 * scale), 0.3, 800))
    m = dict(LAT, direction=direction)
    cls, p, est = shift_check(m, c, b)
    assert cls == want, (label, cls)
    add(label, {"metrics": [m]}, {"latency": b}, {"latency": c},
        {"latency": {"classification": cls, "test": "mannWhitney", "pValue": p, "estimate": est}})

# 4-7: rates
ERR = {"name": "errors", "kind": "rate", "direction": "increase", "critical": True,
       "allowedChange": {"relative": 0.1}}
for label, eb, tb, ec, tc, test, want in (
        ("no errors in either arm passes", 0, 3000, 0, 3000, "fisher", "Pass"),
        ("mostly-zero errors confirmed by Fisher (Kayenta 426)", 0, 18000, 24, 18000, "fisher",
         "High"),
        ("few events hold (minimum-events rule)", 0, 500, 2, 500, "fisher", "NoData"),
        ("large counts use the z-test", 100, 50000, 180, 50000, "proportions", "High")):
    m = dict(ERR, test=test)
    cls, p, est = rate_check(m, eb, tb, ec, tc, test)
    assert cls == want, (label, cls)
    add(label, {"metrics": [m]}, {"errors": {"events": eb, "total": tb}},
        {"errors": {"events": ec, "total": tc}},
        {"errors": {"classification": cls, "test": test, "pValue": p, "estimate": est}})

# 8-9: NoData outcomes
c = r2(rng.lognormal(np.log(120), 0.3, 300))
add("metric missing in the canary holds", {"metrics": [LAT]}, {"latency": b}, {},
    {"latency": {"classification": "NoData"}})
cn = list(c)
cn[5] = None
add("a null (NaN) sample holds", {"metrics": [LAT]}, {"latency": b}, {"latency": cn},
    {"latency": {"classification": "NoData"}})
add("too few samples hold", {"metrics": [LAT]}, {"latency": b}, {"latency": c[:10]},
    {"latency": {"classification": "NoData"}})

# 10-11: absolute gates
gate = {"name": "errorRate", "kind": "rate", "critical": True, "compare": False,
        "gates": [{"stat": "rate", "max": 0.001}]}
for label, k, n, want in (("error rate 0.4% fails the 0.1% gate", 20, 5000, "High"),
                          ("error rate 0.16% is not confirmed above 0.1%", 8, 5000, "NoData"),
                          ("error rate 0.08% meets the 0.1% gate", 16, 20000, "Pass"),
                          ("error rate 0.08% in 5000 requests lacks power", 4, 5000, "NoData")):
    lower = float(stats.beta.ppf(ALPHA, k, n - k + 1)) if k > 0 else 0.0
    rate = k / n
    got = "Pass" if rate <= 0.001 else ("High" if lower > 0.001 else "NoData")
    if got == "Pass" and not powered(0, 0.002 * 0.998, 0, n, 0.001, one_sided=True):
        got = "NoData"
    assert got == want, (label, got)
    add(label, {"metrics": [gate]}, {}, {"errorRate": {"events": k, "total": n}},
        {"errorRate": {"classification": got, "estimate": rate}})
p99gate = {"name": "latency", "compare": False, "gates": [{"stat": "p99", "max": 500}]}
for label, median, want in (("p99 under 500 ms passes", 150, "Pass"),
                            ("p99 over 500 ms fails", 260, "High")):
    c = r2(rng.lognormal(np.log(median), 0.3, 1000))
    q = float(np.quantile(c, 0.99))
    got = "High" if q > 500 else "Pass"
    assert got == want, (label, q)
    add(label, {"metrics": [p99gate]}, {}, {"latency": c},
        {"latency": {"classification": got, "estimate": q}})

# 12: spread widens, median stays (Kayenta 780): the p99 check fails
b2 = r2(rng.normal(100, 5, 2000))
c2 = r2(rng.normal(100, 20, 2000))
m780 = dict(LAT, allowedChange={"relative": 0.1}, quantiles=[0.99])
shift_cls, p, est = shift_check(m780, c2, b2)
assert shift_cls == "Pass"
qb, qc = float(np.quantile(b2, 0.99)), float(np.quantile(c2, 0.99))
above = int((np.asarray(c2) > qb).sum())
p_up = float(stats.binom.sf(above - 1, len(c2), 0.01))
assert qc - qb > 0.1 * qb and p_up < ALPHA
add("spread widens while the median stays (Kayenta 780)", {"metrics": [m780]},
    {"latency": b2}, {"latency": c2},
    {"latency": {"classification": "High", "test": "mannWhitney", "pValue": p, "estimate": est}})

# 13: weighted score between thresholds holds
cfg = {"scoreThresholds": {"pass": 95, "marginal": 80}, "groupWeights": {"a": 60, "b": 40},
       "metrics": [dict(LAT, name="m1", group="a", weight=3, critical=False),
                   dict(LAT, name="m2", group="a", weight=1, critical=False),
                   dict(LAT, name="m3", group="b", critical=False)]}
base, can, exp = {}, {}, {}
for name, scale in (("m1", 1.0), ("m2", 1.4), ("m3", 1.0)):
    bb = r2(rng.lognormal(np.log(100), 0.2, 400))
    cc = r2(rng.lognormal(np.log(100 * scale), 0.2, 400))
    cls, p, est = shift_check(dict(LAT, name=name), cc, bb)
    base[name], can[name] = bb, cc
    exp[name] = {"classification": cls, "test": "mannWhitney", "pValue": p, "estimate": est}
assert [exp[k]["classification"] for k in ("m1", "m2", "m3")] == ["Pass", "High", "Pass"]
add("weighted score 85 between marginal 80 and pass 95 holds", cfg, base, can, exp)

# 14: sketches on both arms (the edge path): binned Mann-Whitney
bs = sketch_json(list(rng.lognormal(np.log(120), 0.3, 3000)))
for label, scale, want in (("sketches: no change passes", 1.0, "Pass"),
                           ("sketches: latency +25% rolls back", 1.25, "High")):
    cs = sketch_json(list(rng.lognormal(np.log(120 * scale), 0.3, 3000)))
    eb, ec = expand(bs), expand(cs)
    p = float(stats.mannwhitneyu(ec, eb, alternative="two-sided", method="asymptotic").pvalue)
    est, d = hl(ec, eb)
    allowed = 0.05 * abs(np.quantile(eb, 0.5))
    k = ci_ranks(len(ec), len(eb), np.asarray(ec), np.asarray(eb))
    outs = {classify("increase", est, d[kk - 1], d[len(d) - kk], p, allowed)
            for kk in range(k - 3, k + 4)}
    assert outs == {want}, (label, outs)
    add(label, {"metrics": [LAT]}, {"latency": bs}, {"latency": cs},
        {"latency": {"classification": want, "test": "mannWhitney (binned)", "pValue": p}})

out = {"spec_version": 1,
       "description": "canary judge: config + baseline + canary -> per-metric classification, "
                      "score and decision (docs/canary.md); generated by "
                      "tests/vectors/gen/gen_canary.py with scipy " + __import__("scipy").__version__,
       "tolerance": {"pValue": 1e-9, "estimate": 1e-9, "score": 1e-9},
       "cases": cases}
with open(os.path.join(os.path.dirname(__file__), "..", "canary.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(len(cases), "cases")
