// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Feature flags (docs/config.md): compile a configuration once, evaluate per request.
//
// Per evaluation the context crosses into WebAssembly once, compactly (flags-codec.js: only the
// attributes the configuration uses, read by name), and one plain export call evaluates. Results
// come back as integer records; each flag's variation values are decoded once and cached (JSON
// values are frozen, since they are shared between results). A context bound once (bind()) is
// evaluated against flag after flag without crossing again; batches come back as an object by
// key, an array, the values alone, or an Int32Array of variation indices.
//
// Nothing here decides anything: the layouts and names come from the binding (flags-codec.js);
// an unknown flag key is answered by the core too. Everything goes through plain exports (no
// Embind), so this file serves the full module and the flags-only one alike.
import {
  mod, isInitialized, lastError, outPtr, scratch, scratchEnsure, writeUtf8, readCString, stringToScratch, raw, views, HU8, H32,
} from './runtime.js';
import { invalidArgument } from './errors.js';
import { Owned, disposeSymbol } from './memory.js';
import { jsonText } from './text.js';
import {
  TYPES, TYPE_INDEX, FORMATS, RECORD, encode, result, valueOf, attributeReader, encodedBase, setEncodedBase,
} from './flags-codec.js';

/** Why a value was served (OpenFeature's vocabulary). */
export const Reason = Object.freeze({
  Static: 'STATIC', TargetingMatch: 'TARGETING_MATCH', Split: 'SPLIT', Disabled: 'DISABLED', Default: 'DEFAULT', Error: 'ERROR',
});
/** OpenFeature error codes of an evaluation whose reason is ERROR. */
export const ErrorCode = Object.freeze({
  FlagNotFound: 'FLAG_NOT_FOUND', TypeMismatch: 'TYPE_MISMATCH', ParseError: 'PARSE_ERROR',
  TargetingKeyMissing: 'TARGETING_KEY_MISSING', General: 'GENERAL',
});
/** The JSON type shared by a flag's variations. */
export const FlagType = Object.freeze({ Boolean: 'boolean', String: 'string', Number: 'number', Json: 'json' });

// The configuration format's number: its index in the core's names (FORMATS, from the layout).
function formatOf(options) {
  if (options === undefined || options.format === undefined) return 0;
  const f = FORMATS.indexOf(options.format);
  if (f < 0) throw invalidArgument(`format must be one of ${FORMATS.join(', ')}`, '/format');
  return f;
}

/**
 * @internal Throws the error compile() would for an unknown options.format, once the module is
 * loaded (the names are the core's); before that, the first compile() reports it.
 */
export function checkFormatIfLoaded(options) {
  if (isInitialized()) formatOf(options);
}

/**
 * Compiles a flag configuration (an object or JSON text) into an evaluator.
 * options.format: 'rollgate' (default), 'flagd' (an OpenFeature flagd flag definition,
 * docs/flagd.md) or 'flagd-js' (flagd, bucketing as @openfeature/flagd-core does).
 * @throws {RollgateError} listing every problem (rollgate.json.1xx, rollgate.config.2xx)
 */
export function compile(config, options) {
  mod();
  const format = formatOf(options);
  const [p, n] = stringToScratch(jsonText(config, 'config'));
  const addr = raw.rg_flags_compile(p, n, format);
  if (addr === 0) throw lastError();
  return new FlagEvaluator(addr);
}

/** Every problem compile() would report, without throwing; [] when the config is valid. */
export function validateFlags(config, options) {
  mod();
  const format = formatOf(options);
  const [p, n] = stringToScratch(jsonText(config, 'config'));
  const text = raw.rg_flags_validate(p, n, format);
  if (text === 0) throw lastError();
  return JSON.parse(readCString(text));
}

const EMPTY = Object.freeze({});

// Release functions handed to the FinalizationRegistry: bound here, outside any constructor, so
// nothing they hold can reach their owner (memory.js).
function freeEngine(addr) { raw.rg_flags_free(addr); }
function freeBound(addr) { raw.rg_flags_unbind(addr); }

// The options of one evaluation, parsed into module variables (no object per call).
let optNow = 0;
let optExpected = -1;
function parseOptions(options, usesClock) {
  optExpected = -1;
  if (options === undefined) {
    optNow = usesClock ? Date.now() : 0;
    return;
  }
  optNow = options.now === undefined && !usesClock ? 0 : nowOf(options);
  if (options.expectedType !== undefined) {
    const t = TYPE_INDEX[options.expectedType];
    if (t === undefined) throw invalidArgument(`expectedType must be one of ${TYPES.join(', ')}`, '/expectedType');
    optExpected = t;
  }
}

function nowFor(options, usesClock) {
  return (options === undefined || options.now === undefined) && !usesClock ? 0 : nowOf(options || {});
}

export class FlagEvaluator {
  /** @internal use compile() */
  constructor(addr) {
    const info = JSON.parse(readCString(raw.rg_flags_info(addr)));
    // Without a ramp no result depends on the time (the core says so: evaluator::uses_clock), so
    // evaluations skip Date.now(), which costs about as much as the boundary crossing.
    this._usesClock = info.usesClock;
    this._addr = addr;
    this._owned = new Owned(this, freeEngine.bind(null, addr), 'FlagEvaluator');
    /** Flag keys in configuration order. */
    this.flagKeys = Object.freeze(info.flags.map((f) => f.key));
    /** Attribute names the configuration uses (all others are ignored). */
    this.attributes = Object.freeze(info.attributes.slice());
    this._types = info.flags.map((f) => f.type);
    // A null-prototype object rather than a Map: a keyed load with the caller's (usually
    // constant, internalised) key hits V8's inline caches, which Map.get does not.
    this._index = flagIndex(this.flagKeys);
    this._reader = attributeReader(this.attributes, info.attributePaths);
    this._metadata = info.flags.map((f) => (f.metadata === undefined ? EMPTY : Object.freeze(f.metadata)));
    this._cache = this.flagKeys.map(() => []);
    this._count = this.flagKeys.length;
  }

  /** Whether some result depends on the evaluation time (a scheduled ramp). */
  get usesClock() {
    return this._usesClock;
  }

  /** A flag's metadata (flagd `metadata`; frozen, {} when none), or undefined for an unknown key. */
  flagMetadata(flagKey) {
    const i = this._index[flagKey];
    return i === undefined ? undefined : this._metadata[i];
  }

  /** The JSON type of a flag's values, or undefined for an unknown key. */
  flagType(flagKey) {
    const i = this._index[flagKey];
    return i === undefined ? undefined : this._types[i];
  }

  /**
   * Evaluates one flag for a context ({attribute: string | number | boolean | string[] | Date |
   * null}). Never throws for a missing flag or a targeting problem: those come back as reason
   * ERROR with an errorCode, as OpenFeature expects. Throws RollgateError (rollgate.config.250)
   * when an attribute the configuration uses has a value a context cannot hold; attributes it
   * does not use are not looked at.
   * @param {string} flagKey
   * @param {Record<string, unknown>} [context]
   * @param {{now?: number | Date, expectedType?: 'boolean'|'string'|'number'|'json'}} [options]
   */
  evaluate(flagKey, context, options) {
    this._owned.check();
    const index = typeof flagKey === 'string' ? this._index[flagKey] : undefined;
    if (index === undefined) return this._unknown(flagKey);
    parseOptions(options, this._usesClock);
    const len = encode(this._reader, context);
    if (raw.rg_flags_eval(this._addr, index, encodedBase, len, optNow, optExpected, outPtr) !== 0) throw lastError();
    if (H32.length === 0) views();
    return result(this.flagKeys[index], this._cache[index], H32, outPtr >> 2);
  }

  /**
   * Evaluates every flag for one context in one call into WebAssembly.
   * @param {{now?: number | Date, as?: 'object' | 'array'}} [options] `as: 'array'` gives the
   *   evaluations in flagKeys order, without building an object keyed by flag
   * @returns {Record<string, Evaluation> | Evaluation[]} by flag key, in configuration order
   */
  evaluateAll(context, options) {
    this._owned.check();
    const now = nowFor(options, this._usesClock);
    const len = encode(this._reader, context);
    const at = this._recordsAfter(len);
    if (raw.rg_flags_eval_all(this._addr, encodedBase, len, now, at) !== 0) throw lastError();
    return this._collect(at, options !== undefined && options.as === 'array');
  }

  /**
   * The served value of every flag for one context, in flagKeys order (undefined where a flag
   * serves none): the cheapest batch form when only values matter.
   */
  values(context, options) {
    this._owned.check();
    const now = nowFor(options, this._usesClock);
    const len = encode(this._reader, context);
    const at = this._recordsAfter(len);
    if (raw.rg_flags_eval_all(this._addr, encodedBase, len, now, at) !== 0) throw lastError();
    return this._values(at);
  }

  /**
   * The variation index of every flag (-1 where none is served) for one context, in flagKeys
   * order, into `out` (an Int32Array of at least flagKeys.length entries) or a new one. Reuse
   * `out` in loops: allocating an Int32Array costs more than the evaluation's encoding
   * (docs/js-api.md, "Performance").
   */
  variations(context, options, out) {
    this._owned.check();
    const now = nowFor(options, this._usesClock);
    const len = encode(this._reader, context);
    return this._variations(0, len, now, out);
  }

  /**
   * Binds a context once, for many evaluations: the context crosses into WebAssembly here, and
   * each evaluation of the BoundContext is one call with nothing to encode. Dispose it (or let
   * it be collected) when done; it keeps this evaluator alive.
   * @throws {RollgateError} rollgate.config.250 for a value a context cannot hold
   */
  bind(context) {
    this._owned.check();
    const len = encode(this._reader, context);
    const addr = raw.rg_flags_bind(this._addr, encodedBase, len);
    if (addr === 0) throw lastError();
    return new BoundContext(this, addr);
  }

  /** @internal Address of `bytes` free bytes right after an encoded context of `len` bytes. */
  _after(len, bytes) {
    const off = (len + 7) & ~7; // the context starts the (8-aligned) scratch region
    const base = scratchEnsure(len, off + bytes); // may move it, keeping the context
    setEncodedBase(base);
    return base + off;
  }

  /** @internal Address for every flag's record after an encoded context of `len` bytes. */
  _recordsAfter(len) {
    return this._after(len, 4 * RECORD * this._count);
  }

  /** @internal The records at `at` as an object by key, or an array. */
  _collect(at, asArray) {
    if (H32.length === 0) views();
    const heap = H32;
    const keys = this.flagKeys;
    const n = this._count;
    if (asArray) {
      const list = new Array(n);
      for (let i = 0, o = at >> 2; i < n; i++, o += RECORD) list[i] = result(keys[i], this._cache[i], heap, o);
      return list;
    }
    const byKey = {};
    for (let i = 0, o = at >> 2; i < n; i++, o += RECORD) byKey[keys[i]] = result(keys[i], this._cache[i], heap, o);
    return byKey;
  }

  /** @internal The served values of the records at `at`. */
  _values(at) {
    if (H32.length === 0) views();
    const heap = H32;
    const n = this._count;
    const list = new Array(n);
    for (let i = 0, o = at >> 2; i < n; i++, o += RECORD) list[i] = valueOf(this._cache[i], heap, o);
    return list;
  }

  /** @internal Variation indices for a bound context (`bound` != 0) or the encoded one. */
  _variations(bound, len, now, out) {
    const n = this._count;
    if (out === undefined) out = new Int32Array(n);
    else if (!(out instanceof Int32Array) || out.length < n) throw invalidArgument(`out must be an Int32Array of at least ${n} entries`, '/out');
    const at = bound === 0 ? this._after(len, 4 * n) : scratch(4 * n);
    if (raw.rg_flags_variations(this._addr, bound, encodedBase, len, now, at) !== 0) throw lastError();
    if (H32.length === 0) views();
    const heap = H32;
    for (let i = 0, o = at >> 2; i < n; i++) out[i] = heap[o + i]; // no subarray to allocate
    return out;
  }

  /** A key the configuration does not have: the core answers (flag not found, its message). */
  _unknown(flagKey) {
    if (typeof flagKey !== 'string') throw invalidArgument(`flagKey must be a string, got ${typeof flagKey}`);
    const p = scratch(3 * flagKey.length + 8);
    if (HU8.length === 0) views();
    const n = writeUtf8(flagKey, HU8, p);
    raw.rg_flags_eval_key(this._addr, p, n, 0, outPtr); // the time cannot matter: no such flag
    if (H32.length === 0) views();
    return result(flagKey, null, H32, outPtr >> 2);
  }

  /** Frees the WASM memory now; the evaluator cannot be used afterwards. Idempotent. */
  dispose() {
    this._owned.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

/**
 * A context bound to one evaluator (FlagEvaluator.bind): evaluate flag after flag without
 * encoding the context again. Same results as the evaluator's methods with that context.
 */
export class BoundContext {
  /** @internal use FlagEvaluator.bind() */
  constructor(evaluator, addr) {
    this._ev = evaluator;
    this._addr = addr;
    this._owned = new Owned(this, freeBound.bind(null, addr), 'BoundContext');
  }

  /** The evaluator this context is bound to. */
  get evaluator() {
    return this._ev;
  }

  /** As FlagEvaluator.evaluate(flagKey, context, options). */
  evaluate(flagKey, options) {
    this._owned.check();
    const ev = this._ev;
    ev._owned.check();
    const index = typeof flagKey === 'string' ? ev._index[flagKey] : undefined;
    if (index === undefined) return ev._unknown(flagKey);
    parseOptions(options, ev._usesClock);
    raw.rg_flags_eval_bound(ev._addr, this._addr, index, optNow, optExpected, outPtr);
    if (H32.length === 0) views();
    return result(ev.flagKeys[index], ev._cache[index], H32, outPtr >> 2);
  }

  /** As FlagEvaluator.evaluateAll(context, options). */
  evaluateAll(options) {
    const at = this._all(options);
    return this._ev._collect(at, options !== undefined && options.as === 'array');
  }

  /** As FlagEvaluator.values(context, options). */
  values(options) {
    return this._ev._values(this._all(options));
  }

  /** As FlagEvaluator.variations(context, options, out). */
  variations(options, out) {
    this._owned.check();
    const ev = this._ev;
    ev._owned.check();
    return ev._variations(this._addr, 0, nowFor(options, ev._usesClock), out);
  }

  _all(options) {
    this._owned.check();
    const ev = this._ev;
    ev._owned.check();
    const at = scratch(4 * RECORD * ev._count);
    if (raw.rg_flags_eval_all_bound(ev._addr, this._addr, nowFor(options, ev._usesClock), at) !== 0) throw lastError();
    return at;
  }

  /** Frees the WASM memory now; the bound context cannot be used afterwards. Idempotent. */
  dispose() {
    this._owned.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

// Outside the constructor on purpose: see memory.js (no closure there may reach the evaluator).
function flagIndex(keys) {
  const index = Object.create(null);
  for (let i = 0; i < keys.length; i++) index[keys[i]] = i;
  return index;
}

function nowOf(options) {
  const now = options.now;
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalidArgument('now must be epoch milliseconds or a Date', '/now');
  return Math.trunc(ms);
}
