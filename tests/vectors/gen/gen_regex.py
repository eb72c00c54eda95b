#!/usr/bin/python3
"""Generates tests/vectors/regex.json: regular-expression cases for rollgate's Pike VM
(core/src/detail/regex.hpp), read by tests/native/regex_test.cpp (and later by the WASM tests).

Why this script exists: the expected match / no-match answers must not come from rollgate itself.
They come from Python's `re` module, an independent (backtracking) engine, which is a sound
reference on the small, non-pathological patterns and inputs drawn here. Linear time is checked
separately (regex_test.cpp counts VM steps on pathological patterns).

Each case is drawn as a syntax tree and rendered twice: once in rollgate's syntax and once for
Python, where the engines spell the same meaning differently:
  - rollgate's `$` (end of input only, as in RE2 and JavaScript) is Python's `\\Z` (Python's `$`
    also matches before a final newline);
  - rollgate's `\\d \\w \\s \\b` and case folding are ASCII: Python runs with re.ASCII;
  - `\\s` is [\\t\\n\\v\\f\\r ] in both.
Python 3.11's `\\B` does not match the empty string at all (its documented quirk; RE2 and
JavaScript say `\\B` holds there, and so does rollgate), so patterns with `\\B` are never run on
the empty input here; regex_test.cpp checks that case by hand.
Inputs are drawn from the same small alphabet as the literals (ASCII letters of both cases,
digits, space, '-', '_', '.', newline, and the non-ASCII 'é', 'É', 'ß' and '日'), so matches are
frequent and case folding, word boundaries, line anchors and multi-byte code points are all hit.

The "errors" list is hand-written: patterns rollgate must refuse, with the byte offset the error
must point at (Python accepts several of them, e.g. backreferences, so it cannot be the
reference there).

Regenerate (from the repository root; deterministic):
    /usr/bin/python3 tests/vectors/gen/gen_regex.py > tests/vectors/regex.json
"""

import json
import random
import re

SPEC_VERSION = 1
PATTERNS = 1500
INPUTS_PER_PATTERN = 4

ALPHABET = ["a", "b", "c", "A", "B", "1", "2", " ", "-", "_", ".", "\n", "é", "É", "ß", "日"]
SPECIAL_OUTSIDE = set("\\.^$|?*+()[]{}")


def lit_ours(c):
    if c == "\n":
        return "\\n"
    return "\\" + c if c in SPECIAL_OUTSIDE else c


def lit_class(c):
    if c == "\n":
        return "\\n"
    return "\\" + c if c in "\\]^-[" else c


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def node(self, depth):
        r = self.r
        if depth >= 3:
            kind = r.choice(["lit", "lit", "lit", "dot", "class", "perl"])
        else:
            kind = r.choice(["lit", "lit", "lit", "dot", "class", "perl", "anchor", "group",
                             "alt", "concat", "concat", "scoped"])
        if kind == "lit":
            c = r.choice(ALPHABET)
            return (lit_ours(c), lit_ours(c))
        if kind == "dot":
            return (".", ".")
        if kind == "perl":
            e = r.choice(["\\d", "\\w", "\\s", "\\D", "\\W", "\\S"])
            return (e, e)
        if kind == "class":
            items = []
            for _ in range(r.randint(1, 3)):
                t = r.random()
                if t < 0.5:
                    items.append(lit_class(r.choice(ALPHABET)))
                elif t < 0.8:
                    items.append(r.choice(["a-c", "0-9", "A-Z", "a-z", "A-c", "é-日"]))
                else:
                    items.append(r.choice(["\\d", "\\w", "\\s", "\\W"]))
            body = ("^" if r.random() < 0.3 else "") + "".join(items)
            return ("[" + body + "]", "[" + body + "]")
        if kind == "anchor":
            a = r.choice(["^", "$", "\\b", "\\B"])
            return (a, "\\Z" if a == "$" else a)  # under (?m) the caller re-renders '$'
        if kind == "group":
            o, p = self.node(depth + 1)
            return ("(?:" + o + ")", "(?:" + p + ")")
        if kind == "scoped":
            o, p = self.node(depth + 1)
            f = r.choice(["i", "-i"])
            return ("(?" + f + ":" + o + ")", "(?" + f + ":" + p + ")")
        if kind == "alt":
            parts = [self.node(depth + 1) for _ in range(r.randint(2, 3))]
            return ("(?:" + "|".join(x[0] for x in parts) + ")",
                    "(?:" + "|".join(x[1] for x in parts) + ")")
        parts = [self.quantified(depth + 1) for _ in range(r.randint(2, 4))]
        return ("".join(x[0] for x in parts), "".join(x[1] for x in parts))

    def quantified(self, depth):
        o, p = self.node(depth)
        r = self.r
        if o in ("^", "$", "\\b", "\\B") or r.random() < 0.55:
            return (o, p)
        # Quantify a group unless the node is one atom, so "ab*" style precedence and "a**" never
        # arise. An atom: one character, a 2-character escape, a class, or one (?:...) group.
        single_group = o.startswith("(") and o.endswith(")") and balanced_inner(o)
        if not (len(o) == 1 or o.startswith("[") and o.endswith("]") and o.count("]") == 1 or
                (o.startswith("\\") and len(o) == 2) or single_group):
            o, p = "(?:" + o + ")", "(?:" + p + ")"
        q = r.choice(["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}"])
        if r.random() < 0.2:
            q += "?"
        return (o + q, p + q)


def balanced_inner(o):
    # True when the '(' at 0 closes at the very end (escapes and classes never hold parentheses
    # unescaped here, but escaped ones are skipped).
    depth = 0
    i = 0
    while i < len(o):
        c = o[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and i != len(o) - 1:
                return False
        i += 1
    return True


def python_pattern(p, multiline):
    # Outside multiline mode '$' was rendered as '\Z'; in multiline mode both engines' '$' is
    # "before a newline or at the end", so '\Z' goes back to '$' (only anchors produce '\Z').
    return p.replace("\\Z", "$") if multiline else p


def main():
    rnd = random.Random(18)
    gen = Gen(rnd)
    cases = []
    seen = set()
    while len(seen) < PATTERNS:
        ours, py = gen.quantified(0) if rnd.random() < 0.3 else gen.node(0)
        flags = "".join(f for f in "ims" if rnd.random() < 0.25)
        if (ours, flags) in seen:
            continue
        seen.add((ours, flags))
        pyflags = re.ASCII
        if "i" in flags:
            pyflags |= re.IGNORECASE
        if "m" in flags:
            pyflags |= re.MULTILINE
        if "s" in flags:
            pyflags |= re.DOTALL
        compiled = re.compile(python_pattern(py, "m" in flags), pyflags)
        for _ in range(INPUTS_PER_PATTERN):
            text = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 10)))
            if text == "" and "\\B" in ours:
                text = rnd.choice(ALPHABET)  # Python's \B never matches the empty string (below)
            cases.append({"pattern": ours, "flags": flags, "input": text,
                          "match": compiled.search(text) is not None})

    # Hand-written: patterns that must be refused, with the offset of the offending construct.
    errors = [
        {"pattern": "(a)\\1", "offset": 3, "why": "backreference"},
        {"pattern": "(?<n>a)\\k<n>", "offset": 7, "why": "named backreference"},
        {"pattern": "a(?=b)", "offset": 1, "why": "lookahead"},
        {"pattern": "a(?!b)", "offset": 1, "why": "negative lookahead"},
        {"pattern": "(?<=a)b", "offset": 0, "why": "lookbehind"},
        {"pattern": "(?<!a)b", "offset": 0, "why": "negative lookbehind"},
        {"pattern": "(?>a)", "offset": 0, "why": "atomic group"},
        {"pattern": "a*+", "offset": 2, "why": "possessive"},
        {"pattern": "a**", "offset": 2, "why": "double quantifier"},
        {"pattern": "*a", "offset": 0, "why": "nothing to repeat"},
        {"pattern": "a|?", "offset": 2, "why": "nothing to repeat"},
        {"pattern": "^*", "offset": 0, "why": "repeated anchor"},
        {"pattern": "(ab", "offset": 0, "why": "missing )"},
        {"pattern": "ab)", "offset": 2, "why": "unmatched )"},
        {"pattern": "[ab", "offset": 0, "why": "missing ]"},
        {"pattern": "x[]a]", "offset": 1, "why": "ambiguous []"},
        {"pattern": "[^]", "offset": 0, "why": "ambiguous [^]"},
        {"pattern": "[z-a]", "offset": 1, "why": "range out of order"},
        {"pattern": "[a-\\d]", "offset": 1, "why": "range ending in a set"},
        {"pattern": "a{,3}", "offset": 1, "why": "{,n}"},
        {"pattern": "a{3,2}", "offset": 1, "why": "n < m"},
        {"pattern": "a{1001}", "offset": 1, "why": "repeat above 1000"},
        {"pattern": "(?:a{1000}){6}", "offset": 0, "why": "program too large"},
        {"pattern": "\\p{L}", "offset": 0, "why": "unicode property"},
        {"pattern": "\\0", "offset": 0, "why": "octal"},
        {"pattern": "ab\\", "offset": 2, "why": "trailing backslash"},
        {"pattern": "\\q", "offset": 0, "why": "unknown escape"},
        {"pattern": "\\x4", "offset": 0, "why": "short \\x"},
        {"pattern": "\\uD800", "offset": 0, "why": "surrogate"},
        {"pattern": "[\\b]", "offset": 1, "why": "\\b in class"},
        {"pattern": "[[:alfa:]]", "offset": 1, "why": "unknown POSIX class"},
        {"pattern": "(?x)a", "offset": 0, "why": "unsupported flag"},
        {"pattern": "(?<1>a)", "offset": 0, "why": "bad group name"},
        {"pattern": "a" * 1001, "offset": 1000, "why": "pattern too long"},
        {"pattern": "(" * 101 + ")" * 101, "offset": 101, "why": "nesting too deep"},
    ]
    print(json.dumps({
        "spec_version": SPEC_VERSION,
        "generator": "tests/vectors/gen/gen_regex.py (Python re, re.ASCII)",
        "cases": cases,
        "errors": errors,
    }, ensure_ascii=False, indent=0))


if __name__ == "__main__":
    main()
