#!/usr/bin/python3
"""Writes tests/vectors/serving_state.json: rollout states an edge serves by, and what each reads as.

A serving state is what the coordinator hands every edge instance (docs/edge.md, "Internal: GET
/__rollgate/internal/state"). The expected reading of each case is derived here from the rules of
rollgate/serving_state.hpp and docs/edge.md ("Fail-open"), written independently of the C++ code:
the first problem in the documented order, or the fields an edge acts on and the state in force at
`now_ms` (an announced `next` applies from its `at`). The native test, the package (both WASM
flavours) and the Fastly service's self-test module read the same file.
Regenerate: python3 tests/vectors/gen/gen_serving_state.py
"""
import json
import math
import os

SCALE = 100000  # rollgate::kScale, docs/bucketing.md


def truthy(v):
    """JavaScript's truthiness, which the states were first read with."""
    return not (v is None or v is False or v == 0 and not isinstance(v, bool) and isinstance(v, (int, float)) or v == "")


def coverage_ok(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            and 0 <= v <= SCALE and v == math.floor(v))


def read(text, now_ms):
    try:
        st = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except ValueError:
        return {"problem": "state is not JSON"}
    if not isinstance(st, dict):
        return {"problem": "state is not an object"}
    if not coverage_ok(st.get("coverage")):
        return {"problem": "coverage out of range"}
    origins = st.get("origins")
    if not isinstance(origins, dict):
        return {"problem": "origins missing"}
    salt = st.get("salt")
    has_canary = isinstance(origins.get("canary"), str)
    has_target = truthy(st.get("target"))

    def needs_canary(c):
        return c > 0 and not has_target and (not (isinstance(salt, str) and salt) or not has_canary)
    if needs_canary(st["coverage"]):
        return {"problem": "salt or canary origin missing"}
    nxt = None
    if "next" in st:
        n = st["next"]
        at = n.get("at") if isinstance(n, dict) else None
        finite = isinstance(at, (int, float)) and not isinstance(at, bool) and math.isfinite(at)
        if not isinstance(n, dict) or not finite or not coverage_ok(n.get("coverage")):
            return {"problem": "next out of range"}
        if needs_canary(n["coverage"]):
            return {"problem": "salt or canary origin missing"}
        w = n.get("window")
        nxt = {"coverage": int(n["coverage"]), "window": w if isinstance(w, (int, float)) and not isinstance(w, bool) else 0, "at": at}
    shadow = st.get("shadow")
    if truthy(shadow):
        rate = shadow.get("sampleRate") if isinstance(shadow, dict) else None
        if not (isinstance(rate, (int, float)) and not isinstance(rate, bool) and 0 <= rate <= 1):
            return {"problem": "shadow.sampleRate out of range"}
        if not isinstance(shadow.get("methods"), list):
            return {"problem": "shadow.methods missing"}
    window = st.get("window")
    window = window if isinstance(window, (int, float)) and not isinstance(window, bool) else 0
    out = {"problem": None, "coverage": int(st["coverage"]), "window": window,
           "rollout": st["rollout"] if isinstance(st.get("rollout"), str) else "",
           "has_canary": has_canary, "has_shadow": isinstance(origins.get("shadow"), str),
           "has_target": has_target, "has_next": nxt is not None, "shadowed": truthy(shadow)}
    if nxt is not None and now_ms >= nxt["at"]:
        out["in_force"] = {"coverage": nxt["coverage"], "window": nxt["window"], "has_next": False}
    else:
        out["in_force"] = {"coverage": out["coverage"], "window": window, "has_next": nxt is not None}
    return out


BASE = {"rollout": "checkout-v2", "window": 3, "version": 7, "status": "running", "percent": 50,
        "coverage": 50000, "salt": "checkout-v2",
        "origins": {"stable": "https://stable.example", "canary": "https://canary.example"}}
NOW = 1764130000000


def with_(**kw):
    d = dict(BASE)
    for k, v in kw.items():
        if v is ...:
            d.pop(k, None)
        else:
            d[k] = v
    return json.dumps(d)


CASES = [
    ("a running origin rollout", with_(), NOW),
    ("idle: no rollout, no salt, nothing to the canary",
     json.dumps({"rollout": None, "status": "idle", "percent": 0, "coverage": 0, "origins": {"stable": "https://s"}}), NOW),
    ("not JSON", '{"coverage": 5', NOW),
    ("an empty text", "", NOW),
    ("NaN is not JSON", '{"coverage": NaN, "origins": {}}', NOW),
    ("an array", "[1, 2]", NOW),
    ("null", "null", NOW),
    ("coverage above the scale", with_(coverage=150000), NOW),
    ("coverage negative", with_(coverage=-1), NOW),
    ("coverage a string", with_(coverage="50000"), NOW),
    ("coverage fractional", with_(coverage=12.5), NOW),
    ("coverage written as a float with no fraction", with_(coverage=50000.0).replace("50000.0", "5.0e4"), NOW),
    ("coverage missing", with_(coverage=...), NOW),
    ("coverage a boolean", with_(coverage=True), NOW),
    ("the whole scale", with_(coverage=SCALE), NOW),
    ("an empty salt", with_(salt=""), NOW),
    ("no canary origin", with_(origins={"stable": "https://s"}), NOW),
    ("no origins at coverage 0", with_(coverage=0, origins=...), NOW),
    ("origins not an object", with_(origins=["https://s"]), NOW),
    ("coverage 0 needs no salt", with_(coverage=0, salt=...), NOW),
    ("a flag rollout needs no canary origin or salt",
     with_(salt=..., origins={"stable": "https://s"}, target={"flag": "new-checkout", "variation": "on"}), NOW),
    ("a falsy target is no target", with_(salt=..., origins={"stable": "https://s"}, target=0), NOW),
    ("next null", with_(next=None), NOW),
    ("next above the scale", with_(next={"coverage": 100001, "at": 1}), NOW),
    ("next without at", with_(next={"coverage": 100000}), NOW),
    ("next at a string", with_(next={"coverage": 100000, "at": "soon"}), NOW),
    ("next needs a salt", with_(coverage=0, salt=..., next={"coverage": 10000, "at": 1}), NOW),
    ("next announced, not yet in force",
     with_(next={"percent": 100, "coverage": 100000, "window": 4, "at": NOW + 1}), NOW),
    ("next in force at its instant",
     with_(next={"percent": 100, "coverage": 100000, "window": 4, "at": NOW}), NOW),
    ("next in force without a window", with_(next={"coverage": 100000, "at": NOW - 5}), NOW),
    ("shadow sample rate above 1", with_(shadow={"sampleRate": 2, "methods": ["GET"]}), NOW),
    ("shadow sample rate a string", with_(shadow={"sampleRate": "0.5", "methods": ["GET"]}), NOW),
    ("shadow without methods", with_(shadow={"sampleRate": 0.5}), NOW),
    ("shadow null is no shadow", with_(shadow=None), NOW),
    ("shadow false is no shadow", with_(shadow=False), NOW),
    ("a dark launch",
     with_(origins={"stable": "https://s", "canary": "https://c", "shadow": "https://sh"},
           shadow={"sampleRate": 0.1, "methods": ["GET", "HEAD"], "noiseRate": 0.05}), NOW),
    ("a window that is not a number reads as 0", with_(window="3"), NOW),
]


def main():
    cases = []
    for name, text, now in CASES:
        cases.append({"name": name, "text": text, "now_ms": now, "expected": read(text, now)})
    out = os.path.join(os.path.dirname(__file__), "..", "serving_state.json")
    with open(out, "w") as f:
        json.dump({"generator": "tests/vectors/gen/gen_serving_state.py", "scale": SCALE, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
