// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Feature flags (docs/config.md): compile a configuration once, evaluate per request.
//
// Per evaluation the context crosses into WebAssembly once, compactly: attribute names are
// interned here (the evaluator's ids; names the configuration never uses are skipped unseen),
// values go into a reused buffer in WASM memory, and one plain export call evaluates. Results come
// back as integer records; each flag's variation values are decoded once and cached (JSON values
// are frozen, since they are shared between results).
//
// Nothing here decides anything: the binary layouts and the enum names come from the binding
// (flagsLayout(), wasm/bindings/flags.cpp) at start-up; a value the encoder cannot represent
// crosses as a "bad" record with its JS type name, and the core reports it (rollgate.config.250);
// an unknown flag key is answered by the core too.
import {
  mod, lastError, outPtr, scratch, scratchEnsure, scratchCapacity, writeUtf8, readUtf8, raw, views, onReady, HU8, HU32, H32, HF64,
} from './runtime.js';
import { invalidArgument } from './errors.js';
import { Owned, disposeSymbol } from './memory.js';
import { jsonText } from './canary.js';

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

// Filled from the binding's layout once the module is ready (see the file comment).
let REASONS; // reason names in C++ enum order
let ERROR_CODES; // error code names in enum order; undefined for error_code::none
let TYPES; // value type names in enum order
let RECORD; // int32 per evaluation record
let F_VARIATION; let F_REASON; let F_RULE; let F_CODE; let F_VALUE; let F_VALUE_LEN; let F_VARIANT; let F_VARIANT_LEN;
let F_MESSAGE; let F_MESSAGE_LEN;
let K_STRING; let K_NUMBER; let K_TRUE; let K_FALSE; let K_LIST; let K_NULL; let K_BAD;
const CONTEXT_ITSELF = 0xFFFFFFFF; // attribute id of a bad record about the context itself

onReady(() => {
  const layout = JSON.parse(mod().flagsLayout());
  REASONS = layout.reasons;
  ERROR_CODES = layout.errorCodes.map((c) => (c === '' ? undefined : c));
  TYPES = layout.valueTypes;
  const r = layout.record;
  RECORD = r.size;
  F_VARIATION = r.variationIndex; F_REASON = r.reason; F_RULE = r.ruleIndex; F_CODE = r.errorCode;
  F_VALUE = r.value; F_VALUE_LEN = r.valueLength; F_VARIANT = r.variant; F_VARIANT_LEN = r.variantLength;
  F_MESSAGE = r.errorMessage; F_MESSAGE_LEN = r.errorMessageLength;
  const k = layout.context;
  K_STRING = k.string; K_NUMBER = k.number; K_TRUE = k.true; K_FALSE = k.false; K_LIST = k.list; K_NULL = k.null; K_BAD = k.bad;
});

function deepFreeze(v) {
  if (v !== null && typeof v === 'object') {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

/** The value's type as JavaScript names it, for the core's messages ("array", "bigint", ...). */
function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Compiles a flag configuration (an object or JSON text) into an evaluator.
 * @throws {RollgateError} listing every problem (rollgate.json.1xx, rollgate.config.2xx)
 */
export function compile(config) {
  const M = mod();
  const handle = M.compileFlags(jsonText(config, 'config'));
  if (handle === null) throw lastError();
  return new FlagEvaluator(handle);
}

/** Every problem compile() would report, without throwing; [] when the config is valid. */
export function validateFlags(config) {
  const text = mod().validateFlags(jsonText(config, 'config'));
  if (text === '') throw lastError();
  return JSON.parse(text);
}

export class FlagEvaluator {
  /** @internal use compile() */
  constructor(handle) {
    const info = JSON.parse(handle.info());
    // Without a ramp no result depends on the time (the core says so: evaluator::uses_clock), so
    // evaluations skip Date.now(), which costs about as much as the boundary crossing.
    this._usesClock = info.usesClock;
    this._h = handle;
    this._addr = handle.address();
    // The handle itself, never a closure made here: the registry must not reach `this`.
    this._owned = new Owned(this, handle, 'FlagEvaluator');
    /** Flag keys in configuration order. */
    this.flagKeys = Object.freeze(info.flags.map((f) => f.key));
    /** Attribute names the configuration uses (all others are ignored). */
    this.attributes = Object.freeze(info.attributes.slice());
    this._types = info.flags.map((f) => f.type);
    this._index = new Map(this.flagKeys.map((k, i) => [k, i]));
    // A null-prototype object rather than a Map: V8's keyed loads with the context's own
    // (internalised) property names hit inline caches, which Map.get does not.
    this._ids = attributeIds(info.attributes);
    this._cache = this.flagKeys.map(() => []);
    this._count = this.flagKeys.length;
  }

  /** Whether some result depends on the evaluation time (a scheduled ramp). */
  get usesClock() {
    return this._usesClock;
  }

  /** The JSON type of a flag's values, or undefined for an unknown key. */
  flagType(flagKey) {
    const i = this._index.get(flagKey);
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
    const index = this._index.get(flagKey);
    if (index === undefined) {
      if (typeof flagKey !== 'string') throw invalidArgument(`flagKey must be a string, got ${typeof flagKey}`);
      return this._unknown(flagKey);
    }
    let now;
    let expected = -1;
    if (options === undefined) {
      now = this._usesClock ? Date.now() : 0;
    } else {
      now = options.now === undefined && !this._usesClock ? 0 : nowOf(options);
      if (options.expectedType !== undefined) {
        expected = TYPES.indexOf(options.expectedType);
        if (expected < 0) throw invalidArgument(`expectedType must be one of ${TYPES.join(', ')}`, '/expectedType');
      }
    }
    const len = this._encode(context);
    if (raw.rg_flags_eval(this._addr, index, this._base, len, now, expected, outPtr) !== 0) throw lastError();
    if (H32.length === 0) views();
    return this._result(this.flagKeys[index], this._cache[index], H32, outPtr >> 2);
  }

  /**
   * Evaluates every flag for one context in one call into WebAssembly.
   * @returns {Record<string, Evaluation>} by flag key, in configuration order
   */
  evaluateAll(context, options) {
    this._owned.check();
    const now = (options === undefined || options.now === undefined) && !this._usesClock ? 0 : nowOf(options || {});
    const len = this._encode(context);
    const base = this._base;
    // Output records go right after the encoded context in the scratch region.
    const outAt = (base + len + 7) & ~7;
    const needed = outAt - base + 4 * RECORD * this._count;
    const b2 = scratchEnsure(len, needed);
    const at = b2 + (outAt - base);
    if (raw.rg_flags_eval_all(this._addr, b2, len, now, at) !== 0) throw lastError();
    if (H32.length === 0) views();
    const heap = H32;
    const result = {};
    for (let i = 0, o = at >> 2; i < this._count; i++, o += RECORD) {
      result[this.flagKeys[i]] = this._result(this.flagKeys[i], this._cache[i], heap, o);
    }
    return result;
  }

  /** A key the configuration does not have: the core answers (flag not found, its message). */
  _unknown(flagKey) {
    const p = scratch(3 * flagKey.length + 8);
    if (HU8.length === 0) views();
    const n = writeUtf8(flagKey, HU8, p);
    raw.rg_flags_eval_key(this._addr, p, n, 0, outPtr); // the time cannot matter: no such flag
    if (H32.length === 0) views();
    return this._result(flagKey, null, H32, outPtr >> 2);
  }

  /** The evaluation in the record at heap[o]; `cache` holds the flag's decoded values. */
  _result(flagKey, cache, heap, o) {
    const variation = heap[o + F_VARIATION];
    const r = {
      flagKey,
      value: undefined,
      variant: undefined,
      reason: REASONS[heap[o + F_REASON]],
      variationIndex: variation,
      ruleIndex: heap[o + F_RULE],
    };
    if (variation >= 0) {
      let cached = cache === null ? undefined : cache[variation];
      if (cached === undefined) {
        const value = JSON.parse(readUtf8(heap[o + F_VALUE], heap[o + F_VALUE_LEN]));
        cached = { value: deepFreeze(value), variant: readUtf8(heap[o + F_VARIANT], heap[o + F_VARIANT_LEN]) };
        if (cache !== null) cache[variation] = cached;
      }
      r.value = cached.value;
      r.variant = cached.variant;
    }
    const code = heap[o + F_CODE];
    if (code !== 0) {
      r.errorCode = ERROR_CODES[code];
      r.errorMessage = readUtf8(heap[o + F_MESSAGE], heap[o + F_MESSAGE_LEN]);
    }
    return r;
  }

  /**
   * Encodes a context into scratch memory (the layout of wasm/bindings/flags.cpp); sets
   * this._base and returns the length. Only attributes the configuration uses are encoded; a
   * value the layout cannot carry goes as a bad record for the core to report.
   */
  _encode(context) {
    if (context === undefined || context === null) {
      this._base = scratch(8);
      return 0;
    }
    let base = scratch(256);
    if (HU8.length === 0) views();
    if (typeof context !== 'object' || Array.isArray(context)) {
      this._base = base;
      return writeBad(HU8, HU32, base, CONTEXT_ITSELF, 0, typeName(context));
    }
    let cap = scratchCapacity();
    let heap = HU8;
    let h32 = HU32;
    let pos = 0;
    const ids = this._ids;
    for (const name in context) {
      const id = ids[name];
      if (id === undefined) continue; // unused by the configuration: never looked at, never sent
      let v = context[name];
      if (v instanceof Date) v = Number.isNaN(v.getTime()) ? null : v.toISOString();
      const t = typeof v;
      let need = 32; // a header, a number, or a bad record with a short type name
      let strings = true; // for a list: are all its elements strings?
      if (t === 'string') need += 3 * v.length;
      else if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] === 'string') need += 3 * v[i].length + 8;
          else { need += 32; strings = false; }
        }
      }
      if (pos + need > cap) {
        base = scratchEnsure(pos, pos + need + 256);
        cap = scratchCapacity();
        heap = HU8;
        h32 = HU32;
      }
      const at = base + pos;
      if (t === 'string') {
        heap[at] = K_STRING;
        h32[(at + 4) >> 2] = id;
        const n = writeUtf8(v, heap, at + 12);
        h32[(at + 8) >> 2] = n;
        pos += 12 + ((n + 3) & ~3);
      } else if (t === 'number') {
        heap[at] = K_NUMBER;
        h32[(at + 4) >> 2] = id;
        HF64[(at + 8) >> 3] = v;
        pos += 16;
      } else if (t === 'boolean') {
        heap[at] = v ? K_TRUE : K_FALSE;
        h32[(at + 4) >> 2] = id;
        pos += 8;
      } else if (v === null || v === undefined) {
        heap[at] = K_NULL;
        h32[(at + 4) >> 2] = id;
        pos += 8;
      } else if (Array.isArray(v) && strings) {
        heap[at] = K_LIST;
        h32[(at + 4) >> 2] = id;
        h32[(at + 8) >> 2] = v.length;
        let p = at + 12;
        for (let i = 0; i < v.length; i++) {
          const n = writeUtf8(v[i], heap, p + 4);
          h32[p >> 2] = n;
          p += 4 + ((n + 3) & ~3);
        }
        pos = p - base;
      } else if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] !== 'string') pos = writeBad(heap, h32, base, id, i + 1, typeName(v[i]), pos);
        }
        continue; // writeBad keeps records 8-aligned
      } else {
        pos = writeBad(heap, h32, base, id, 0, typeName(v), pos);
        continue;
      }
      pos = (pos + 7) & ~7;
    }
    this._base = base;
    return pos;
  }

  /** Frees the WASM memory now; the evaluator cannot be used afterwards. Idempotent. */
  dispose() {
    this._owned.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}

// Outside the constructor on purpose: see memory.js (no closure there may reach the evaluator).
function attributeIds(names) {
  const ids = Object.create(null);
  for (let i = 0; i < names.length; i++) ids[names[i]] = i;
  return ids;
}

/**
 * Writes a bad record (wasm/bindings/flags.cpp) at base + pos: attribute `id`, `item` (list index
 * + 1, or 0 for the value itself) and the JS type name. Returns the next 8-aligned position.
 */
function writeBad(heap, h32, base, id, item, type, pos = 0) {
  const at = base + pos;
  heap[at] = K_BAD;
  h32[(at + 4) >> 2] = id;
  h32[(at + 8) >> 2] = item;
  const n = writeUtf8(type, heap, at + 16);
  h32[(at + 12) >> 2] = n;
  return (pos + 16 + ((n + 3) & ~3) + 7) & ~7;
}

function nowOf(options) {
  const now = options.now;
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalidArgument('now must be epoch milliseconds or a Date', '/now');
  return Math.trunc(ms);
}
