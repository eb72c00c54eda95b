// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Bucketing (docs/bucketing.md): where a unit falls under a salt, one unit or many at once.
// The batch form crosses into WebAssembly once: every unit is written as UTF-8 into one buffer in
// WASM memory with an offsets array, and one call fills the output typed array. Every number and
// rule (the scale, the buckets, what coverage and weights are allowed, percentages) is the core's:
// this file checks only that arguments are JS values the boundary can carry.
//
// Per call, the unit goes to the start of the scratch region through a cached view (writeScratch:
// a plain loop for short ASCII ids, TextEncoder.encodeInto for longer ones, no subarray), and the
// salt's hash is computed once per salt (a Bucketer, or the cache bucket() and inRollout() keep
// of recent salts), so units bucketed again and again under the same salt cost one hash each.
import {
  mod, scratch, writeUtf8, writeScratch, outPtr, stringToScratch, raw, views, lastError, onReady, HU8, HU32, HF64,
} from './runtime.js';
import { RollgateError, JsErrorCode, invalidArgument } from './errors.js';
import { Owned, disposeSymbol } from './memory.js';

/**
 * Coverage and weights are integers out of BUCKET_SCALE (the core's kScale: 100000 = 100%).
 * Read from the core by init(); undefined before.
 */
export let BUCKET_SCALE;
onReady(() => { BUCKET_SCALE = raw.rg_bucket_scale(); });

/** What bucketBatch computes per unit. */
export const BucketOutput = Object.freeze({
  /** Float64Array: the coverage draw as a fraction in [0, 1) */
  Fraction: 'fraction',
  /** Uint32Array: the coverage bucket in [0, BUCKET_SCALE) */
  CoverageBucket: 'coverageBucket',
  /** Uint32Array: the variant bucket in [0, BUCKET_SCALE) */
  VariantBucket: 'variantBucket',
  /** Uint8Array: 1 if the unit is inside `coverage`, else 0 */
  InCoverage: 'inCoverage',
});
const MODES = { fraction: 0, coverageBucket: 1, variantBucket: 2, inCoverage: 3 };

function checkString(value, name) {
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string, got ${typeof value}`);
}

/** Writes unit then salt into scratch; returns [unitPtr, unitLen, saltPtr, saltLen]. */
function pair(unit, salt) {
  checkString(unit, 'unit');
  checkString(salt, 'salt');
  mod();
  const base = scratch(3 * (unit.length + salt.length) + 8);
  const unitLen = writeScratch(unit);
  const saltPtr = base + unitLen;
  const saltLen = writeUtf8(salt, HU8, saltPtr);
  pairOut[0] = base; pairOut[1] = unitLen; pairOut[2] = saltPtr; pairOut[3] = saltLen;
  return pairOut;
}
const pairOut = [0, 0, 0, 0]; // reused: the hot paths read it at once

/**
 * Where `unit` falls under `salt`: the coverage draw as a fraction in [0, 1).
 * For people and dashboards; membership is decided on integer buckets (inRollout).
 */
export function bucket(unit, salt) {
  if (typeof unit !== 'string') checkString(unit, 'unit');
  const b = bucketerFor(salt);
  const p = scratch(3 * unit.length + 8);
  return raw.rg_bucketer_fraction(b, p, writeScratch(unit));
}

// Salts seen recently, each with its bucketer (the salt's hash) in WASM memory: bucket() and
// inRollout() with a salt used again cost one hash of the unit, as a Bucketer does. At most
// SALT_CACHE_MAX salts are kept (a few dozen bytes each); past that the cache starts over.
const SALT_CACHE_MAX = 64;
const saltCache = new Map();
let lastSalt = null;
let lastBucketer = 0;
function bucketerFor(salt) {
  if (salt === lastSalt) return lastBucketer;
  checkString(salt, 'salt');
  mod();
  let addr = saltCache.get(salt);
  if (addr === undefined) {
    if (saltCache.size >= SALT_CACHE_MAX) {
      for (const a of saltCache.values()) raw.rg_bucketer_free(a);
      saltCache.clear();
    }
    const [p, n] = stringToScratch(salt);
    addr = raw.rg_bucketer_new(p, n);
    if (addr === 0) throw new RollgateError(JsErrorCode.OutOfMemory, '', 'out of memory allocating a bucketer');
    saltCache.set(salt, addr);
  }
  lastSalt = salt;
  lastBucketer = addr;
  return addr;
}

/** Both draws of `unit` under `salt`, with their buckets, all computed by the core. */
export function bucketDraws(unit, salt) {
  const M = mod();
  const [u, ul, s, sl] = pair(unit, salt);
  raw.rg_bucket_draws(u, ul, s, sl, outPtr);
  const buffer = M.HEAPU8.buffer;
  const hashes = new BigUint64Array(buffer, outPtr, 2);
  const buckets = new Uint32Array(buffer, outPtr + 16, 2);
  return {
    coverageHash: hashes[0],
    variantHash: hashes[1],
    fraction: new Float64Array(buffer, outPtr + 24, 1)[0],
    coverageBucket: buckets[0],
    variantBucket: buckets[1],
  };
}

/** floor(draw * n / 2^64) for a 64-bit draw (BigInt): the core's bucket_of. */
export function bucketOf(draw, n) {
  mod();
  if (typeof draw !== 'bigint') throw invalidArgument(`draw must be a BigInt, got ${typeof draw}`);
  if (!Number.isInteger(n) || n < 1 || n > 0xFFFFFFFF) throw invalidArgument(`n must be an integer in [1, 2^32 - 1], got ${n}`);
  const d = BigInt.asUintN(64, draw);
  return raw.rg_bucket_of(Number(d & 0xFFFFFFFFn), Number(d >> 32n), n) >>> 0;
}

/** True iff `unit` is inside a rollout of `coverage` (integer out of BUCKET_SCALE) under `salt`. */
export function inRollout(unit, salt, coverage) {
  if (!(coverage >>> 0 === coverage)) checkCoverage(coverage);
  if (typeof unit !== 'string') checkString(unit, 'unit');
  const b = bucketerFor(salt);
  const p = scratch(3 * unit.length + 8);
  const r = raw.rg_bucketer_in_rollout(b, p, writeScratch(unit), coverage);
  if (r < 0) throw lastError();
  return r === 1;
}

// Release function for the FinalizationRegistry, outside the constructor (memory.js).
function freeBucketer(addr) { raw.rg_bucketer_free(addr); }

/**
 * Bucketing under one salt, hashed once: `new Bucketer(salt).bucket(unit)` equals
 * `bucket(unit, salt)`, and `.inRollout(unit, coverage)` equals `inRollout(unit, salt, coverage)`,
 * each costing one hash of the unit. Holds a few bytes of WASM memory: dispose() frees them at
 * once (a forgotten one is freed when collected).
 */
export class Bucketer {
  constructor(salt) {
    checkString(salt, 'salt');
    mod();
    const [p, n] = stringToScratch(salt);
    const addr = raw.rg_bucketer_new(p, n);
    if (addr === 0) throw new RollgateError(JsErrorCode.OutOfMemory, '', 'out of memory allocating a Bucketer');
    /** The salt, as given. */
    this.salt = salt;
    this._addr = addr;
    this._owned = new Owned(this, freeBucketer.bind(null, addr), 'Bucketer');
  }

  /** The coverage draw of `unit` as a fraction in [0, 1), as bucket(unit, salt). */
  bucket(unit) {
    if (typeof unit !== 'string') checkString(unit, 'unit');
    this._owned.check();
    const p = scratch(3 * unit.length + 8);
    return raw.rg_bucketer_fraction(this._addr, p, writeScratch(unit));
  }

  /** True iff `unit` is inside a rollout of `coverage` (out of BUCKET_SCALE), as inRollout(). */
  inRollout(unit, coverage) {
    if (typeof unit !== 'string') checkString(unit, 'unit');
    if (!(coverage >>> 0 === coverage)) checkCoverage(coverage);
    this._owned.check();
    const p = scratch(3 * unit.length + 8);
    const r = raw.rg_bucketer_in_rollout(this._addr, p, writeScratch(unit), coverage);
    if (r < 0) throw lastError();
    return r === 1;
  }

  /** Frees the WASM memory now; the bucketer cannot be used afterwards. Idempotent. */
  dispose() {
    this._owned.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

// The boundary carries coverage as a uint32; whether it is allowed (at most BUCKET_SCALE) is the
// core's rule (rollgate.bucket.304).
function checkCoverage(coverage) {
  if (!Number.isInteger(coverage) || coverage < 0 || coverage > 0xFFFFFFFF) {
    throw invalidArgument(`coverage must be a non-negative integer (out of ${BUCKET_SCALE}), got ${coverage}`);
  }
}

/**
 * Index of the variant `unit` gets under `weights` (integers summing to BUCKET_SCALE, checked by
 * the core: rollgate.bucket.305), drawn independently of coverage.
 */
export function pickVariant(unit, salt, weights) {
  const M = mod();
  const n = weights.length;
  if (n === 0) throw invalidArgument('weights must not be empty');
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!Number.isInteger(w) || w < 0 || w > 0xFFFFFFFF) throw invalidArgument(`weights[${i}] must be a non-negative integer, got ${w}`, `/${i}`);
  }
  checkString(unit, 'unit');
  checkString(salt, 'salt');
  const base = scratch(4 * n + 3 * (unit.length + salt.length) + 8);
  M.HEAPU32.set(weights, base >> 2);
  const heap = M.HEAPU8;
  const u = base + 4 * n;
  const ul = writeUtf8(unit, heap, u);
  const sl = writeUtf8(salt, heap, u + ul);
  const r = raw.rg_pick_variant(u, ul, u + ul, sl, base, n);
  if (r < 0) throw lastError();
  return r;
}

/**
 * A percentage (0 to 100, at most 3 decimals: 12.5, 0.001) as an integer out of BUCKET_SCALE,
 * exactly, by the core's rule (percent_to_scale): 33.3330000001 is refused, not rounded.
 * @throws {RollgateError} rollgate.bucket.301-303
 */
export function percentToScale(percent) {
  mod();
  if (typeof percent !== 'number') throw invalidArgument(`percent must be a number, got ${typeof percent}`);
  const r = raw.rg_percent_to_scale(percent);
  if (r < 0) throw lastError();
  return r;
}

/**
 * A rate (a fraction of 1, at most 5 decimals: 0.125 = 12.5%) as an integer out of BUCKET_SCALE,
 * exactly, by the core's rule (rate_to_scale).
 * @throws {RollgateError} rollgate.bucket.301-303
 */
export function rateToScale(rate) {
  mod();
  if (typeof rate !== 'number') throw invalidArgument(`rate must be a number, got ${typeof rate}`);
  const r = raw.rg_rate_to_scale(rate);
  if (r < 0) throw lastError();
  return r;
}

/**
 * Relative weights (any non-negative numbers, not all zero: [1, 1, 2], or percentages) as integer
 * weights out of BUCKET_SCALE summing to it exactly, by the core's rule (weights_to_scale: floors,
 * then the leftover units to the largest remainders, ties to the lower index). The result is what
 * pickVariant takes.
 * @param {readonly number[]} weights
 * @returns {number[]}
 * @throws {RollgateError} rollgate.bucket.306 (empty, NaN, infinite, negative or all zero; the
 *   pointer names the weight)
 */
export function weightsToScale(weights) {
  const M = mod();
  if (!Array.isArray(weights)) throw invalidArgument('weights must be an array of numbers');
  const n = weights.length;
  for (let i = 0; i < n; i++) {
    if (typeof weights[i] !== 'number') throw invalidArgument(`weights[${i}] must be a number, got ${typeof weights[i]}`, `/${i}`);
  }
  const base = scratch(12 * n); // 8-aligned: n doubles, then n uint32
  M.HEAPF64.set(weights, base >> 3);
  const out = base + 8 * n;
  if (raw.rg_weights_to_scale(base, n, out) < 0) throw lastError();
  return Array.from(M.HEAPU32.subarray(out >> 2, (out >> 2) + n));
}

/**
 * Buckets many units under one salt in one call into WebAssembly.
 * @param {ArrayLike<string>} units
 * @param {string} salt
 * @param {{output?: 'fraction'|'coverageBucket'|'variantBucket'|'inCoverage', coverage?: number}} [options]
 * @returns {Float64Array | Uint32Array | Uint8Array} one entry per unit (see BucketOutput)
 */
export function bucketBatch(units, salt, options = {}) {
  const output = options.output === undefined ? 'fraction' : options.output;
  const mode = MODES[output];
  if (mode === undefined) throw invalidArgument(`unknown output "${output}" (expected one of ${Object.keys(MODES).join(', ')})`);
  let coverage = 0;
  if (mode === 3) {
    coverage = options.coverage;
    checkCoverage(coverage);
  }
  if (units == null || typeof units.length !== 'number') throw invalidArgument('units must be an array of strings');
  return bucketBatchInternal(units, salt, mode, coverage, units.length);
}

function bucketBatchInternal(units, salt, mode, coverage, count) {
  mod();
  checkString(salt, 'salt');
  // Size: offsets (count + 1 u32), output (8 bytes max per unit), salt and units (3 bytes per code
  // unit at worst). Summing string lengths first costs one pass but lets us reserve exactly once.
  let chars = salt.length;
  for (let i = 0; i < count; i++) {
    const u = units[i];
    if (typeof u !== 'string') throw invalidArgument(`units[${i}] must be a string, got ${typeof u}`, `/${i}`);
    chars += u.length;
  }
  const outBytes = mode === 0 ? 8 * count : mode === 3 ? count : 4 * count;
  const outAt = 0;
  const offsetsAt = (outBytes + 7) & ~7;
  const saltAt = offsetsAt + 4 * (count + 1);
  const base = scratch(saltAt + 3 * chars + 8);
  if (HU8.length === 0) views();
  const heap = HU8;
  const offsets = HU32;
  const saltLen = writeUtf8(salt, heap, base + saltAt);
  const bytesAt = base + saltAt + saltLen;
  let pos = 0;
  const o = (base + offsetsAt) >> 2;
  for (let i = 0; i < count; i++) {
    offsets[o + i] = pos;
    pos += writeUtf8(units[i], heap, bytesAt + pos);
  }
  offsets[o + count] = pos;
  if (raw.rg_bucket_batch(base + saltAt, saltLen, bytesAt, base + offsetsAt, count, mode, coverage, base + outAt) !== 0) {
    throw lastError();
  }
  // Copy out of WASM memory: the scratch region is reused by the next call.
  if (HU8.length === 0) views();
  if (mode === 0) return HF64.slice((base + outAt) >> 3, ((base + outAt) >> 3) + count);
  if (mode === 3) return HU8.slice(base + outAt, base + outAt + count);
  return HU32.slice((base + outAt) >> 2, ((base + outAt) >> 2) + count);
}

/**
 * XXH3-64 of a string's UTF-8 bytes (or of raw bytes) with an optional 64-bit seed, as a BigInt:
 * the hash bucketing is built on, for tools that must agree with it.
 */
export function xxh3(input, seed = 0n) {
  const M = mod();
  const s = BigInt.asUintN(64, BigInt(seed));
  let p;
  let len;
  if (typeof input === 'string') {
    [p, len] = stringToScratch(input);
  } else if (input instanceof Uint8Array) {
    p = scratch(input.length + 1);
    M.HEAPU8.set(input, p);
    len = input.length;
  } else {
    throw invalidArgument('xxh3: input must be a string or a Uint8Array');
  }
  raw.rg_xxh3_64(p, len, Number(s & 0xFFFFFFFFn), Number(s >> 32n), outPtr);
  return new BigUint64Array(M.HEAPU8.buffer, outPtr, 1)[0];
}
