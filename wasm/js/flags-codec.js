// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The binary side of flag evaluation (wasm/bindings/flags.cpp): the context encoder and the
// evaluation-record decoder, shared by FlagEvaluator and BoundContext (flags.js).
//
// Nothing here decides anything: the binary layouts and the enum names come from the binding
// (rg_flags_layout()) at start-up; a value the encoder cannot represent crosses as a "bad" record
// with its JS type name, and the core reports it (rollgate.config.250).
//
// Why the encoder reads the context by name: a context usually carries far more attributes than
// the configuration uses (10 against 3 in the benchmark), and walking every key (for...in, then a
// lookup of each name) cost more than the WebAssembly call itself. The configuration's names are
// few and known at compile time, so each is read directly; names it never uses are never touched.
import { mod, readCString, readUtf8, scratch, scratchEnsure, scratchCapacity, writeUtf8, raw, views, onReady, HU8, HU32, HF64 } from './runtime.js';

// Filled from the binding's layout once the module is ready (see the file comment).
export let REASONS; // reason names in C++ enum order
export let ERROR_CODES; // error code names in enum order; undefined for error_code::none
export let TYPES; // value type names in enum order
export let FORMATS; // configuration format names in enum order (compile's {format})
/** @type {Record<string, number>} value type name -> enum value */
export let TYPE_INDEX;
export let RECORD; // int32 per evaluation record
let F_VARIATION; let F_REASON; let F_RULE; let F_CODE; let F_VALUE; let F_VALUE_LEN; let F_VARIANT; let F_VARIANT_LEN;
let F_MESSAGE; let F_MESSAGE_LEN;
let K_STRING; let K_NUMBER; let K_TRUE; let K_FALSE; let K_LIST; let K_NULL; let K_BAD;
const CONTEXT_ITSELF = 0xFFFFFFFF; // attribute id of a bad record about the context itself

onReady(() => {
  mod();
  const layout = JSON.parse(readCString(raw.rg_flags_layout()));
  REASONS = layout.reasons;
  ERROR_CODES = layout.errorCodes.map((c) => (c === '' ? undefined : c));
  TYPES = layout.valueTypes;
  FORMATS = layout.formats;
  TYPE_INDEX = Object.create(null);
  TYPES.forEach((t, i) => { TYPE_INDEX[t] = i; });
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
 * The cached {value, variant} of the record at heap[o] (variation >= 0), decoding the value's
 * JSON once per (flag, variation); `cache` is the flag's array, or null for an unknown flag.
 */
export function cachedValue(cache, heap, o, variation) {
  let cached = cache === null ? undefined : cache[variation];
  if (cached === undefined) {
    const value = JSON.parse(readUtf8(heap[o + F_VALUE], heap[o + F_VALUE_LEN]));
    cached = { value: deepFreeze(value), variant: readUtf8(heap[o + F_VARIANT], heap[o + F_VARIANT_LEN]) };
    if (cache !== null) cache[variation] = cached;
  }
  return cached;
}

/** The evaluation in the record at heap[o]; `cache` holds the flag's decoded values. */
export function result(flagKey, cache, heap, o) {
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
    const cached = cachedValue(cache, heap, o, variation);
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

/** The served value of the record at heap[o] (undefined when none). */
export function valueOf(cache, heap, o) {
  const variation = heap[o + F_VARIATION];
  return variation >= 0 ? cachedValue(cache, heap, o, variation).value : undefined;
}

/**
 * How the encoder reads a configuration's attribute names: `names` in id order, and for each
 * whether it is also a member of Object.prototype ("constructor", "toString"): such a name is
 * read only when the context has it as its own property, as for...in would have seen it.
 */
export function attributeReader(names, paths) {
  const inherited = names.map((n) => n in Object.prototype);
  // flagd configurations: the core gives each attribute's path through nested objects (JSON
  // Logic's `var`), and the value is read along it; a path that ends early is a missing value.
  return { names, inherited, any: inherited.some(Boolean), paths };
}

function atPath(context, path) {
  let v = context;
  for (let i = 0; i < path.length; i++) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, path[i])) return undefined;
    v = v[path[i]];
  }
  return v;
}

/** Where encode() put the context: scratch address of the first record. */
export let encodedBase = 0;
/** The context moved (the scratch region grew, keeping it): its new address. */
export function setEncodedBase(base) {
  encodedBase = base;
  return base;
}

/**
 * Encodes a context into scratch memory (the layout of wasm/bindings/flags.cpp); sets
 * encodedBase and returns the length. Only attributes the configuration uses are read (by name);
 * a value the layout cannot carry goes as a bad record for the core to report.
 */
export function encode(reader, context) {
  if (context === undefined || context === null) {
    encodedBase = scratch(8);
    return 0;
  }
  let base = scratch(256);
  if (HU8.length === 0) views();
  if (typeof context !== 'object' || Array.isArray(context)) {
    encodedBase = base;
    return writeBad(HU8, HU32, base, CONTEXT_ITSELF, 0, typeName(context));
  }
  let cap = scratchCapacity();
  let heap = HU8;
  let h32 = HU32;
  let pos = 0;
  const names = reader.names;
  const count = names.length;
  const paths = reader.paths;
  for (let id = 0; id < count; id++) {
    let v;
    if (paths !== undefined) {
      v = atPath(context, paths[id]);
    } else {
      // One load site per attribute id, for the first eight: each site then sees one name and
      // (usually) one context shape, so V8 keeps it monomorphic, where a single context[names[id]]
      // sees every name and goes megamorphic (a stub-cache lookup per attribute). Measured on the
      // benchmark flag (three attributes read; one process, old and new encoder alternating):
      // 234 -> 216 ns per evaluate().
      switch (id) {
        case 0: v = context[names[0]]; break;
        case 1: v = context[names[1]]; break;
        case 2: v = context[names[2]]; break;
        case 3: v = context[names[3]]; break;
        case 4: v = context[names[4]]; break;
        case 5: v = context[names[5]]; break;
        case 6: v = context[names[6]]; break;
        case 7: v = context[names[7]]; break;
        default: v = context[names[id]];
      }
      if (v !== undefined && reader.any && reader.inherited[id] && !Object.prototype.hasOwnProperty.call(context, names[id])) continue;
    }
    if (v === undefined) continue; // absent (or explicitly undefined): missing either way
    let t = typeof v;
    if (t === 'object' && v instanceof Date) { // typeof first: instanceof on every string costs
      v = Number.isNaN(v.getTime()) ? null : v.toISOString();
      t = typeof v;
    }
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
    } else if (v === null) {
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
  encodedBase = base;
  return pos;
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
