// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Feature flags (docs/config.md): compile a configuration once, evaluate per request.
//
// Per evaluation the context crosses into WebAssembly once, compactly: attribute names are
// interned here (a Map from name to the evaluator's id; names the configuration never uses are
// skipped without crossing), values go into a reused buffer in WASM memory, and one plain export
// call evaluates. Results come back as integers; each flag's variation values are decoded once
// and cached (JSON values are frozen, since they are shared between results).
import {
  mod, lastError, outPtr, scratch, scratchEnsure, scratchCapacity, writeUtf8, readUtf8, raw, views, HU8, HU32, H32, HF64,
} from './runtime.js';
import { RollgateError, invalidArgument } from './errors.js';
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

// The C++ enums' order (flags.hpp).
const REASONS = ['STATIC', 'TARGETING_MATCH', 'SPLIT', 'DISABLED', 'DEFAULT', 'ERROR'];
const ERROR_CODES = [undefined, 'FLAG_NOT_FOUND', 'TYPE_MISMATCH', 'PARSE_ERROR', 'TARGETING_KEY_MISSING', 'GENERAL'];
const TYPES = ['boolean', 'string', 'number', 'json'];
const RECORD = 10; // int32 per evaluation (wasm/bindings/flags.cpp)

function deepFreeze(v) {
  if (v !== null && typeof v === 'object') {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

function contextError(pointer, message) {
  return new RollgateError('rollgate.config.250', pointer, message);
}

function pointerToken(name) {
  return `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

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
  const text = jsonText(config, 'config');
  const handle = M.compileFlags(text);
  if (handle === null) throw lastError();
  // Ramps are the only construct whose result depends on the clock (docs/config.md: `before` /
  // `after` compare an attribute with a fixed time). Without one, evaluations skip Date.now(),
  // which costs about as much as the boundary crossing. Any JSON escape could spell "ramp"
  // another way, so one makes us assume the clock is needed.
  const usesClock = text.includes('"ramp"') || text.includes('\\u');
  return new FlagEvaluator(handle, usesClock);
}

/** Every problem compile() would report, without throwing; [] when the config is valid. */
export function validateFlags(config) {
  return JSON.parse(mod().validateFlags(jsonText(config, 'config')));
}

export class FlagEvaluator {
  /** @internal use compile() */
  constructor(handle, usesClock = true) {
    const info = JSON.parse(handle.info());
    this._usesClock = usesClock;
    this._h = handle;
    this._addr = handle.address();
    this._owned = new Owned(this, () => handle.delete(), 'FlagEvaluator');
    /** Flag keys in configuration order. */
    this.flagKeys = Object.freeze(info.flags.map((f) => f.key));
    /** Attribute names the configuration uses (all others are ignored). */
    this.attributes = Object.freeze(info.attributes.slice());
    this._types = info.flags.map((f) => f.type);
    this._index = new Map(this.flagKeys.map((k, i) => [k, i]));
    // A null-prototype object rather than a Map: V8's keyed loads with the context's own
    // (internalised) property names hit inline caches, which Map.get does not.
    this._ids = Object.create(null);
    info.attributes.forEach((a, i) => { this._ids[a] = i; });
    this._cache = this.flagKeys.map(() => []);
    this._count = this.flagKeys.length;
    this._allOut = 0;
  }

  /** The JSON type of a flag's values, or undefined for an unknown key. */
  flagType(flagKey) {
    const i = this._index.get(flagKey);
    return i === undefined ? undefined : this._types[i];
  }

  /**
   * Evaluates one flag for a context ({attribute: string | number | boolean | string[] | Date |
   * null}). Never throws for a missing flag or a targeting problem: those come back as reason
   * ERROR with an errorCode, as OpenFeature expects. Throws RollgateError for a malformed context.
   * @param {string} flagKey
   * @param {Record<string, unknown>} [context]
   * @param {{now?: number | Date, expectedType?: 'boolean'|'string'|'number'|'json', strictContext?: boolean}} [options]
   *   strictContext (default true) validates attributes the configuration does not use as the
   *   core's context parser does; false skips them unseen (OpenFeature contexts carry anything).
   */
  evaluate(flagKey, context, options) {
    this._owned.check();
    const index = this._index.get(flagKey);
    if (index === undefined) {
      if (typeof flagKey !== 'string') throw invalidArgument(`flagKey must be a string, got ${typeof flagKey}`);
      return {
        flagKey, value: undefined, variant: undefined, reason: 'ERROR', variationIndex: -1, ruleIndex: -1,
        errorCode: 'FLAG_NOT_FOUND', errorMessage: `no flag "${flagKey}" in the configuration`,
      };
    }
    let now;
    let expected = -1;
    let strict = true;
    if (options === undefined) {
      now = this._usesClock ? Date.now() : 0;
    } else {
      now = options.now === undefined && !this._usesClock ? 0 : nowOf(options);
      strict = options.strictContext !== false;
      if (options.expectedType !== undefined) {
        expected = TYPES.indexOf(options.expectedType);
        if (expected < 0) throw invalidArgument(`expectedType must be one of ${TYPES.join(', ')}`, '/expectedType');
      }
    }
    const len = this._encode(context, strict);
    if (raw.rg_flags_eval(this._addr, index, this._base, len, now, expected, outPtr) !== 0) throw lastError();
    if (H32.length === 0) views();
    return this._result(index, H32, outPtr >> 2);
  }

  /**
   * Evaluates every flag for one context in one call into WebAssembly.
   * @returns {Record<string, Evaluation>} by flag key, in configuration order
   */
  evaluateAll(context, options) {
    this._owned.check();
    const now = (options === undefined || options.now === undefined) && !this._usesClock ? 0 : nowOf(options || {});
    const len = this._encode(context, options === undefined || options.strictContext !== false);
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
      result[this.flagKeys[i]] = this._result(i, heap, o);
    }
    return result;
  }

  _result(index, heap, o) {
    const variation = heap[o];
    const r = {
      flagKey: this.flagKeys[index],
      value: undefined,
      variant: undefined,
      reason: REASONS[heap[o + 1]],
      variationIndex: variation,
      ruleIndex: heap[o + 2],
    };
    if (variation >= 0) {
      let cached = this._cache[index][variation];
      if (cached === undefined) {
        const value = JSON.parse(readUtf8(heap[o + 4], heap[o + 5]));
        cached = { value: deepFreeze(value), variant: readUtf8(heap[o + 6], heap[o + 7]) };
        this._cache[index][variation] = cached;
      }
      r.value = cached.value;
      r.variant = cached.variant;
    }
    const code = heap[o + 3];
    if (code !== 0) {
      r.errorCode = ERROR_CODES[code];
      r.errorMessage = readUtf8(heap[o + 8], heap[o + 9]);
    }
    return r;
  }

  /**
   * Encodes a context into scratch memory (see wasm/bindings/flags.cpp); sets this._base and
   * returns the length.
   */
  _encode(context, strict) {
    if (context === undefined || context === null) {
      this._base = scratch(8);
      return 0;
    }
    if (typeof context !== 'object' || Array.isArray(context)) {
      throw contextError('', `a context must be an object, got ${typeName(context)}`);
    }
    let base = scratch(256);
    let cap = scratchCapacity();
    if (HU8.length === 0) views();
    let heap = HU8;
    let h32 = HU32;
    let pos = 0;
    const ids = this._ids;
    for (const name in context) {
      let v = context[name];
      const id = ids[name];
      if (id === undefined) {
        // Unused by the configuration: validated for type only (unless strictContext is false),
        // never sent.
        if (strict) checkType(name, v);
        continue;
      }
      if (v instanceof Date) v = Number.isNaN(v.getTime()) ? null : v.toISOString();
      const t = typeof v;
      let need = 16;
      if (t === 'string') need += 3 * v.length + 4;
      else if (Array.isArray(v)) {
        need += 4;
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] !== 'string') {
            throw contextError(`${pointerToken(name)}/${i}`, `list attributes hold strings only, got ${typeName(v[i])}`);
          }
          need += 3 * v[i].length + 8;
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
        heap[at] = 1;
        h32[(at + 4) >> 2] = id;
        const n = writeUtf8(v, heap, at + 12);
        h32[(at + 8) >> 2] = n;
        pos += 12 + ((n + 3) & ~3);
      } else if (t === 'number') {
        if (!Number.isFinite(v)) throw contextError(pointerToken(name), 'number is not finite');
        heap[at] = 2;
        h32[(at + 4) >> 2] = id;
        HF64[(at + 8) >> 3] = v;
        pos += 16;
      } else if (t === 'boolean') {
        heap[at] = v ? 3 : 4;
        h32[(at + 4) >> 2] = id;
        pos += 8;
      } else if (v === null || v === undefined) {
        heap[at] = 6;
        h32[(at + 4) >> 2] = id;
        pos += 8;
      } else if (Array.isArray(v)) {
        heap[at] = 5;
        h32[(at + 4) >> 2] = id;
        h32[(at + 8) >> 2] = v.length;
        let p = at + 12;
        for (let i = 0; i < v.length; i++) {
          const n = writeUtf8(v[i], heap, p + 4);
          h32[p >> 2] = n;
          p += 4 + ((n + 3) & ~3);
        }
        pos = p - base;
      } else {
        throw contextError(pointerToken(name),
          `an attribute is a string, number, boolean, list of strings or null, got ${typeName(v)}`);
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

function checkType(name, v) {
  const t = typeof v;
  if (t === 'string' || t === 'boolean' || v === null || v === undefined || v instanceof Date) return;
  if (t === 'number') {
    if (!Number.isFinite(v)) throw contextError(pointerToken(name), 'number is not finite');
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'string') {
        throw contextError(`${pointerToken(name)}/${i}`, `list attributes hold strings only, got ${typeName(v[i])}`);
      }
    }
    return;
  }
  throw contextError(pointerToken(name), `an attribute is a string, number, boolean, list of strings or null, got ${typeName(v)}`);
}

function nowOf(options) {
  const now = options.now;
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalidArgument('now must be epoch milliseconds or a Date', '/now');
  return Math.trunc(ms);
}
