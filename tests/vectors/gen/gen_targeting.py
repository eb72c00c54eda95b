#!/usr/bin/python3
"""Generates tests/vectors/targeting.json: the operators, options and semantics of issue 18, shared
by the native test (tests/native/flags_targeting_vectors_test.cpp) and the WASM package's test
(tests/node/targeting.test.mjs), so native = WASM is checked on the same cases.

Why this script exists: expectations must not come from rollgate. Each operator has a reference
here built on Python's standard library: `re` (ASCII mode) for `matches`, `ipaddress` for
`inCidr`, len / set logic for the array operators, str.lower on ASCII for `ignoreCase`; bucketing
of number and boolean units reimplements docs/bucketing.md with python3-xxhash over the canonical
text (JavaScript's String(n)). Compile-time problems list the id and JSON pointer expected.

Regenerate (from the repository root):
    /usr/bin/python3 tests/vectors/gen/gen_targeting.py > tests/vectors/targeting.json

Output: {spec_version, cases: [{name, config, context, now, flag, expected}], errors: [{name,
config, problems: [{code, pointer}]}]}, as flags.json for cases. Deterministic.
check_targeting_schema.py then checks every case's config against docs/config.schema.json.
"""

import ipaddress
import json
import re

import xxhash

SCALE = 100000
VARIANT_SEED_MASK = 0x9E3779B97F4A7C15
U64 = (1 << 64) - 1


def seed_of(salt):
    return xxhash.xxh3_64_intdigest(salt.encode("utf-8"))


def coverage_bucket(unit, salt):
    return (xxhash.xxh3_64_intdigest(unit.encode("utf-8"), seed=seed_of(salt)) * SCALE) >> 64


def variant_bucket(unit, salt):
    seed = (seed_of(salt) ^ VARIANT_SEED_MASK) & U64
    return (xxhash.xxh3_64_intdigest(unit.encode("utf-8"), seed=seed) * SCALE) >> 64


def js_string(v):
    """String(v) for the values used below (booleans, integers, short decimals)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if abs(v) >= 1e21:
        return repr(float(v))  # '1e+21', as JavaScript writes it
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    return repr(float(v))


cases = []
errors = []
ON_OFF = [{"key": "on", "value": True}, {"key": "off", "value": False}]


def expected(value, variant, reason, rule=-1, error=None):
    return {"value": value, "variant": variant, "reason": reason, "ruleIndex": rule, "errorCode": error}


def flag_with(condition):
    return {"schemaVersion": 1, "flags": [{
        "key": "f", "variations": ON_OFF, "defaultVariation": "off",
        "rules": [{"conditions": [condition], "serve": {"variation": "on"}}]}]}


def targeting(name, condition, context, matches):
    exp = expected(True, "on", "TARGETING_MATCH", 0) if matches else expected(False, "off", "DEFAULT")
    cases.append({"name": name, "config": flag_with(condition), "context": context, "now": 0, "flag": "f",
                  "expected": exp})


def problem(name, condition, code, pointer):
    errors.append({"name": name, "config": flag_with(condition),
                   "problems": [{"code": code, "pointer": "/flags/0/rules/0/conditions/0" + pointer}]})


# --- matches (reference: Python re, ASCII mode) ------------------------------------------------
REGEX = [
    (r"^[a-z0-9._%+-]+@example\.com$", ["ann@example.com", "ann@example.org", "ANN@EXAMPLE.COM", ""]),
    (r"beta", ["closed-beta-2", "alpha", "BETA"]),
    (r"^v?\d+\.\d+(\.\d+)?$", ["1.2", "v10.20.3", "1.2.", "x1.2"]),
    (r"(a|aa)+$", ["aaaa", "aab", "b"]),
    (r"(?:de|at|ch)-[A-Z]{2}$", ["de-DE", "fr-FR", "ch-de"]),
    (r"\bbot\b", ["googlebot", "a bot here", "bot"]),
    (r"[[:digit:]]{3}", ["ab123", "ab12"]),
    (r"^$", ["", "x"]),
    (r"colou?r", ["my color", "colour", "colr"]),
]
POSIX = {"[[:digit:]]": "[0-9]"}
for pattern, inputs in REGEX:
    py = pattern
    for k, v in POSIX.items():
        py = py.replace(k, v)
    for ic in (False, True):
        flags = re.ASCII | (re.IGNORECASE if ic else 0)
        for text in inputs:
            cond = {"attribute": "s", "op": "matches", "value": pattern}
            if ic:
                cond["ignoreCase"] = True
            targeting("matches%s/%s/%s" % ("-i" if ic else "", pattern, text), cond, {"s": text},
                      re.search(py, text, flags) is not None)
targeting("matches/number-attribute", {"attribute": "s", "op": "matches", "value": "1"}, {"s": 1}, False)
targeting("matches/missing", {"attribute": "s", "op": "matches", "value": ".*"}, {}, False)
targeting("matches/list-attribute", {"attribute": "s", "op": "matches", "value": "a"}, {"s": ["a"]}, False)

# --- ignoreCase on the string operators (reference: ASCII lower) -------------------------------
def lower(s):
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)


STRING_OPS = {
    "equals": lambda a, b: a == b,
    "notEquals": lambda a, b: a != b,
    "contains": lambda a, b: b in a,
    "startsWith": lambda a, b: a.startswith(b),
    "endsWith": lambda a, b: a.endswith(b),
}
for op, ref in STRING_OPS.items():
    for attr, operand in [("Hello World", "hello"), ("Hello World", "WORLD"), ("hello", "HELLO"),
                          ("Straße", "STRASSE"), ("ÄB", "äb"), ("abc", "abcd"), ("", "")]:
        for ic in (False, True):
            cond = {"attribute": "s", "op": op, "value": operand}
            if ic:
                cond["ignoreCase"] = True
            want = ref(lower(attr), lower(operand)) if ic else ref(attr, operand)
            targeting("%s%s/%s/%s" % (op, "-i" if ic else "", attr, operand), cond, {"s": attr}, want)
for op in ("in", "notIn"):
    values = ["DE", "at", "Ch"]
    for attr in ["de", "AT", "CH", "fr", "De"]:
        for ic in (False, True):
            cond = {"attribute": "s", "op": op, "values": values}
            if ic:
                cond["ignoreCase"] = True
            pool = [lower(v) for v in values] if ic else values
            found = (lower(attr) if ic else attr) in pool
            targeting("%s%s/%s" % (op, "-i" if ic else "", attr), cond, {"s": attr},
                      found if op == "in" else not found)
targeting("contains-i/list", {"attribute": "s", "op": "contains", "value": "BETA", "ignoreCase": True},
          {"s": ["alpha", "Beta"]}, True)

# --- exists / isNull -----------------------------------------------------------------------------
for ctx, label in [({}, "missing"), ({"s": None}, "null"), ({"s": ""}, "empty-string"), ({"s": 0}, "zero"),
                   ({"s": False}, "false"), ({"s": []}, "empty-list")]:
    present = "s" in ctx
    targeting("exists/" + label, {"attribute": "s", "op": "exists"}, ctx, present and ctx["s"] is not None)
    targeting("isNull/" + label, {"attribute": "s", "op": "isNull"}, ctx, present and ctx["s"] is None)
    targeting("not-exists/" + label, {"not": {"attribute": "s", "op": "exists"}}, ctx,
              not (present and ctx["s"] is not None))
# null is no value for the other operators (as a missing attribute)
targeting("null/equals", {"attribute": "s", "op": "equals", "value": "x"}, {"s": None}, False)
targeting("null/notEquals", {"attribute": "s", "op": "notEquals", "value": "x"}, {"s": None}, False)
targeting("null/notIn", {"attribute": "s", "op": "notIn", "values": ["x"]}, {"s": None}, False)

# --- inCidr (reference: Python ipaddress; families never cross) -------------------------------
RANGES = ["10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32", "10.1.2.3/32"]
for addr in ["10.20.30.40", "11.0.0.1", "192.168.1.255", "192.168.2.1", "2001:db8:1::5", "2001:db9::1",
             "::ffff:10.0.0.1", "10.1.2.3", "not-an-ip", "010.0.0.1", "fe80::1%eth0", ""]:
    try:
        a = ipaddress.ip_address(addr)
        if "%" in addr or any(len(p) > 1 and p.startswith("0") for p in addr.split(".")):
            raise ValueError(addr)
        want = any(a.version == n.version and a in n
                   for n in (ipaddress.ip_network(r, strict=False) for r in RANGES))
    except ValueError:
        want = False
    targeting("inCidr/" + addr, {"attribute": "ip", "op": "inCidr", "values": RANGES}, {"ip": addr}, want)
targeting("inCidr/host-bits", {"attribute": "ip", "op": "inCidr", "values": ["10.1.2.3/8"]},
          {"ip": "10.200.0.1"}, True)
targeting("inCidr/all-v6", {"attribute": "ip", "op": "inCidr", "values": ["::/0"]}, {"ip": "10.0.0.1"}, False)
targeting("inCidr/number", {"attribute": "ip", "op": "inCidr", "values": ["0.0.0.0/0"]}, {"ip": 1}, False)

# --- arrays: size, containsAny, containsAll, equality ------------------------------------------
SIZE_OPS = {"sizeEquals": lambda n, k: n == k, "sizeLt": lambda n, k: n < k, "sizeLte": lambda n, k: n <= k,
            "sizeGt": lambda n, k: n > k, "sizeGte": lambda n, k: n >= k}
LISTS = [[], ["a"], ["a", "b"], ["a", "b", "c"]]
for op, ref in SIZE_OPS.items():
    for lst in LISTS:
        targeting("%s-2/%s" % (op, ",".join(lst)), {"attribute": "g", "op": op, "value": 2}, {"g": lst},
                  ref(len(lst), 2))
targeting("sizeEquals/string", {"attribute": "g", "op": "sizeEquals", "value": 2}, {"g": "ab"}, False)
for lst in LISTS + [["B", "x"], ["A", "C"]]:
    for ic in (False, True):
        norm = (lambda s: lower(s)) if ic else (lambda s: s)
        have = {norm(x) for x in lst}
        for op, want_vals in (("containsAny", ["a", "c"]), ("containsAll", ["a", "c"]), ("containsAll", [])):
            cond = {"attribute": "g", "op": op, "values": want_vals}
            if ic:
                cond["ignoreCase"] = True
            need = {norm(x) for x in want_vals}
            want = bool(have & need) if op == "containsAny" else need <= have
            targeting("%s%s-%s/%s" % (op, "-i" if ic else "", ",".join(want_vals), ",".join(lst)), cond,
                      {"g": lst}, want)
targeting("containsAny/string", {"attribute": "g", "op": "containsAny", "values": ["a"]}, {"g": "a"}, False)
for lst in LISTS + [["b", "a"], ["A", "B"]]:
    for ic in (False, True):
        cond = {"attribute": "g", "op": "equals", "value": ["a", "b"]}
        if ic:
            cond["ignoreCase"] = True
        want = [lower(x) for x in lst] == ["a", "b"] if ic else lst == ["a", "b"]
        targeting("equals-list%s/%s" % ("-i" if ic else "", ",".join(lst)), cond, {"g": lst}, want)
        cond2 = dict(cond, op="notEquals")
        targeting("notEquals-list%s/%s" % ("-i" if ic else "", ",".join(lst)), cond2, {"g": lst}, not want)

# --- loose versions (reference: hand-derived from the rule in semver.hpp) ----------------------
LOOSE = [("v1.2.0", "semverEq", "1.2.0", True, False), ("1.2", "semverEq", "1.2.0", True, False),
         ("7", "semverGt", "6.9.9", True, False), ("V2.0.0", "semverGte", "2.0.0", True, False),
         ("1.2-rc.1", "semverLt", "1.2.0", False, False), ("01.2.0", "semverEq", "1.2.0", False, False),
         ("1.2.0", "semverEq", "1.2.0", True, True), ("1.10", "semverGt", "v1.9", True, False)]
for attr, op, operand, loose_match, strict_match in LOOSE:
    targeting("loose/%s-%s-%s" % (attr, op, operand),
              {"attribute": "v", "op": op, "value": operand, "versionSyntax": "loose"}, {"v": attr}, loose_match)
    if not operand.startswith("v") and operand.count(".") == 2:
        targeting("strict/%s-%s-%s" % (attr, op, operand), {"attribute": "v", "op": op, "value": operand},
                  {"v": attr}, strict_match)

# --- number and boolean units (reference: XXH3 over String(unit)) ------------------------------
ROLLOUT = {"schemaVersion": 1, "flags": [{
    "key": "units", "bucketBy": "accountId", "variations": ON_OFF, "defaultVariation": "off",
    "fallthrough": {"rollout": {"weights": [{"variation": "on", "weight": 50}, {"variation": "off", "weight": 50}]}}}]}
for unit in [0, 1, 42, 1234567, -3, 2.5, 1e21, True, False, "42"]:
    text = js_string(unit) if not isinstance(unit, str) else unit
    on = variant_bucket(text, "units") < 50000
    cases.append({"name": "unit/%s/%r" % (type(unit).__name__, unit), "config": ROLLOUT,
                  "context": {"accountId": unit}, "now": 0, "flag": "units",
                  "expected": expected(on, "on" if on else "off", "SPLIT")})
cases.append({"name": "unit/null", "config": ROLLOUT, "context": {"accountId": None}, "now": 0, "flag": "units",
              "expected": expected(False, "off", "ERROR", -1, "TARGETING_KEY_MISSING")})
cases.append({"name": "unit/list", "config": ROLLOUT, "context": {"accountId": ["a"]}, "now": 0, "flag": "units",
              "expected": expected(False, "off", "ERROR", -1, "TARGETING_KEY_MISSING")})

# --- semantics: a rule's rollout without a unit falls through to the next rule -----------------
FALL = {"schemaVersion": 1, "flags": [{
    "key": "fall", "variations": [{"key": "a", "value": "A"}, {"key": "b", "value": "B"}, {"key": "c", "value": "C"}],
    "defaultVariation": "c",
    "rules": [{"conditions": [], "serve": {"rollout": {"weights": [{"variation": "a", "weight": 100}]}}},
              {"conditions": [{"attribute": "plan", "op": "equals", "value": "pro"}], "serve": {"variation": "b"}}],
    "fallthrough": {"rollout": {"weights": [{"variation": "a", "weight": 100}]}}}]}
cases.append({"name": "semantics/rule-rollout-no-unit-next-rule", "config": FALL, "context": {"plan": "pro"},
              "now": 0, "flag": "fall", "expected": expected("B", "b", "TARGETING_MATCH", 1)})
cases.append({"name": "semantics/fallthrough-rollout-no-unit-error", "config": FALL, "context": {"plan": "x"},
              "now": 0, "flag": "fall", "expected": expected("C", "c", "ERROR", -1, "TARGETING_KEY_MISSING")})
cases.append({"name": "semantics/rule-rollout-with-unit", "config": FALL, "context": {"targetingKey": "u", "plan": "pro"},
              "now": 0, "flag": "fall", "expected": expected("A", "a", "SPLIT", 0)})

# --- compile-time problems: ids and pointers ----------------------------------------------------
problem("regex/unbalanced", {"attribute": "s", "op": "matches", "value": "(a"}, "rollgate.config.221", "/value")
problem("regex/backreference", {"attribute": "s", "op": "matches", "value": "(a)\\1"}, "rollgate.config.221", "/value")
problem("regex/too-long", {"attribute": "s", "op": "matches", "value": "a" * 1001}, "rollgate.config.221", "/value")
problem("regex/not-string", {"attribute": "s", "op": "matches", "value": 1}, "rollgate.config.212", "/value")
problem("cidr/bad", {"attribute": "ip", "op": "inCidr", "values": ["10.0.0.0/8", "10.0.0.0/33"]},
        "rollgate.config.222", "/values/1")
problem("cidr/zone", {"attribute": "ip", "op": "inCidr", "values": ["fe80::1%eth0"]}, "rollgate.config.222", "/values/0")
problem("cidr/value", {"attribute": "ip", "op": "inCidr", "value": "10.0.0.0/8"}, "rollgate.config.212", "/value")
problem("size/negative", {"attribute": "g", "op": "sizeGt", "value": -1}, "rollgate.config.212", "/value")
problem("size/fraction", {"attribute": "g", "op": "sizeEquals", "value": 1.5}, "rollgate.config.212", "/value")
problem("containsAll/number", {"attribute": "g", "op": "containsAll", "values": ["a", 2]}, "rollgate.config.212",
        "/values/1")
problem("exists/value", {"attribute": "g", "op": "exists", "value": True}, "rollgate.config.212", "/value")
problem("ignoreCase/lt", {"attribute": "n", "op": "lt", "value": 1, "ignoreCase": True}, "rollgate.config.212",
        "/ignoreCase")
problem("ignoreCase/type", {"attribute": "s", "op": "equals", "value": "a", "ignoreCase": "yes"},
        "rollgate.config.201", "/ignoreCase")
problem("versionSyntax/op", {"attribute": "s", "op": "equals", "value": "a", "versionSyntax": "loose"},
        "rollgate.config.212", "/versionSyntax")
problem("versionSyntax/value", {"attribute": "v", "op": "semverEq", "value": "1.0.0", "versionSyntax": "lax"},
        "rollgate.config.212", "/versionSyntax")
problem("loose/bad-operand", {"attribute": "v", "op": "semverEq", "value": "1.2-rc", "versionSyntax": "loose"},
        "rollgate.config.212", "/value")
problem("equals-list/number", {"attribute": "g", "op": "equals", "value": ["a", 1]}, "rollgate.config.212",
        "/value/1")

print(json.dumps({"spec_version": 1,
                  "description": "issue 18 operators, options and semantics; see tests/vectors/gen/gen_targeting.py",
                  "cases": cases, "errors": errors}, indent=None, separators=(",", ":"), ensure_ascii=False)
      .replace('{"name"', '\n{"name"'))
