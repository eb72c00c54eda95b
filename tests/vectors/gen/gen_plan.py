#!/usr/bin/python3
"""Writes tests/vectors/plan.json: rollout state-machine cases with expected actions.

The expected actions are derived here from the rules of docs/rollout.md ("The rules, in order"),
written independently of the C++ code, so native and WASM tests check the implementation
against the documented contract. Regenerate: python3 tests/vectors/gen/gen_plan.py
"""
import json
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


def state(stage, status="running", start=T0):
    return {"stage": stage, "stageStartMs": start, "status": status, "history": []}


def analysis(decision, critical=()):
    return {"decision": decision, "criticalFailures": list(critical), "reasons": ["vector"]}


# The documented rules, in order (docs/rollout.md):
PERCENT = [s["percent"] for s in PLAN["stages"]]


def expect(st, an, now):
    i, status = st["stage"], st["status"]
    stage = PLAN["stages"][i]
    if status == "rolledBack":
        return ("hold", 0, i, "rolledBack")
    if status == "completed":
        return ("hold", 100, i, "completed")
    if an is not None and an["criticalFailures"]:
        return ("rollback", 0, i, "rolledBack")
    if status == "paused":
        return ("hold", PERCENT[i], i, "paused")
    if an is not None and an["decision"] == "ROLLBACK":
        return ("rollback", 0, i, "rolledBack")
    if now < st["stageStartMs"]:
        return ("hold", PERCENT[i], i, "running")
    elapsed = now - st["stageStartMs"]
    if elapsed < stage["minDurationMs"]:
        return ("hold", PERCENT[i], i, "running")
    passed = "gates" not in stage or (an is not None and an["decision"] == "PASS")
    if not passed and "maxDurationMs" in stage and elapsed >= stage["maxDurationMs"]:
        return ("rollback", 0, i, "rolledBack")
    if not passed:
        return ("hold", PERCENT[i], i, "running")
    if i + 1 == len(PERCENT):
        return ("complete", 100, i, "completed")
    return ("advance", PERCENT[i + 1], i + 1, "running")


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


def main():
    cases = []
    for name, st, an, now in CASES:
        action, percent, stage, status = expect(st, an, now)
        cases.append({"name": name, "state": st, "analysis": an, "nowMs": now,
                      "expect": {"action": action, "percent": percent, "stage": stage,
                                 "status": status}})
    out = {
        "spec_version": 1,
        "description": "rollout state machine: plan + state + analysis + clock -> action "
                       "(docs/rollout.md); generated by tests/vectors/gen/gen_plan.py",
        "plan": PLAN,
        "cases": cases,
        "invalidPlans": [{"name": n, "plan": p, "expectProblems": e} for n, p, e in INVALID_PLANS],
    }
    path = os.path.join(os.path.dirname(__file__), "..", "plan.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
