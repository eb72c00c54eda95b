#!/usr/bin/env python3
"""Checks that every case config of tests/vectors/targeting.json is valid under the JSON Schema
docs/config.schema.json, so the schema lists each operator and option of issue 18 with the
operands the loader accepts. Needs the `jsonschema` package (pip or Debian python3-jsonschema):
    python3 tests/vectors/gen/check_targeting_schema.py
"""

import json
import os
import sys

import jsonschema

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../..")
with open(os.path.join(ROOT, "docs/config.schema.json")) as f:
    schema = jsonschema.Draft202012Validator(json.load(f))
with open(os.path.join(ROOT, "tests/vectors/targeting.json")) as f:
    vectors = json.load(f)
bad = 0
for c in vectors["cases"]:
    for e in schema.iter_errors(c["config"]):
        print("%s: %s" % (c["name"], e.message), file=sys.stderr)
        bad += 1
print("%d cases, %d schema errors" % (len(vectors["cases"]), bad))
sys.exit(1 if bad else 0)
