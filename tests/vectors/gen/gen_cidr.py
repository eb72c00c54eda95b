#!/usr/bin/python3
"""Generates tests/vectors/cidr.json: IPv4 / IPv6 address, range and containment cases for
core/src/detail/cidr.hpp, read by tests/native/cidr_test.cpp (and later by the WASM tests).

Why this script exists: the expected answers come from Python's `ipaddress` module (an
independent implementation), never from rollgate. rollgate refuses three forms that Python
accepts; the script applies those documented rules explicitly (field "rule") instead of asking
Python, so every deviation is visible here and in cidr.hpp:
  - zone ids ("fe80::1%eth0"): refused;
  - prefix lengths with a leading zero ("10.0.0.0/08"): refused;
  - netmask forms ("10.0.0.0/255.0.0.0"): refused.
Host bits set in a range are accepted and cleared, as ip_network(strict=False) does.
Containment never crosses families (an IPv4-mapped IPv6 address is not in an IPv4 range), as in
Python, where `IPv6Address(...) in IPv4Network(...)` is False.

Regenerate (from the repository root; deterministic):
    /usr/bin/python3 tests/vectors/gen/gen_cidr.py > tests/vectors/cidr.json
"""

import ipaddress
import json
import random

SPEC_VERSION = 1


def rule_refuses(text):
    if "%" in text:
        return "zone id"
    if "/" in text:
        prefix = text.split("/", 1)[1]
        if "." in prefix or ":" in prefix:
            return "netmask form"
        if len(prefix) > 1 and prefix[0] == "0":
            return "leading zero in prefix"
    return None


def v4_text(rnd):
    return ".".join(str(rnd.choice([0, 1, 9, 10, 99, 100, 127, 192, 255, rnd.randint(0, 255)]))
                    for _ in range(4))


def v6_text(rnd):
    groups = [rnd.choice([0, 0, 0, 1, 0xFFFF, 0xDB8, 0x2001, rnd.randint(0, 0xFFFF)])
              for _ in range(8)]
    style = rnd.random()
    embed = rnd.random() < 0.2
    words = ["%x" % g if rnd.random() < 0.7 else "%04X" % g for g in groups]
    if embed:
        tail = ".".join(str(b) for b in [groups[6] >> 8, groups[6] & 255, groups[7] >> 8,
                                         groups[7] & 255])
        words = words[:6] + [tail]
    if style < 0.5:
        # compress one run of zero groups (not necessarily the longest: any run is valid)
        runs = []
        i = 0
        limit = 6 if embed else 8
        while i < limit:
            if groups[i] == 0:
                j = i
                while j < limit and groups[j] == 0:
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        if runs:
            a, b = rnd.choice(runs)
            left = ":".join(words[:a])
            right = ":".join(words[b:])
            return left + "::" + right
    return ":".join(words)


def mutate(rnd, text):
    ops = [
        lambda t: t[:-1],
        lambda t: t + rnd.choice([":", ".", "0", "g", "::", ":1", ".1"]),
        lambda t: rnd.choice(["0", ":", "::", " ", "-"]) + t,
        lambda t: t.replace(".", "..", 1),
        lambda t: t.replace("::", ":::", 1) if "::" in t else t + "::1::",
        lambda t: t.replace(":", "", 1),
        lambda t: t.replace("1", "01", 1),
        lambda t: t + "%eth0",
        lambda t: t.upper(),
        lambda t: "256" + t[t.find("."):] if "." in t else t + ".256",
    ]
    return rnd.choice(ops)(text)


def address_row(text):
    rule = rule_refuses(text)
    row = {"text": text}
    if rule:
        row.update(valid=False, rule=rule)
        return row
    try:
        a = ipaddress.ip_address(text)
    except ValueError:
        row["valid"] = False
        return row
    row.update(valid=True, version=a.version, bytes=a.packed.hex())
    return row


def range_row(text):
    rule = rule_refuses(text)
    row = {"text": text}
    if rule:
        row.update(valid=False, rule=rule)
        return row
    try:
        n = ipaddress.ip_network(text, strict=False)
    except ValueError:
        row["valid"] = False
        return row
    row.update(valid=True, version=n.version, base=n.network_address.packed.hex(),
               prefix=n.prefixlen)
    return row


def main():
    rnd = random.Random(18)
    addresses = []
    fixed = ["0.0.0.0", "255.255.255.255", "127.0.0.1", "010.0.0.1", "1.2.3", "1.2.3.4.5",
             "1.2.3.256", "", " 1.2.3.4", "::", "::1", "1::", "::ffff:1.2.3.4", "::FFFF:1.2.3.4",
             "64:ff9b::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
             "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::",
             "1:::2", "00000::1", "0000:0::1", "fe80::1%eth0", "2001:db8::1", "2001:DB8::ABCD",
             "::1.2.3.4", "1.2.3.4::", "[::1]", "::ffff:01.2.3.4", "12345::", "g::"]
    for t in fixed:
        addresses.append(address_row(t))
    for _ in range(700):
        t = v4_text(rnd) if rnd.random() < 0.4 else v6_text(rnd)
        if rnd.random() < 0.35:
            t = mutate(rnd, t)
        addresses.append(address_row(t))

    ranges = []
    fixed_ranges = ["10.0.0.0/8", "10.1.2.3/8", "0.0.0.0/0", "1.2.3.4/32", "1.2.3.4/33",
                    "1.2.3.4/", "1.2.3.4/08", "1.2.3.4/255.0.0.0", "1.2.3.4", "::/0", "::1/128",
                    "::1/129", "::1/0128", "2001:db8::/32", "2001:db8::1/32", "fe80::1%eth0/64",
                    "160.33.0.0/16", "1.2.3.4/-1", "1.2.3.4/ 8", "1.2.3.4/8/8", "/8"]
    for t in fixed_ranges:
        ranges.append(range_row(t))
    for _ in range(300):
        base = v4_text(rnd) if rnd.random() < 0.5 else v6_text(rnd)
        bits = 128 if ":" in base else 32
        t = base + "/" + str(rnd.randint(0, bits)) if rnd.random() < 0.85 else base
        if rnd.random() < 0.15:
            t = mutate(rnd, t)
        ranges.append(range_row(t))

    contains = []
    # Unleash's client specification, 22-cidr-constraint-operators.json, as plain rows.
    for r, a in [("127.0.0.1", "127.0.0.1"), ("127.0.0.1", "127.0.0.2"),
                 ("160.33.0.0/16", "160.33.0.33"), ("160.33.0.0/16", "160.34.0.1"),
                 ("192.168.1.0/24", "192.168.1.42"), ("2001:db8::1", "2001:db8::1"),
                 ("2001:db8::1", "2001:db8::2"), ("2001:db8::/32", "2001:db8:0:1::42"),
                 ("2001:db8::/32", "2001:db9::1"), ("2001:db8::/32", "2001:db8::abcd"),
                 ("1.2.3.0/24", "::ffff:1.2.3.4"), ("::ffff:1.2.3.0/120", "1.2.3.4"),
                 ("::ffff:1.2.3.0/120", "::ffff:1.2.3.4"), ("0.0.0.0/0", "::1"),
                 ("::/0", "1.2.3.4")]:
        net = ipaddress.ip_network(r, strict=False)
        contains.append({"range": r, "address": a, "in": ipaddress.ip_address(a) in net})
    for _ in range(1500):
        v6 = rnd.random() < 0.5
        bits = 128 if v6 else 32
        prefix = rnd.choice([0, 1, 7, 8, 9, 15, 16, 17, 24, 31, bits - 1, bits,
                             rnd.randint(0, bits)])
        base = rnd.getrandbits(bits)
        addr_cls = ipaddress.IPv6Address if v6 else ipaddress.IPv4Address
        net = ipaddress.ip_network("%s/%d" % (addr_cls(base), prefix), strict=False)
        t = rnd.random()
        if t < 0.45:  # inside: keep the prefix bits, random host bits
            host = rnd.getrandbits(bits - prefix) if prefix < bits else 0
            a = addr_cls((int(net.network_address)) | host)
        elif t < 0.8 and prefix > 0:  # just outside: flip one prefix bit
            flip = 1 << (bits - rnd.randint(1, prefix))
            a = addr_cls(int(net.network_address) ^ flip)
        elif t < 0.9:  # the other family
            a = ipaddress.IPv4Address(rnd.getrandbits(32)) if v6 else \
                ipaddress.IPv6Address((0xFFFF << 32) | rnd.getrandbits(32))
        else:
            a = addr_cls(rnd.getrandbits(bits))
        text_range = "%s/%d" % (addr_cls(base), prefix)
        contains.append({"range": text_range, "address": str(a), "in": a in net})

    print(json.dumps({
        "spec_version": SPEC_VERSION,
        "generator": "tests/vectors/gen/gen_cidr.py (Python ipaddress)",
        "addresses": addresses,
        "ranges": ranges,
        "contains": contains,
    }, indent=0))


if __name__ == "__main__":
    main()
