#!/usr/bin/python3
"""Writes examples/canary/{baseline,canary}.json: one healthy 15-minute canary window.

Latency is log-normal (median ~120 ms), CPU is sampled once a minute per instance, errors and
conversions are counts. The canary is healthy, so `rollgate judge` decides PASS on it.
Regenerate: /usr/bin/python3 examples/canary/make_examples.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261126)
here = os.path.dirname(os.path.abspath(__file__))


def arm(latency_scale, errors, requests, conversions, sessions, cpu_mean):
    latency = np.round(rng.lognormal(np.log(120 * latency_scale), 0.35, size=2000), 1)
    cpu = np.round(rng.normal(cpu_mean, 4.0, size=60), 1)
    return {"metrics": {
        "latency": latency.tolist(),
        "errorRate": {"events": errors, "total": requests},
        "conversion": {"events": conversions, "total": sessions},
        "cpu": cpu.tolist(),
    }}


# Enough requests and sessions for the judge's power rule (docs/canary.md, "Power"): a PASS needs
# the window to detect the allowed change (0.05 points of errors, 5% of conversion) with 80% power.
for name, data in (("baseline", arm(1.0, 12, 60000, 6100, 200000, 41.0)),
                   ("canary", arm(1.01, 14, 60000, 6060, 200000, 42.0))):
    with open(os.path.join(here, name + ".json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
