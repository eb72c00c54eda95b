#!/usr/bin/python3
"""Writes tests/vectors/plan.json: rollout state-machine cases with expected actions.

The expected actions are derived here from the rules of docs/rollout.md ("The rules, in order"),
written independently of the C++ code, so native and WASM tests check the implementation
against the documented contract. Regenerate: python3 tests/vectors/gen/gen_plan.py
"""
import json
import math
import os

MIN = 60_000
HOUR = 60 * MIN
T0 = 1_700_000_000_000  # stage start used by every case

PLAN = {
    "name": "vectors",
    "canary": {"metrics": [
        {"name": "errorRate", "kind": "rate", "direction": "increase", "critical": True,
         "gates": [{"stat": "rate", "max": 0.001}]},
        {"name": "latency", "kind": "continuous", "direction": "increase",
         "allowedChange": {"relative": 0.1}},
    ]},
    "stages": [
        {"name": "one", "percent": 1, "minDurationMs": 15 * MIN, "maxDurationMs": HOUR,
         "gates": ["errorRate", "latency"]},
        {"name": "ten", "percent": 10, "minDurationMs": HOUR, "gates": ["errorRate", "latency"]},
        {"name": "soak", "percent": 50, "minDurationMs": 5 * MIN},  # time-only stage
        {"name": "full", "percent": 100, "minDurationMs": 24 * HOUR,
         "gates": ["errorRate"]},
    ],
}


def state(stage, status="running", start=T0, pending=None):
    st = {"stage": stage, "stageStartMs": start, "status": status, "history": []}
    if pending is not None:
        st["pending"] = pending
    return st


def analysis(decision, critical=()):
    return {"decision": decision, "criticalFailures": list(critical), "reasons": ["vector"]}


# The documented rules, in order (docs/rollout.md):
PERCENT = [s["percent"] for s in PLAN["stages"]]
SCALE = 100000  # kScale: coverage is percent * 1000 (docs/bucketing.md)


def coverage(percent):
    return round(percent * SCALE / 100)


def srm(stable, canary, percent, alpha):
    """docs/rollout.md "Sample-ratio check": chi-square with 1 degree of freedom, computed here
    from its definition (p = erfc(sqrt(x / 2)) for df = 1), checked only when the smaller arm
    expects at least 5 units. Returns None when unchecked, else True when it fails."""
    p = percent / 100
    total = stable + canary
    if percent <= 0 or percent >= 100 or min(p, 1 - p) * total < 5:
        return None
    exp = [total * (1 - p), total * p]
    x = sum((o - e) ** 2 / e for o, e in zip([stable, canary], exp))
    return math.erfc(math.sqrt(x / 2)) < alpha


def serving(st):
    if st["status"] == "rolledBack":
        return 0
    if st["status"] == "completed":
        return 100
    if st.get("pending"):
        return st["pending"]["fromPercent"]
    return PERCENT[st["stage"]]


def expect(st, an, now, srm_failed=False, announce=0):
    """(action, target percent, stage, status, serving percent, new window)."""
    st = dict(st)
    new_window = False
    if st.get("pending") and now >= st["pending"]["atMs"]:  # rule 0: a due increase settles
        st["pending"] = None
        new_window = True
    i, status = st["stage"], st["status"]
    stage = PLAN["stages"][i]
    if status == "rolledBack":
        return ("hold", 0, i, "rolledBack", 0, new_window)
    if status == "completed":
        return ("hold", 100, i, "completed", 100, new_window)
    if an is not None and an["criticalFailures"]:
        return ("rollback", 0, i, "rolledBack", 0, True)
    if status == "paused":
        return ("hold", PERCENT[i], i, "paused", serving(st), new_window)
    if an is not None and an["decision"] == "ROLLBACK":
        return ("rollback", 0, i, "rolledBack", 0, True)
    if st.get("pending"):
        return ("hold", PERCENT[i], i, "running", serving(st), new_window)
    if now < st["stageStartMs"]:
        return ("hold", PERCENT[i], i, "running", serving(st), new_window)
    elapsed = now - st["stageStartMs"]
    if elapsed < stage["minDurationMs"]:
        return ("hold", PERCENT[i], i, "running", serving(st), new_window)
    passed = "gates" not in stage or (an is not None and an["decision"] == "PASS")
    if passed and srm_failed:
        passed = False
    if not passed and "maxDurationMs" in stage and elapsed >= stage["maxDurationMs"]:
        return ("rollback", 0, i, "rolledBack", 0, True)
    if not passed:
        return ("hold", PERCENT[i], i, "running", serving(st), new_window)
    if i + 1 == len(PERCENT):
        return ("complete", 100, i, "completed", 100, True)
    if announce > 0 and serving(st) > 0:
        return ("advance", PERCENT[i + 1], i + 1, "running", serving(st), new_window)
    return ("advance", PERCENT[i + 1], i + 1, "running", PERCENT[i + 1], True)


CASES = [
    ("stage0 before the window, PASS: never advance early", state(0), analysis("PASS"), T0 + 14 * MIN),
    ("stage0 window reached, PASS: advance to 10%", state(0), analysis("PASS"), T0 + 15 * MIN),
    ("stage0 window reached, HOLD: hold", state(0), analysis("HOLD"), T0 + 20 * MIN),
    ("stage0 no analysis yet: hold", state(0), None, T0 + 20 * MIN),
    ("stage0 critical failure before the window: roll back at once", state(0),
     analysis("ROLLBACK", ["errorRate"]), T0 + 1 * MIN),
    ("stage0 score rollback: roll back", state(0), analysis("ROLLBACK"), T0 + 2 * MIN),
    ("stage0 past maxDuration without PASS: roll back", state(0), analysis("HOLD"), T0 + HOUR),
    ("stage0 past maxDuration with PASS: advance", state(0), analysis("PASS"), T0 + 2 * HOUR),
    ("stage1 no maxDuration, HOLD for long: hold", state(1), analysis("HOLD"), T0 + 30 * HOUR),
    ("stage1 PASS after 1 h: advance to 50%", state(1), analysis("PASS"), T0 + HOUR),
    ("stage2 time-only stage advances after its window even on HOLD", state(2), analysis("HOLD"),
     T0 + 5 * MIN),
    ("stage2 time-only stage, no analysis: advance", state(2), None, T0 + 6 * MIN),
    ("stage2 time-only stage before window: hold", state(2), None, T0 + 4 * MIN),
    ("stage3 last stage PASS after 24 h: complete", state(3), analysis("PASS"), T0 + 24 * HOUR),
    ("stage3 last stage PASS before 24 h: hold", state(3), analysis("PASS"), T0 + 23 * HOUR),
    ("stage3 critical failure at 100%: roll back", state(3), analysis("ROLLBACK", ["errorRate"]),
     T0 + 23 * HOUR),
    ("paused holds even with PASS", state(1, "paused"), analysis("PASS"), T0 + 2 * HOUR),
    ("paused still rolls back on a critical failure", state(1, "paused"),
     analysis("ROLLBACK", ["errorRate"]), T0 + 2 * HOUR),
    ("paused holds on a non-critical ROLLBACK", state(1, "paused"), analysis("ROLLBACK"),
     T0 + 2 * HOUR),
    ("rolled back stays rolled back, even with PASS", state(1, "rolledBack"), analysis("PASS"),
     T0 + 2 * HOUR),
    ("rolled back ignores critical failures too", state(0, "rolledBack"),
     analysis("ROLLBACK", ["errorRate"]), T0),
    ("completed stays completed", state(3, "completed"), analysis("ROLLBACK"), T0 + 99 * HOUR),
    ("clock before the stage start: hold", state(1), analysis("PASS"), T0 - 1000),
]

# Sample-ratio checks feeding the machine: (name, state, analysis, now, units, alpha).
SRM_CASES = [
    ("srm mismatch blocks a PASS at 10%", state(1), analysis("PASS"), T0 + HOUR, (900, 180), 0.001),
    ("srm within noise lets a PASS advance", state(1), analysis("PASS"), T0 + HOUR, (905, 95), 0.001),
    ("srm too few units is unchecked: PASS advances", state(1), analysis("PASS"), T0 + HOUR, (30, 2),
     0.001),
    ("srm mismatch past maxDuration rolls back", state(0), analysis("PASS"), T0 + HOUR, (1000, 40),
     0.001),
    ("srm mismatch never hides a critical failure", state(1), analysis("ROLLBACK", ["errorRate"]),
     T0 + HOUR, (900, 180), 0.001),
    ("srm at a time-only stage still blocks advancing", state(2), None, T0 + 6 * MIN, (500, 900),
     0.001),
]

# Announced increases: (name, state, analysis, now, announceMs).
ANNOUNCE_CASES = [
    ("an increase is announced ahead", state(0), analysis("PASS"), T0 + 15 * MIN, 5000),
    ("announced increase not yet due: hold at the old percent",
     state(1, start=T0 + 5000, pending={"fromPercent": 1, "atMs": T0 + 5000}), analysis("PASS"),
     T0 + 1000, 5000),
    ("announced increase due: it takes effect and a new window starts",
     state(1, start=T0 + 5000, pending={"fromPercent": 1, "atMs": T0 + 5000}), None,
     T0 + 5000, 5000),
    ("a critical failure during an announcement rolls back at once",
     state(1, start=T0 + 5000, pending={"fromPercent": 1, "atMs": T0 + 5000}),
     analysis("ROLLBACK", ["errorRate"]), T0 + 1000, 5000),
    ("completing is never announced (already at 100%)", state(3), analysis("PASS"),
     T0 + 24 * HOUR, 5000),
]

# Operator commands: (name, state, command, now, expected action or error code).
COMMAND_CASES = [
    ("pause a running rollout", state(1), "pause", T0 + MIN, ("pause", "paused")),
    ("resume a paused rollout", state(1, "paused"), "resume", T0 + MIN, ("resume", "running")),
    ("roll back a running rollout", state(1), "rollback", T0 + MIN, ("rollback", "rolledBack")),
    ("roll back a paused rollout", state(2, "paused"), "rollback", T0 + MIN, ("rollback", "rolledBack")),
    ("roll back a completed rollout", state(3, "completed"), "rollback", T0 + MIN,
     ("rollback", "rolledBack")),
    ("roll back during an announced increase cancels it",
     state(1, start=T0 + 5000, pending={"fromPercent": 1, "atMs": T0 + 5000}), "rollback", T0 + 1000,
     ("rollback", "rolledBack")),
    ("pause a paused rollout is refused", state(1, "paused"), "pause", T0, "rollgate.plan.614"),
    ("resume a running rollout is refused", state(1), "resume", T0, "rollgate.plan.614"),
    ("roll back twice is refused", state(1, "rolledBack"), "rollback", T0, "rollgate.plan.614"),
    ("pause a completed rollout is refused", state(3, "completed"), "pause", T0, "rollgate.plan.614"),
]


def command_expect(st, cmd, want):
    if isinstance(want, str):
        return {"error": want}
    action, status = want
    i = st["stage"]
    after = dict(st, status=status)
    if status == "rolledBack":
        after["pending"] = None
    served = serving(after)
    target = 0 if status == "rolledBack" else (100 if status == "completed" else PERCENT[i])
    return {"action": action, "status": status, "stage": i, "percent": target,
            "coverage": coverage(target), "servingPercent": served,
            "newWindow": status == "rolledBack"}

INVALID_PLANS = [
    ("percent not increasing", {"stages": [
        {"percent": 10, "minDurationMs": 0}, {"percent": 5, "minDurationMs": 0},
        {"percent": 100, "minDurationMs": 0}]},
     [["rollgate.plan.604", "/stages/1/percent"]]),
    ("percent out of range and last stage not 100", {"stages": [
        {"percent": 0, "minDurationMs": 0}, {"percent": 50, "minDurationMs": -1}]},
     [["rollgate.plan.603", "/stages/0/percent"], ["rollgate.plan.606", "/stages/1/minDurationMs"],
      ["rollgate.plan.605", "/stages/1/percent"]]),
    ("unknown fields", {"stagez": [], "stages": [
        {"percent": 100, "minDurationMs": 0, "minDuration": "15m"}]},
     [["rollgate.plan.602", "/stagez"], ["rollgate.plan.602", "/stages/0/minDuration"]]),
    ("no stages", {"name": "x"}, [["rollgate.plan.601", ""]]),
    ("gate names an unknown metric", {"canary": {"metrics": [{"name": "a"}]}, "stages": [
        {"percent": 100, "minDurationMs": 0, "gates": ["b"]}]},
     [["rollgate.plan.607", "/stages/0/gates/0"]]),
    ("inline gate config problems keep canary ids", {"stages": [
        {"percent": 100, "minDurationMs": 0, "gates": {"metrics": [{"name": "a", "kind": "size"}]}}]},
     [["rollgate.canary.504", "/stages/0/gates/metrics/0/kind"]]),
    ("max below min duration", {"stages": [
        {"percent": 100, "minDurationMs": 1000, "maxDurationMs": 10}]},
     [["rollgate.plan.606", "/stages/0/maxDurationMs"]]),
]


def expectation(result):
    action, percent, stage, status, served, new_window = result
    return {"action": action, "percent": percent, "coverage": coverage(percent), "stage": stage,
            "status": status, "servingPercent": served, "servingCoverage": coverage(served),
            "newWindow": new_window}


def main():
    cases = []
    for name, st, an, now in CASES:
        cases.append({"name": name, "state": st, "analysis": an, "nowMs": now,
                      "expect": expectation(expect(st, an, now))})
    for name, st, an, now, (stable, canary), alpha in SRM_CASES:
        failed = srm(stable, canary, serving(st), alpha)
        cases.append({"name": name, "state": st, "analysis": an, "nowMs": now,
                      "srm": {"stableUnits": stable, "canaryUnits": canary, "alpha": alpha},
                      "expectSrm": {"checked": failed is not None, "failed": bool(failed)},
                      "expect": expectation(expect(st, an, now, srm_failed=bool(failed)))})
    for name, st, an, now, announce in ANNOUNCE_CASES:
        cases.append({"name": name, "state": st, "analysis": an, "nowMs": now,
                      "announceMs": announce,
                      "expect": expectation(expect(st, an, now, announce=announce))})
    commands = [{"name": n, "state": st, "command": cmd, "nowMs": now,
                 "expect": command_expect(st, cmd, want)}
                for n, st, cmd, now, want in COMMAND_CASES]
    out = {
        "spec_version": 2,
        "description": "rollout state machine: plan + state + analysis (+ sample-ratio "
                       "check, announcement delay) + clock -> action, and operator commands "
                       "(docs/rollout.md); generated by tests/vectors/gen/gen_plan.py",
        "plan": PLAN,
        "cases": cases,
        "commands": commands,
        "invalidPlans": [{"name": n, "plan": p, "expectProblems": e} for n, p, e in INVALID_PLANS],
    }
    path = os.path.join(os.path.dirname(__file__), "..", "plan.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
