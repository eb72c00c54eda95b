#!/usr/bin/env node
// Generates tests/vectors/canonical_units.json: the canonical text of number units
// (core/src/detail/canonical_unit.hpp, docs/bucketing.md "Canonical text of number and boolean
// units"), read by tests/native/canonical_unit_test.cpp.
//
// Why this script exists: the canonical text is defined as JavaScript's String(n), so the
// reference is JavaScript itself (this Node's V8), never rollgate. Each row holds the double's
// IEEE-754 bits (hex, so no JSON number parser can round it) and String(n). The values cover
// integers around 2^53, the fixed/exponent switches at 1e21 and 1e-7, powers of two and ten,
// subnormals, the extremes, decimal fractions such as 0.1 + 0.2, and random bit patterns over
// every exponent.
//
// Regenerate (from the repository root; deterministic):
//   node tests/vectors/gen/gen_canonical_units.mjs > tests/vectors/canonical_units.json
const SPEC_VERSION = 1;
let state = 18;
function rand32() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const buf = new DataView(new ArrayBuffer(8));
const bitsOf = (x) => { buf.setFloat64(0, x); return buf.getBigUint64(0).toString(16).padStart(16, '0'); };
const fromBits = (hi, lo) => { buf.setUint32(0, hi); buf.setUint32(4, lo); return buf.getFloat64(0); };

const values = [0, -0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 0.5, 1.5, 12.5, 100, 123456789, 42, -42.25,
  2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 2 ** 64, 1e15, 1e16, 1e17,
  1e20, 1e21, 1e21 - 65536, 1e22, 123e20, 1e-6, 1e-7, 1.5e-7, 9.99e-7, 1e-8, 0.000001,
  0.0000012345, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
  1.7976931348623157e308, -1.7976931348623157e308, Math.PI, Math.E, 1 / 3, 2 / 3, 9007199254740993,
  4.35, 0.3, 1.005, 5e-7, 4.9406564584124654e-324, 123456789012345680000, 1234567890123456789012];
for (let e = -1074; e <= 1023; e += 7) values.push(2 ** e, -(2 ** e));
for (let e = -323; e <= 308; e += 3) values.push(Number(`1e${e}`), Number(`9.87654321e${e}`));
for (let i = 0; i < 2000; i++) {
  const x = fromBits(rand32(), rand32());
  if (Number.isFinite(x)) values.push(x);
}
for (let i = 0; i < 500; i++) values.push((rand32() % 100000) / 100, rand32() * 1000 + rand32() / 4294967296);
const rows = values.map((x) => ({ bits: bitsOf(x), text: String(x) }));
process.stdout.write(JSON.stringify({
  spec_version: SPEC_VERSION,
  generator: 'tests/vectors/gen/gen_canonical_units.mjs (String(n) in Node ' + process.version + ')',
  booleans: [{ value: true, text: String(true) }, { value: false, text: String(false) }],
  numbers: rows,
}, null, 0) + '\n');
