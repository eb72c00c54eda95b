#!/usr/bin/python3
"""Generates tests/vectors/flags.json: flag-evaluation cases shared by the native and WASM tests.

Why this script exists: the expected results of cases that depend on bucketing must not come from
rollgate itself. This script reimplements just the bucketing (docs/bucketing.md, bucket.hpp) with
an independent XXH3 (Debian's python3-xxhash, which wraps the reference C library) and Python's
big integers, and applies the evaluation order of docs/config.md to decide, for each unit, whether
it is inside the coverage / layer share and which variant it gets. Cases that need no bucketing
(operators, reasons, prerequisites, errors) carry hand-derived expectations written below.

Regenerate (from the repository root):
    apt-get install -y python3-xxhash
    /usr/bin/python3 tests/vectors/gen/gen_flags.py > tests/vectors/flags.json

Each case is self-contained: {name, config, context, now, flag, expected: {value, variant, reason,
ruleIndex, errorCode}}; value/variant are null when no value is served, errorCode null when none.
The output is deterministic.
"""

import json

import xxhash

SPEC_VERSION = 1
SCALE = 100000
VARIANT_SEED_MASK = 0x9E3779B97F4A7C15
U64 = (1 << 64) - 1


# --- bucketing, reimplemented from docs/bucketing.md -------------------------------------------
def seed_of(salt):
    return xxhash.xxh3_64_intdigest(salt.encode("utf-8"))


def coverage_bucket(unit, salt):
    h = xxhash.xxh3_64_intdigest(unit.encode("utf-8"), seed=seed_of(salt))
    return (h * SCALE) >> 64


def variant_bucket(unit, salt):
    v = xxhash.xxh3_64_intdigest(unit.encode("utf-8"), seed=(seed_of(salt) ^ VARIANT_SEED_MASK) & U64)
    return (v * SCALE) >> 64


def units(percent):
    # Percentages with up to 3 decimals, exactly: parse the decimal text, not a float product.
    text = ("%.3f" % percent)
    whole, frac = text.split(".")
    return int(whole) * 1000 + int(frac)


def pick(unit, salt, weights):
    point = variant_bucket(unit, salt)
    cumulative = 0
    for i, (_, w) in enumerate(weights):
        cumulative += units(w)
        if point < cumulative:
            return i
    return len(weights) - 1


# --- helpers to build configs --------------------------------------------------------------------
def variations(*pairs):
    return [{"key": k, "value": v} for k, v in pairs]


def weights_json(weights):
    return [{"variation": k, "weight": w} for k, w in weights]


def expected(value, variant, reason, rule=-1, error=None):
    return {"value": value, "variant": variant, "reason": reason, "ruleIndex": rule, "errorCode": error}


cases = []


def case(name, config, context, now, flag, exp):
    cases.append({"name": name, "config": config, "context": context, "now": now, "flag": flag,
                  "expected": exp})


def config_of(flags, segments=None, layers=None):
    c = {"schemaVersion": 1, "flags": flags}
    if segments:
        c["segments"] = segments
    if layers:
        c["layers"] = layers
    return c


# --- bucketing-dependent cases (expectations computed here) --------------------------------------
VARS3 = [("a", "A"), ("b", "B"), ("c", "C"), ("none", "-")]
W3 = [("a", 20), ("b", 30), ("c", 50)]
rollout_cfg = config_of([{
    "key": "exp", "variations": variations(*VARS3), "defaultVariation": "none",
    "fallthrough": {"rollout": {"weights": weights_json(W3), "coverage": 40}}}])
values3 = dict(VARS3)
for i in range(40):
    unit = "user-%d" % i
    if coverage_bucket(unit, "exp") < units(40):
        k = W3[pick(unit, "exp", W3)][0]
        exp = expected(values3[k], k, "SPLIT")
    else:
        exp = expected("-", "none", "DEFAULT")
    case("rollout-40pct/%s" % unit, rollout_cfg, {"targetingKey": unit}, 0, "exp", exp)

W_DEC = [("a", 33.333), ("b", 33.333), ("c", 33.334)]
salted_cfg = config_of([{
    "key": "salted", "salt": "shared-salt", "bucketBy": "orgId",
    "variations": variations(*VARS3), "defaultVariation": "none",
    "fallthrough": {"rollout": {"weights": weights_json(W_DEC), "coverage": 12.5}}}])
for i in range(30):
    org = "org-%03d" % i
    if coverage_bucket(org, "shared-salt") < units(12.5):
        k = W_DEC[pick(org, "shared-salt", W_DEC)][0]
        exp = expected(values3[k], k, "SPLIT")
    else:
        exp = expected("-", "none", "DEFAULT")
    case("salt-bucketBy-decimals/%s" % org, salted_cfg, {"targetingKey": "someone", "orgId": org}, 0,
         "salted", exp)

T0 = 1795683600000  # 2026-11-26T09:00:00Z
HOUR = 3600000
RAMP = [(T0, 1), (T0 + 5 * HOUR, 10), (T0 + 24 * HOUR, 50), (T0 + 96 * HOUR, 100)]
W_ON = [("on", 100), ("off", 0)]
ramp_cfg = config_of([{
    "key": "checkout", "variations": variations(("on", True), ("off", False)), "defaultVariation": "off",
    "fallthrough": {"rollout": {"weights": weights_json(W_ON),
                                "ramp": [{"at": t, "coverage": c} for t, c in RAMP]}}}])
for i in range(12):
    unit = "ramp-%d" % i
    for now in (T0 - 1, T0, T0 + 5 * HOUR - 1, T0 + 5 * HOUR, T0 + 30 * HOUR, T0 + 96 * HOUR):
        coverage = 0
        for t, c in RAMP:
            if t <= now:
                coverage = units(c)
        if coverage_bucket(unit, "checkout") < coverage:
            exp = expected(True, "on", "SPLIT")
        else:
            exp = expected(False, "off", "DEFAULT")
        case("ramp/%s@%d" % (unit, now), ramp_cfg, {"targetingKey": unit}, now, "checkout", exp)

W_AB = [("control", 50), ("treatment", 50)]
layer_flag = lambda key: {
    "key": key, "variations": variations(("control", 0), ("treatment", 1)), "defaultVariation": "control",
    "fallthrough": {"rollout": {"weights": weights_json(W_AB)}}}
layer_cfg = config_of([layer_flag("e1"), layer_flag("e2")], layers=[{
    "key": "search", "salt": "search-2026",
    "allocations": [{"flag": "e1", "share": 30}, {"flag": "e2", "share": 45.5}]}])
for i in range(25):
    unit = "layer-%d" % i
    pos = coverage_bucket(unit, "search-2026")
    for key, begin, end in (("e1", 0, 30000), ("e2", 30000, 75500)):
        if begin <= pos < end:
            k = W_AB[pick(unit, key, W_AB)][0]
            exp = expected({"control": 0, "treatment": 1}[k], k, "SPLIT")
        else:
            exp = expected(0, "control", "DEFAULT")
        case("layer/%s/%s" % (unit, key), layer_cfg, {"targetingKey": unit}, 0, key, exp)

rule_rollout_cfg = config_of([{
    "key": "r", "variations": variations(("on", True), ("off", False)), "defaultVariation": "off",
    "fallthrough": {"variation": "on"},
    "rules": [{"conditions": [{"attribute": "country", "op": "equals", "value": "DE"}],
               "serve": {"rollout": {"weights": weights_json(W_ON), "coverage": 50}}}]}])
for i in range(10):
    unit = "rr-%d" % i
    inside = coverage_bucket(unit, "r") < units(50)
    case("rule-rollout/%s/DE" % unit, rule_rollout_cfg, {"targetingKey": unit, "country": "DE"}, 0, "r",
         expected(True, "on", "SPLIT", 0) if inside else expected(False, "off", "DEFAULT", 0))
case("rule-rollout/FR", rule_rollout_cfg, {"targetingKey": "rr-0", "country": "FR"}, 0, "r",
     expected(True, "on", "DEFAULT"))
# A rule's rollout that cannot bucket the unit does not match: the fallthrough decides (issue 18).
case("rule-rollout/no-unit", rule_rollout_cfg, {"country": "DE"}, 0, "r",
     expected(True, "on", "DEFAULT"))

# --- pure targeting cases (hand-derived from docs/config.md) -------------------------------------
BOOL = variations(("on", True), ("off", False))


def one_rule(condition, segments=None):
    return config_of([{"key": "f", "variations": BOOL, "defaultVariation": "off",
                       "rules": [{"conditions": [condition], "serve": {"variation": "on"}}]}], segments)


def targeting(name, condition, context, matches, segments=None):
    case("op/" + name, one_rule(condition, segments), context, 0, "f",
         expected(True, "on", "TARGETING_MATCH", 0) if matches else expected(False, "off", "DEFAULT"))


targeting("equals", {"attribute": "country", "op": "equals", "value": "DE"}, {"country": "DE"}, True)
targeting("equals-missing", {"attribute": "country", "op": "equals", "value": "DE"}, {}, False)
targeting("equals-type-mismatch", {"attribute": "n", "op": "equals", "value": 1}, {"n": "1"}, False)
targeting("notEquals", {"attribute": "plan", "op": "notEquals", "value": "free"}, {"plan": "pro"}, True)
targeting("notEquals-missing", {"attribute": "plan", "op": "notEquals", "value": "free"}, {}, False)
targeting("in", {"attribute": "c", "op": "in", "values": ["DE", "AT"]}, {"c": "AT"}, True)
targeting("in-list-attribute", {"attribute": "g", "op": "in", "values": ["x", "y"]}, {"g": ["q", "y"]}, True)
targeting("notIn", {"attribute": "c", "op": "notIn", "values": ["DE", "AT"]}, {"c": "FR"}, True)
targeting("notIn-type-mismatch", {"attribute": "c", "op": "notIn", "values": ["DE"]}, {"c": 5}, False)
targeting("contains", {"attribute": "e", "op": "contains", "value": "@corp"}, {"e": "a@corp.io"}, True)
targeting("contains-list", {"attribute": "g", "op": "contains", "value": "beta"}, {"g": ["beta"]}, True)
targeting("startsWith", {"attribute": "e", "op": "startsWith", "value": "adm"}, {"e": "user"}, False)
targeting("endsWith", {"attribute": "e", "op": "endsWith", "value": ".de"}, {"e": "shop.de"}, True)
targeting("lt", {"attribute": "age", "op": "lt", "value": 18}, {"age": 17.9}, True)
targeting("lte", {"attribute": "age", "op": "lte", "value": 18}, {"age": 18}, True)
targeting("gt", {"attribute": "age", "op": "gt", "value": 18}, {"age": 18}, False)
targeting("gte-string", {"attribute": "age", "op": "gte", "value": 18}, {"age": "30"}, False)
targeting("semverLt-prerelease", {"attribute": "v", "op": "semverLt", "value": "2.0.0"}, {"v": "2.0.0-rc.1"}, True)
targeting("semverGt-numeric", {"attribute": "v", "op": "semverGt", "value": "1.9.0"}, {"v": "1.10.0"}, True)
targeting("semverEq-build", {"attribute": "v", "op": "semverEq", "value": "1.0.0"}, {"v": "1.0.0+42"}, True)
targeting("semverGte-invalid", {"attribute": "v", "op": "semverGte", "value": "1.0.0"}, {"v": "1.0"}, False)
targeting("before-rfc3339", {"attribute": "t", "op": "before", "value": "2026-01-01T00:00:00Z"},
          {"t": "2025-12-31T23:00:00-02:00"}, False)
targeting("after-epoch", {"attribute": "t", "op": "after", "value": "2026-01-01T00:00:00Z"},
          {"t": 1767225600001}, True)
targeting("any-not", {"any": [{"attribute": "a", "op": "equals", "value": 1},
                              {"not": {"attribute": "b", "op": "equals", "value": 2}}]}, {"b": 3}, True)
targeting("all", {"all": [{"attribute": "a", "op": "equals", "value": 1},
                          {"attribute": "b", "op": "equals", "value": 2}]}, {"a": 1}, False)
SEGS = [{"key": "beta", "included": ["u1"], "excluded": ["u2"],
         "rules": [{"conditions": [{"attribute": "groups", "op": "contains", "value": "beta"}]}]}]
targeting("segment-included", {"op": "inSegment", "segment": "beta"}, {"targetingKey": "u1"}, True, SEGS)
targeting("segment-excluded", {"op": "inSegment", "segment": "beta"},
          {"targetingKey": "u2", "groups": ["beta"]}, False, SEGS)
targeting("segment-rule", {"op": "inSegment", "segment": "beta"},
          {"targetingKey": "u3", "groups": ["beta"]}, True, SEGS)

reasons_cfg = config_of([
    {"key": "static", "variations": variations(("only", "x")), "defaultVariation": "only"},
    {"key": "killed", "enabled": False, "variations": variations(("a", 1), ("b", 2)),
     "defaultVariation": "a", "offVariation": "b"},
    {"key": "gated", "variations": BOOL, "defaultVariation": "off", "fallthrough": {"variation": "on"},
     "prerequisites": [{"flag": "base", "variations": ["on"]}]},
    {"key": "base", "variations": BOOL, "defaultVariation": "off", "fallthrough": {"variation": "on"},
     "rules": [{"conditions": [{"attribute": "blocked", "op": "equals", "value": True}],
                "serve": {"variation": "off"}}]},
    {"key": "json", "variations": variations(("cfg", {"a": [1, 2], "b": None})), "defaultVariation": "cfg"},
])
case("reason/static", reasons_cfg, {}, 0, "static", expected("x", "only", "STATIC"))
case("reason/disabled", reasons_cfg, {}, 0, "killed", expected(2, "b", "DISABLED"))
case("reason/prerequisite-met", reasons_cfg, {}, 0, "gated", expected(True, "on", "DEFAULT"))
case("reason/prerequisite-failed", reasons_cfg, {"blocked": True}, 0, "gated",
     expected(False, "off", "DISABLED"))
case("reason/json-value", reasons_cfg, {}, 0, "json", expected({"a": [1, 2], "b": None}, "cfg", "STATIC"))
case("reason/flag-not-found", reasons_cfg, {}, 0, "nope", expected(None, None, "ERROR", -1, "FLAG_NOT_FOUND"))

# One case per line keeps the file reviewable in diffs and small.
print('{"spec_version": %d,' % SPEC_VERSION)
print(' "description": "rollgate flag evaluation vectors; see tests/vectors/gen/gen_flags.py and docs/config.md",')
print(' "cases": [')
print(",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases))
print(" ]}")
