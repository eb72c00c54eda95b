#!/usr/bin/python3
"""Writes tests/vectors/event_batch.json: metric event batches (events.hpp) and what they read as.

The expected events and problems are derived here from the rules of docs/edge.md ("Events"),
written independently of the C++ code; native and WASM tests read the same file. A case's `text`
is the raw body (so bodies JSON cannot express, like NaN, are written as they arrive).
Regenerate: python3 tests/vectors/gen/gen_event_batch.py
"""
import json
import math
import os

MAX_EVENTS, MAX_VALUE, MAX_UNIT, MAX_PROBLEMS = 50, 1e9, 256, 20
ACCEPTED = ["purchase", "signup"]


def strict_loads(text):
    """JSON as rollgate reads it: no NaN or Infinity literals, and a number beyond a double's
    range is a syntax error (rollgate.json.101), not an infinity."""
    def no_constant(name):
        raise ValueError(name)

    def finite_float(s):
        v = float(s)
        if not math.isfinite(v):
            raise ValueError(s)
        return v
    return json.loads(text, parse_constant=no_constant, parse_float=finite_float)


def expected(text, sender, accepted):
    """The events a batch reads as, or its problems [(code, pointer)] (first MAX_PROBLEMS)."""
    try:
        body = strict_loads(text)
    except ValueError:
        return {"error": "rollgate.json.101"}
    problems = []
    add = lambda code, pointer: len(problems) < MAX_PROBLEMS and problems.append({"code": code, "pointer": pointer})
    unit_ok = lambda u: isinstance(u, str) and 1 <= len(u.encode()) <= MAX_UNIT
    out = []
    if not isinstance(body, dict):
        add("rollgate.metrics.020", "")
        return {"problems": problems}
    for k in sorted(body):
        if k not in ("events", "unit"):
            add("rollgate.metrics.020", "/" + k)
    if "unit" in body and (sender == "browser" or not unit_ok(body["unit"])):
        add("rollgate.metrics.024", "/unit")
    events = body.get("events")
    if not isinstance(events, list):
        add("rollgate.metrics.020", "/events")
        return {"problems": problems}
    if len(events) > MAX_EVENTS:
        add("rollgate.metrics.021", "/events")
        return {"problems": problems}
    batch_unit = sender == "back_end" and "unit" in body and unit_ok(body["unit"])
    for i, e in enumerate(events):
        p = f"/events/{i}"
        if not isinstance(e, dict):
            add("rollgate.metrics.020", p)
            continue
        for k in sorted(e):
            if k not in ("name", "value", "unit"):
                add("rollgate.metrics.020", f"{p}/{k}")
        ev = {"name": e.get("name"), "value": 1, "hasValue": False}
        if not isinstance(e.get("name"), str) or e["name"] not in accepted:
            add("rollgate.metrics.022", f"{p}/name")
        v = e.get("value")
        if v is not None:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or abs(v) > MAX_VALUE:
                add("rollgate.metrics.023", f"{p}/value")
            else:
                ev["value"], ev["hasValue"] = v, True
        if sender == "browser":
            if "unit" in e:
                add("rollgate.metrics.024", f"{p}/unit")
            ev["unit"] = ""
        else:
            if ("unit" in e and not unit_ok(e["unit"])) or ("unit" not in e and not batch_unit):
                add("rollgate.metrics.024", f"{p}/unit")
            ev["unit"] = e["unit"] if "unit" in e and unit_ok(e["unit"]) else (body["unit"] if batch_unit else "")
        out.append(ev)
    return {"problems": problems} if problems else {"events": out}


def case(name, sender, body=None, text=None, accepted=ACCEPTED):
    text = text if text is not None else json.dumps(body, separators=(",", ":"))
    return {"name": name, "sender": sender, "accepted": accepted, "text": text,
            "expected": expected(text, sender, accepted)}


many = {"events": [{"name": "purchase"}] * (MAX_EVENTS + 1)}
full = {"events": [{"name": "signup"}] * MAX_EVENTS}
CASES = [
    case("a page's purchase with a value", "browser", {"events": [{"name": "purchase", "value": 31.5}]}),
    case("a page's count and a null value", "browser", {"events": [{"name": "signup"}, {"name": "purchase", "value": None}]}),
    case("an empty batch", "browser", {"events": []}),
    case("exactly the most events", "browser", full),
    case("one event too many", "browser", many),
    case("a browser naming the batch's unit", "browser", {"unit": "u1", "events": [{"name": "purchase"}]}),
    case("a browser naming an event's unit", "browser", {"events": [{"name": "purchase", "unit": "u1"}]}),
    case("a name not accepted", "browser", {"events": [{"name": "purchse"}]}),
    case("a name that is not a string", "browser", {"events": [{"name": 7}]}),
    case("no name", "browser", {"events": [{"value": 2}]}),
    case("accepts nothing", "browser", {"events": [{"name": "purchase"}]}, accepted=[]),
    case("a value over 1e9", "browser", {"events": [{"name": "purchase", "value": 1e9 + 1}]}),
    case("a value of -1e9 is allowed", "browser", {"events": [{"name": "purchase", "value": -1e9}]}),
    case("a string value", "browser", {"events": [{"name": "purchase", "value": "31.5"}]}),
    case("a boolean value", "browser", {"events": [{"name": "purchase", "value": True}]}),
    case("a number beyond a double is not JSON", "browser", text='{"events":[{"name":"purchase","value":1e999}]}'),
    case("NaN is not JSON", "browser", text='{"events":[{"name":"purchase","value":NaN}]}'),
    case("truncated JSON", "browser", text='{"events":[{"name":"purch'),
    case("an unknown member of the batch", "browser", {"events": [], "user": "u1"}),
    case("an unknown member of an event", "browser", {"events": [{"name": "purchase", "vaule": 3}]}),
    case("not an object", "browser", [{"name": "purchase"}]),
    case("events not an array", "browser", {"events": {"name": "purchase"}}),
    case("an event that is not an object", "browser", {"events": ["purchase"]}),
    case("several problems, each with its pointer", "browser",
         {"events": [{"name": "x"}, {"name": "purchase", "value": "1"}, 3]}),
    case("more than 20 problems: the first 20", "browser", {"events": [{"name": "x"}] * 30}),
    case("a back end: the batch's unit", "back_end", {"unit": "user-42", "events": [{"name": "purchase", "value": 12}]}),
    case("a back end: each event's own unit wins", "back_end",
         {"unit": "user-42", "events": [{"name": "purchase", "unit": "user-7"}, {"name": "signup"}]}),
    case("a back end: no unit", "back_end", {"events": [{"name": "purchase"}]}),
    case("a back end: an empty unit", "back_end", {"events": [{"name": "purchase", "unit": ""}]}),
    case("a back end: a unit over 256 bytes", "back_end", {"unit": "u" * 257, "events": [{"name": "purchase"}]}),
    case("a back end: a unit of 256 bytes", "back_end", {"unit": "u" * 256, "events": [{"name": "purchase"}]}),
    case("a back end: a number as unit", "back_end", {"events": [{"name": "purchase", "unit": 42}]}),
]

out = {
    "spec_version": 1,
    "description": "metric event batches (events.hpp, docs/edge.md 'Events'): a raw body, who sent "
                   "it (browser or back_end) and the accepted names -> the events read "
                   "({name, value, hasValue, unit}), or every problem's id and pointer (at most 20), "
                   "or a JSON error. Generated by tests/vectors/gen/gen_event_batch.py",
    "limits": {"maxEvents": MAX_EVENTS, "maxValue": MAX_VALUE, "maxUnitBytes": MAX_UNIT, "maxProblems": MAX_PROBLEMS},
    "cases": CASES,
}
with open(os.path.join(os.path.dirname(__file__), "..", "event_batch.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
