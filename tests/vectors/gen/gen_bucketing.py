#!/usr/bin/python3
"""Generates tests/vectors/bucketing.json, the golden vectors of rollgate's bucketing contract.

Why this script exists: the expected values must not come from rollgate itself. They are computed
here from an independent XXH3 implementation (Debian's python3-xxhash, which wraps the reference C
library) and Python's unbounded integers for floor(x * n / 2^64), i.e. without the 32-bit-halves
trick that rollgate's bucket_of uses. docs/bucketing.md is the normative text.

Regenerate (from the repository root):
    apt-get install -y python3-xxhash
    /usr/bin/python3 tests/vectors/gen/gen_bucketing.py > tests/vectors/bucketing.json

The output is deterministic: running it twice gives the same bytes. Changing any row is a breaking
change to the bucketing contract (units would move between buckets) and needs a new spec_version.
"""

import json
import math
import sys

import xxhash

SPEC_VERSION = 1
SCALE = 100000
VARIANT_SEED_MASK = 0x9E3779B97F4A7C15
U64 = (1 << 64) - 1


def seed_of(salt: str) -> int:
    return xxhash.xxh3_64_intdigest(salt.encode("utf-8"))


def draws(unit: str, salt: str):
    seed = seed_of(salt)
    data = unit.encode("utf-8")  # no normalisation, no separator: the salt is the seed
    h = xxhash.xxh3_64_intdigest(data, seed=seed)
    v = xxhash.xxh3_64_intdigest(data, seed=(seed ^ VARIANT_SEED_MASK) & U64)
    return seed, h, v


def bucket_of(x: int, n: int) -> int:
    # The mathematical definition, with exact big integers.
    return (x * n) >> 64


def fraction(h: int) -> float:
    # (h >> 11) < 2^53, so the division by a power of two is exact in binary64.
    return (h >> 11) / float(1 << 53)


def in_coverage(h: int, coverage: int) -> bool:
    return bucket_of(h, SCALE) < coverage


def pick_variant(v: int, weights) -> int:
    point = bucket_of(v, SCALE)
    cumulative = 0
    for i, w in enumerate(weights):
        cumulative += w
        if point < cumulative:
            return i
    return len(weights) - 1


# Relative weights -> integer weights out of SCALE (weights_to_scale). Mirrors the core's arithmetic
# in IEEE doubles (Python floats), in the same order: exact = w / sum * SCALE, floors first, then
# the units left over one each to the largest remainders, ties to the lower index.
WEIGHTS_TO_SCALE = [
    [1], [1, 1], [1, 1, 1], [1, 2], [2, 1], [1, 1, 1, 1, 1, 1, 1], [0, 1], [0, 0, 3],
    [33.3, 33.3, 33.4], [12.5, 87.5], [1e-9, 1], [1e300, 1e300], [0.1, 0.2, 0.3, 0.4],
    [5, 0, 5, 0, 5], [99.999, 0.001], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
]
WEIGHTS_REFUSED = [
    ([], ""), ([0, 0], ""), ([1, -1], "/1"), ([-0.5], "/0"), (["nan"], "/0"), ([1, "inf"], "/1"),
    ([1.5e308, 1.5e308], ""),
]


def weights_to_scale(weights):
    total = 0.0
    for w in weights:
        total += w
    exact = [w / total * SCALE for w in weights]
    share = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: -(exact[i] - share[i]))  # stable: ties by index
    for k in range(SCALE - sum(share)):
        share[order[k % len(weights)]] += 1
    return share


def hex64(x: int) -> str:
    return format(x, "016x")


# (unit, note). Lengths are chosen to cross every XXH3 code path: 0, 1-3, 4-8, 9-16, 17-128,
# 129-240 and > 240 bytes, since another language's XXH3 port can be right on one and wrong on another.
UNITS = [
    ("alice", "ASCII"),
    ("user-42", "ASCII with digits"),
    ("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "UUID, 36 bytes"),
    ("42", "numeric-looking id: hashed as the two bytes '4' '2', not as a number"),
    ("042", "numeric-looking id with a leading zero: differs from '42'"),
    ("4.2e1", "numeric-looking id in exponent form"),
    ("-0", "numeric-looking negative zero"),
    ("18446744073709551616", "numeric-looking id above 2^64"),
    ("", "empty unit (0 bytes)"),
    ("a", "1 byte"),
    ("abcd", "4 bytes"),
    ("0123456789abcdef", "16 bytes"),
    ("0123456789abcdefg", "17 bytes"),
    ("x" * 128, "128 bytes"),
    ("y" * 129, "129 bytes"),
    ("z" * 240, "240 bytes"),
    ("w" * 241, "241 bytes"),
    ("Jos\u00e9", "Latin-1 accent, precomposed U+00E9 (2 UTF-8 bytes)"),
    ("Jose\u0301", "same text with a combining acute U+0301: NOT normalised, so a different draw"),
    ("Zo\u00eb M\u00fcller", "Latin-1 accents"),
    ("\u5c71\u7530\u592a\u90ce", "CJK (3 UTF-8 bytes per character)"),
    ("\u7528\u6237-\u4e03", "CJK mixed with ASCII"),
    ("\U0001F600", "emoji outside the BMP (4 UTF-8 bytes; a UTF-16 surrogate pair in JS)"),
    ("\U0001F469\u200d\U0001F4BB", "emoji ZWJ sequence"),
    ("a\u0000b", "embedded NUL byte: the length, not a terminator, ends the unit"),
    ("\u0000", "a single NUL byte"),
    ("u" * 10000, "very long ASCII id (10,000 bytes)"),
    ("\u00e9" * 10000, "very long non-ASCII id (10,000 characters, 20,000 bytes)"),
    (" alice", "leading space is part of the id"),
    ("ALICE", "case matters"),
]

SALTS = [
    ("new-checkout", "a flag key"),
    ("", "empty salt: seed = XXH3_64 of zero bytes"),
    ("pricing-\u00fc\u6a5f\U0001F680", "non-ASCII salt"),
    ("s" * 300, "long salt (300 bytes)"),
]

# Salt used with every unit; the other salts are crossed with a subset of units.
MAIN_SALT = "new-checkout"
CROSS_UNITS = ["alice", "", "Jos\u00e9", "\U0001F600", "a\u0000b", "42"]

MEMBERSHIP = [
    # (coverage, weights): coverage and weights in units of 1/SCALE
    (0, [50000, 50000]),
    (1, [100000]),
    (10000, [50000, 50000]),
    (12500, [10000, 30000, 60000]),
    (50000, [50000, 50000]),
    (99999, [33334, 33333, 33333]),
    (100000, [1, 99998, 1]),
]


def draw_row(unit, salt, note):
    seed, h, v = draws(unit, salt)
    return {
        "unit": unit,
        "salt": salt,
        "unit_utf8_bytes": len(unit.encode("utf-8")),
        "seed": hex64(seed),
        "coverage_hash": hex64(h),
        "variant_hash": hex64(v),
        "fraction": fraction(h),
        "coverage_bucket": bucket_of(h, SCALE),
        "variant_bucket": bucket_of(v, SCALE),
        "note": note,
    }


def main():
    rows = []
    for unit, note in UNITS:
        rows.append(draw_row(unit, MAIN_SALT, note))
    for salt, salt_note in SALTS:
        if salt == MAIN_SALT:
            continue
        for unit in CROSS_UNITS:
            rows.append(draw_row(unit, salt, salt_note))

    membership = []
    members = ["alice", "user-42", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "Jos\u00e9", "\U0001F600"]
    for unit in members:
        _, h, v = draws(unit, MAIN_SALT)
        for coverage, weights in MEMBERSHIP:
            membership.append({
                "unit": unit,
                "salt": MAIN_SALT,
                "coverage": coverage,
                "weights": weights,
                "in": in_coverage(h, coverage),
                "variant": pick_variant(v, weights),
            })

    scaled = [{"weights": w, "scale": weights_to_scale(w)} for w in WEIGHTS_TO_SCALE]
    refused = [{"weights": w, "code": "rollgate.bucket.306", "pointer": p} for w, p in WEIGHTS_REFUSED]

    doc_head = {
        "spec_version": SPEC_VERSION,
        "description": (
            "Golden vectors of rollgate's bucketing contract (docs/bucketing.md). Made by "
            "tests/vectors/gen/gen_bucketing.py with python3-xxhash " + xxhash.VERSION +
            " (xxHash " + xxhash.XXHASH_VERSION + "); regenerate with "
            "'/usr/bin/python3 tests/vectors/gen/gen_bucketing.py > tests/vectors/bucketing.json'. "
            "Hashes and seeds are 16-digit lowercase hex strings because JavaScript numbers cannot "
            "hold a u64. 'draws': seed = XXH3_64(salt UTF-8), coverage_hash = XXH3_64_withSeed(unit "
            "UTF-8, seed), variant_hash = XXH3_64_withSeed(unit UTF-8, seed ^ variant_seed_mask), "
            "fraction = (coverage_hash >> 11) * 2^-53, *_bucket = floor(hash * scale / 2^64). "
            "'membership': in = coverage_bucket < coverage; variant = first i with variant_bucket < "
            "weights[0] + ... + weights[i]. 'weights_to_scale': relative weights as integers out of "
            "scale (largest remainder, in doubles, ties to the lower index); 'weights_refused': "
            "inputs it refuses (the strings \"nan\" and \"inf\" stand for those doubles, which JSON "
            "cannot hold)."),
        "scale": SCALE,
        "variant_seed_mask": hex64(VARIANT_SEED_MASK),
    }
    out = sys.stdout
    # One row per line keeps diffs readable; ensure_ascii=False keeps the ids legible.
    head = json.dumps(doc_head, ensure_ascii=False, indent=2)
    out.write(head[:-2] + ",\n")
    out.write('  "draws": [\n')
    out.write(",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in rows))
    out.write("\n  ],\n")
    out.write('  "membership": [\n')
    out.write(",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in membership))
    out.write("\n  ],\n")
    out.write('  "weights_to_scale": [\n')
    out.write(",\n".join("    " + json.dumps(r) for r in scaled))
    out.write("\n  ],\n")
    out.write('  "weights_refused": [\n')
    out.write(",\n".join("    " + json.dumps(r) for r in refused))
    out.write("\n  ]\n}\n")


if __name__ == "__main__":
    main()
