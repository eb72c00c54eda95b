#!/usr/bin/python3
"""Generates tests/vectors/stats.json: golden values for rollgate's statistics from the reference
implementations a user would check against (Debian's scipy 1.10, numpy 1.24, statsmodels 0.13).

Run:  /usr/bin/python3 tests/vectors/gen/gen_stats.py > tests/vectors/stats.json
(needs python3-scipy, python3-numpy, python3-statsmodels from Debian; the data are generated from
fixed seeds, so re-running gives the same file unless a reference library changes.)

Each case is self-contained: inputs and expected outputs, read by tests/native/stats_*_test.cpp
and by the WASM package's Node tests. Where no library offers the exact thing (the Hodges-Lehmann
confidence interval), the reference is computed here from first principles with exact integer
arithmetic and numpy, following the rank formula written in docs/statistics.md.
"""
import json
import math
import sys
from fractions import Fraction

import numpy as np
import scipy
import scipy.stats as st

try:
    from statsmodels.stats.proportion import proportions_ztest
except ImportError:  # reimplementation of statsmodels' formula (pooled variance, value=0)
    proportions_ztest = None

SPEC_VERSION = 1


def fl(v):
    """A float for JSON: None stands for NaN, strings for infinities."""
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def arr(a):
    return [fl(v) for v in a]


rng = np.random.default_rng(20261126)

# ------------------------------------------------------------------------------------------------
# Mann-Whitney U
mwu = []


def add_mwu(name, x, y, alternatives=("two-sided", "less", "greater"),
            methods=("auto", "exact", "asymptotic"), continuity=(True, False)):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    results = []
    for alt in alternatives:
        for method in methods:
            for cont in continuity:
                if method == "exact" and not cont and len(continuity) > 1:
                    continue  # continuity has no effect on the exact method
                r = st.mannwhitneyu(x, y, use_continuity=cont, alternative=alt, method=method)
                results.append({"alternative": alt, "method": method, "use_continuity": cont,
                                "statistic": fl(r.statistic), "pvalue": fl(r.pvalue)})
    mwu.append({"name": name, "x": arr(x), "y": arr(y), "results": results})


add_mwu("scipy docs example", [19, 22, 16, 29, 24], [20, 11, 17, 12])
add_mwu("n=1 vs n=1", [1.0], [2.0])
add_mwu("small no ties 7x6", rng.normal(size=7), rng.normal(0.5, size=6))
add_mwu("small ties", [1, 2, 2, 3, 3, 3, 4], [2, 3, 4, 4, 5])
add_mwu("all tied", [5, 5, 5], [5, 5], methods=("exact",))
add_mwu("exact with half-integer U", [1, 2, 2.5, 7], [2.5, 3, 4, 5, 6], methods=("exact",))
add_mwu("auto exact 5x200", rng.normal(size=5), rng.normal(0.3, size=200), methods=("auto", "exact"),
        continuity=(True,))
add_mwu("exact 8x300", rng.normal(1.0, size=8), rng.normal(size=300), methods=("exact",),
        continuity=(True,))
add_mwu("exact 40x40", rng.normal(0.4, size=40), rng.normal(size=40), methods=("exact",),
        continuity=(True,))
add_mwu("exact separated 30x30", np.arange(30) + 100.0, np.arange(30), methods=("exact",),
        continuity=(True,))
add_mwu("medium 25x30", rng.normal(size=25), rng.normal(0.2, size=30), methods=("auto",))
add_mwu("large ties 1500x1300", np.round(rng.exponential(2.0, size=1500), 1),
        np.round(rng.exponential(2.2, size=1300), 1), methods=("auto",))
sep = 900
add_mwu("extreme p near 1e-296 (separated 900x900)", np.arange(sep) + sep + 0.5,
        np.arange(sep) * 1.0, methods=("asymptotic",), continuity=(True,))
add_mwu("extreme p (overlapping 1200x1100)", np.round(rng.normal(1.8, 1, size=1200), 3),
        np.round(rng.normal(0, 1, size=1100), 3), methods=("asymptotic",), continuity=(True,))

# ------------------------------------------------------------------------------------------------
# Hodges-Lehmann: estimate = numpy median of all x_i - y_j; CI = [D(k), D(mn+1-k)] (1-based order
# statistics of the sorted differences) with
#   exact:      k = largest k >= 1 with P(U <= k-1) <= alpha/2 (exact null distribution of U,
#               computed here with Python integers)
#   asymptotic: k = max(1, floor(mn/2 + 0.5 - z sqrt(mn(m+n+1)/12))), z = norm.ppf(1 - alpha/2)


def u_counts(m, n):
    """Exact counts f(m, n, k), k = 0..mn (Python integers), by the Gaussian-binomial product."""
    # coefficients of prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), exact in integers
    size = m * n + 1
    c = [0] * size
    c[0] = 1
    for i in range(1, m + 1):
        # multiply by (1 - q^(n+i))
        for k in range(size - 1, n + i - 1, -1):
            c[k] -= c[k - n - i]
        # divide by (1 - q^i): prefix sums with stride i
        for k in range(i, size):
            c[k] += c[k - i]
    return c


hl = []


def add_hl(name, x, y, confidence=0.95, method="auto"):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    m, n = len(x), len(y)
    d = np.sort((x[:, None] - y[None, :]).ravel())
    est = float(np.median(d))
    alpha = 1 - confidence
    used = method
    if used == "auto":
        used = "exact" if (m <= 50 and n <= 50) else "asymptotic"
    mn = m * n
    if used == "exact":
        c = u_counts(m, n)
        total = sum(c)
        k, cum = 1, Fraction(0)
        cdf = []  # cdf[j] = P(U <= j)
        for v in c:
            cum += Fraction(v, total)
            cdf.append(cum)
        best = 1
        for kk in range(1, (mn + 1) // 2 + 1):
            if cdf[kk - 1] <= Fraction(alpha / 2):
                best = kk
        k = best
        achieved = float(1 - 2 * cdf[k - 1])
    else:
        sigma = math.sqrt(mn * (m + n + 1) / 12)
        z = st.norm.ppf(1 - alpha / 2)
        k = max(1, math.floor(mn / 2 + 0.5 - z * sigma))
        achieved = max(0.0, 1 - 2 * st.norm.cdf((k - 0.5 - mn / 2) / sigma))
    hl.append({"name": name, "x": arr(x), "y": arr(y), "confidence": confidence, "method": method,
               "used": used, "estimate": est, "k": k, "lower": float(d[k - 1]),
               "upper": float(d[mn - k]), "achieved_confidence": achieved})


add_hl("tiny 3x4", [1.0, 5.0, 2.0], [0.5, 0.25, 3.0, 1.0])
add_hl("odd count 5x3", [3.1, 2.2, 5.5, 4.0, 1.0], [1.5, 2.5, 0.0])
add_hl("shift +2, 20x25 exact", rng.normal(2, 1, size=20), rng.normal(0, 1, size=25))
add_hl("shift -1, 30x30 exact 90%", rng.normal(-1, 1, size=30), rng.normal(0, 1, size=30),
       confidence=0.9)
add_hl("ties 40x35", np.round(rng.normal(0.5, 1, size=40)), np.round(rng.normal(0, 1, size=35)))
add_hl("asymptotic 40x40", rng.normal(0.3, 1, size=40), rng.normal(0, 1, size=40),
       method="asymptotic")
add_hl("large 400x300", rng.lognormal(0.1, 0.5, size=400), rng.lognormal(0, 0.5, size=300))
add_hl("large 1000x1500 99%", rng.normal(10.2, 3, size=1000), rng.normal(10, 3, size=1500),
       confidence=0.99)
add_hl("1x1", [3.0], [1.0])

# ------------------------------------------------------------------------------------------------
# Welch
welch = []


def add_welch(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    v1, v2 = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (len(x) - 1) + v2 ** 2 / (len(y) - 1))
    results = []
    for alt in ("two-sided", "less", "greater"):
        r = st.ttest_ind(x, y, equal_var=False, alternative=alt)
        results.append({"alternative": alt, "statistic": fl(r.statistic), "pvalue": fl(r.pvalue)})
    welch.append({"name": name, "x": arr(x), "y": arr(y), "df": fl(df), "results": results})


add_welch("scipy docs example", [20, 11, 17, 12], [19, 22, 16, 29, 24])
add_welch("n=2 each", [1.0, 2.0], [3.0, 5.0])
add_welch("unequal variances", rng.normal(0, 1, size=30), rng.normal(0.5, 4, size=12))
add_welch("one constant sample", [2.0, 2.0, 2.0, 2.0], np.round(rng.normal(2.5, 1, size=10), 2))
add_welch("large 3000x2500", np.round(rng.normal(100, 15, size=3000), 2),
          np.round(rng.normal(100.8, 16, size=2500), 2))
add_welch("extreme separation", rng.normal(0, 1, size=400), rng.normal(5, 1, size=400))

welch_stats = []
for (m1, s1, n1, m2, s2, n2) in [(10.0, 2.0, 50, 11.0, 3.0, 40), (0.5, 0.1, 3, 0.4, 0.2, 2),
                                 (1000, 50, 100000, 1000.9, 55, 90000)]:
    for alt in ("two-sided", "less", "greater"):
        r = st.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False, alternative=alt)
        welch_stats.append({"x": {"count": n1, "mean": m1, "variance": s1 * s1},
                            "y": {"count": n2, "mean": m2, "variance": s2 * s2},
                            "alternative": alt, "statistic": fl(r.statistic),
                            "pvalue": fl(r.pvalue)})

# ------------------------------------------------------------------------------------------------
# Two-proportion z-test (statsmodels proportions_ztest, pooled variance, value 0)


def z_test(sx, nx, sy, ny, alt):
    sm_alt = {"two-sided": "two-sided", "less": "smaller", "greater": "larger"}[alt]
    if proportions_ztest is not None:
        z, p = proportions_ztest([sx, sy], [nx, ny], value=0, alternative=sm_alt)
        return float(z), float(p)
    px, py = sx / nx, sy / ny
    pooled = (sx + sy) / (nx + ny)
    z = (px - py) / math.sqrt(pooled * (1 - pooled) * (1 / nx + 1 / ny))
    p = {"two-sided": 2 * st.norm.sf(abs(z)), "greater": st.norm.sf(z),
         "less": st.norm.cdf(z)}[alt]
    return z, float(p)


proportions = []
for (sx, nx, sy, ny) in [(12, 100, 5, 100), (120, 10000, 100, 10000), (3, 7, 6, 9),
                         (0, 50, 4, 60), (50, 50, 45, 50), (51230, 1000000, 50100, 1000000),
                         (900, 1000, 100, 1000)]:
    for alt in ("two-sided", "less", "greater"):
        z, p = z_test(sx, nx, sy, ny, alt)
        proportions.append({"successes_x": sx, "trials_x": nx, "successes_y": sy, "trials_y": ny,
                            "alternative": alt, "statistic": fl(z), "pvalue": fl(p),
                            "reference": "statsmodels" if proportions_ztest else "formula"})

# ------------------------------------------------------------------------------------------------
# Fisher's exact test
fisher = []
for t in [(8, 2, 1, 5), (1, 9, 11, 3), (0, 5, 5, 0), (3, 3, 3, 3), (10, 0, 0, 10), (0, 0, 3, 4),
          (2, 7, 8, 2), (100, 95, 90, 110), (5, 0, 7, 3), (1000, 1010, 950, 1100),
          (12, 5, 3, 14), (0, 1, 1, 0), (7, 17, 15, 5)]:
    for alt in ("two-sided", "less", "greater"):
        odds, p = st.fisher_exact([[t[0], t[1]], [t[2], t[3]]], alternative=alt)
        fisher.append({"table": list(t), "alternative": alt, "odds_ratio": fl(odds),
                       "pvalue": fl(p)})


def hypergeom_cdf_exact(k, M, n1, n):
    """P(X <= k) as an exact rational (Python integers)."""
    return Fraction(sum(math.comb(n1, i) * math.comb(M - n1, n - i)
                        for i in range(max(0, n - (M - n1)), k + 1)), math.comb(M, n))


# Large tables: scipy 1.10's hypergeometric (its vendored Boost) loses digits here (1e-11..1e-10
# relative), so these one-sided cases also carry the exact rational answer.
for t in [(2, 99998, 5, 99995), (0, 1000000, 3, 1000000), (30, 50000, 45, 48000),
          (12, 250000, 2, 240000)]:
    a, b, c, d = t
    M, n1, n = a + b + c + d, a + b, a + c
    for alt in ("two-sided", "less", "greater"):
        odds, p = st.fisher_exact([[a, b], [c, d]], alternative=alt)
        case = {"table": list(t), "alternative": alt, "odds_ratio": fl(odds), "pvalue": fl(p)}
        if alt == "less":
            case["pvalue_exact"] = float(hypergeom_cdf_exact(a, M, n1, n))
        elif alt == "greater":
            case["pvalue_exact"] = float(1 - hypergeom_cdf_exact(a - 1, M, n1, n))
        fisher.append(case)

# ------------------------------------------------------------------------------------------------
# Chi-square goodness of fit / sample-ratio mismatch
srm = []
for counts, shares in [([5023, 4977], [50, 50]), ([9000, 1100], [0.9, 0.1]),
                       ([10, 20, 30], [1, 1, 1]), ([1000, 1060, 905, 1012], [1, 1, 1, 1]),
                       ([90211, 9789], [90, 10]), ([500000, 501500], [1, 1]),
                       ([0, 10], [1, 1])]:
    total = sum(counts)
    expected = [total * s / sum(shares) for s in shares]
    r = st.chisquare(counts, expected)
    srm.append({"counts": counts, "shares": shares, "expected": expected,
                "statistic": fl(r.statistic), "pvalue": fl(r.pvalue), "df": len(counts) - 1})

# ------------------------------------------------------------------------------------------------
# Exact quantiles (numpy default method 'linear')
quant = []
qs = [0, 0.001, 0.01, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]
for name, data in [("one value", [4.2]), ("two values", [1.0, 3.0]),
                   ("normal 101", rng.normal(size=101)), ("lognormal 1000", rng.lognormal(3, 1, 1000)),
                   ("ties", [1, 1, 2, 2, 2, 3, 10, 10]), ("negative", -rng.exponential(5, 37)),
                   ("mixed huge", [1e300, -1e300, 0.0, 5e-324, 1.0, -2.5])]:
    data = np.asarray(data, dtype=float)
    quant.append({"name": name, "values": arr(data), "q": qs,
                  "expected": arr(np.quantile(data, qs))})

doc = {
    "spec_version": SPEC_VERSION,
    "generator": "tests/vectors/gen/gen_stats.py",
    "reference": {"scipy": scipy.__version__, "numpy": np.__version__,
                  "statsmodels": (__import__("statsmodels").__version__
                                  if proportions_ztest else None)},
    "notes": "NaN is null; infinities are the strings 'inf' and '-inf'.",
    "mannwhitneyu": mwu,
    "hodges_lehmann": hl,
    "welch": welch,
    "welch_from_stats": welch_stats,
    "proportions": proportions,
    "fisher": fisher,
    "srm": srm,
    "quantiles": quant,
}
json.dump(doc, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
