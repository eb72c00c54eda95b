#!/usr/bin/python3
"""Writes tests/vectors/server_timing.json: Server-Timing header cases with expected results.

The expected values come from this file's own reading of W3C Server Timing section 3 (the ABNF
`server-timing-metric = metric-name *( OWS ";" OWS server-timing-param )`, params
`name OWS "=" OWS ( token / quoted-string )`) and of the stricter rules in docs/edge.md
("Server-Timing"): a dur must be a plain decimal >= 0 and <= 1e9, else the metric is malformed;
first dur wins; first metric of a name wins; empty list elements are skipped; a header longer
than maxLength is one malformed header. It is written without looking at the C++ parser; both
the native tests and the WASM tests read the vectors.
Regenerate: /usr/bin/python3 tests/vectors/gen/gen_server_timing.py
"""
import json
import os
import re

TCHAR = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
DUR = re.compile(r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def split_elements(h):
    """Top-level comma split outside quoted strings (a backslash escapes inside quotes)."""
    out, cur, q, i = [], "", False, 0
    while i < len(h):
        c = h[i]
        if q:
            cur += c
            if c == "\\" and i + 1 < len(h):
                cur += h[i + 1]
                i += 1
            elif c == '"':
                q = False
        elif c == '"':
            q = True
            cur += c
        elif c == ",":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    return out


def token(s, i):
    j = i
    while j < len(s) and s[j] in TCHAR:
        j += 1
    return s[i:j], j


def skip_ows(s, i):
    while i < len(s) and s[i] in " \t":
        i += 1
    return i


def parse_metric(e):
    """(name, has_dur, dur) or None when malformed."""
    i = skip_ows(e, 0)
    name, i = token(e, i)
    if not name or len(name) > 64:
        return None
    seen_dur, has_dur, dur = False, False, 0.0
    while True:
        i = skip_ows(e, i)
        if i >= len(e):
            return name, has_dur, dur
        if e[i] != ";":
            return None
        i = skip_ows(e, i + 1)
        pname, i = token(e, i)
        if not pname:
            return None
        i = skip_ows(e, i)
        value, has_value = "", False
        if i < len(e) and e[i] == "=":
            i = skip_ows(e, i + 1)
            if i >= len(e):
                return None
            if e[i] == '"':
                i += 1
                closed = False
                while i < len(e):
                    c = e[i]
                    i += 1
                    if c == '"':
                        closed = True
                        break
                    if c == "\\":
                        if i >= len(e):
                            return None
                        value += e[i]
                        i += 1
                    elif (ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F:
                        return None
                    else:
                        value += c
                if not closed:
                    return None
            else:
                value, i = token(e, i)
                if not value:
                    return None
            has_value = True
        if pname.lower() == "dur" and not seen_dur:
            seen_dur = True
            if not has_value or len(value) > 32 or not DUR.match(value):
                return None
            dur = float(value)
            if dur > 1e9:
                return None
            has_dur = True


def parse(header, names=None, max_names=8, max_length=4096):
    r = {"entries": [], "metrics": 0, "malformed": 0, "ignored": 0, "dropped": 0}
    if len(header.encode()) > max_length:
        r["malformed"] = 1
        return r
    for e in split_elements(header):
        if e.strip(" \t") == "":
            continue
        m = parse_metric(e)
        if m is None:
            r["malformed"] += 1
            continue
        r["metrics"] += 1
        name, has_dur, dur = m
        listed = not names or name in names
        repeated = any(x["name"] == name for x in r["entries"])
        if not has_dur or not listed or repeated:
            r["ignored"] += 1
        elif len(r["entries"]) >= max_names:
            r["dropped"] += 1
        else:
            r["entries"].append({"name": name, "dur": dur})
    return r


CASES = [
    ("spec example", 'cpu;dur=12.5, db;dur=3.1;desc="primary"', {}),
    ("spec example 2", 'miss, db;dur=53, app;dur=47.2', {}),
    ("desc before dur, token desc", "cache;desc=hit;dur=0.3", {}),
    ("case-insensitive param name", "cpu;DUR=7", {}),
    ("first dur wins", "cpu;dur=1;dur=2", {}),
    ("first metric wins", "cpu;dur=1, cpu;dur=9", {}),
    ("OWS around everything", "  cpu ; dur = 4 ,\tdb;\tdur=2  ", {}),
    ("empty elements skipped", ",,cpu;dur=1,, ,db;dur=2,", {}),
    ("quoted dur", 'cpu;dur="12.25"', {}),
    ("comma inside a quoted desc", 'db;desc="a, b";dur=3, cpu;dur=1', {}),
    ("escaped quote in desc", r'db;desc="say \"hi\"";dur=3', {}),
    ("unterminated quote", 'db;desc="open, cpu;dur=1', {}),
    ("negative dur", "cpu;dur=-1, db;dur=2", {}),
    ("exponent dur", "cpu;dur=1e3, db;dur=2", {}),
    ("nan and inf", "cpu;dur=NaN, db;dur=inf, app;dur=Infinity, ok;dur=1", {}),
    ("hex dur", "cpu;dur=0x10", {}),
    ("huge dur", "cpu;dur=10000000000, db;dur=1000000000", {}),
    ("dur without value", "cpu;dur, db;dur=1", {}),
    ("dur with empty value", "cpu;dur=, db;dur=1", {}),
    ("bad metric name", "c@u;dur=1, db;dur=1", {}),
    ("junk after name", "cpu dur=1, db;dur=1", {}),
    ("param without name", "cpu;=1, db;dur=1", {}),
    ("trailing dot and leading dot", "a;dur=5., b;dur=.5", {}),
    ("metric without dur ignored", "miss, hit;desc=x", {}),
    ("allow-list", "cpu;dur=1, db;dur=2, app;dur=3", {"names": ["cpu", "app"]}),
    ("max names", "a;dur=1, b;dur=2, c;dur=3, d;dur=4", {"max_names": 2}),
    ("too long", "cpu;dur=1, " + "x" * 40, {"max_length": 32}),
    ("long name", "n" * 65 + ";dur=1, cpu;dur=2", {}),
    ("control byte in quoted", 'db;desc="a\x01b";dur=1, cpu;dur=2', {}),
    ("only garbage", ";;;===", {}),
    ("empty header", "", {}),
]


def main():
    cases = []
    for name, header, opts in CASES:
        o = {"names": opts.get("names", []), "maxNames": opts.get("max_names", 8),
             "maxLength": opts.get("max_length", 4096)}
        cases.append({"name": name, "header": header, "options": o,
                      "expect": parse(header, opts.get("names"), o["maxNames"], o["maxLength"])})
    out = {"spec_version": 1,
           "description": "Server-Timing parsing (docs/edge.md); generated by "
                          "tests/vectors/gen/gen_server_timing.py",
           "cases": cases}
    path = os.path.join(os.path.dirname(__file__), "..", "server_timing.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
