// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The WebAssembly runtime shared by every API file: instantiation (init), the module handle, and
// the memory helpers that move strings and numbers across the boundary in one go.
//
// Why not let Emscripten's glue find the .wasm: it guesses from import.meta.url and a global
// fetch, which breaks in Node (fetch on a file path), in workerd (no URL base at start-up) and in
// bundlers. Each environment's loader (node.js, browser.js, workerd.js, and flags-*.js for the
// flags-only module) instead hands us a function that produces the compiled module and the glue
// factory to start, and the glue only receives the instance (instantiateWasm).
//
// Two modules share this runtime: the full one (rollgate.mjs / rollgate.wasm) and the flags-only
// one (rollgate-flags.mjs / rollgate-flags.wasm, wasm/CMakeLists.txt), which exports the same plain
// functions for flags and bucketing. One process holds one of them: the full module serves both
// entries; after the flags-only one, the full entry refuses to start (rollgate.js.806).
import { RollgateError, JsErrorCode, errorFromCore, invalidArgument } from './errors.js';

/** @type {any} the Emscripten module once init() has resolved */
let M = null;
/** @type {Promise<void> | null} */
let pending = null;
/** 'full' or 'flags': which module init() started */
let loadedKind = null;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * @internal Instantiates the module once. `options` may carry `module` (a WebAssembly.Module),
 * `wasmBinary` (bytes), `url` or `locateFile`; otherwise `defaultSource()` is used.
 * `factory` is the Emscripten glue of that module, `kind` 'full' or 'flags', `wasmName` its file.
 */
export function initWith(options, defaultSource, factory, kind = 'full', wasmName = 'rollgate.wasm') {
  if (pending) {
    if (kind === 'full' && loadedKind === 'flags') {
      return Promise.reject(new RollgateError(JsErrorCode.LoadFailed, '',
        'rollgate/flags was initialised first in this process, and its module has no analysis parts: '
        + 'import init from "rollgate" (which serves rollgate/flags too) before the flags entry'));
    }
    return pending;
  }
  loadedKind = kind;
  pending = (async () => {
    const fail = (e) => (e instanceof RollgateError ? e : new RollgateError(JsErrorCode.LoadFailed, '',
      `cannot instantiate rollgate.wasm: ${e && e.message ? e.message : e}`, { cause: e }));
    // Obtain a compiled WebAssembly.Module BEFORE starting Emscripten's glue: every way loading
    // can fail (a bad URL, wrong bytes, a fetch error) fails here, and the glue never holds a
    // half-started instance (its debug build would keep a run-dependency timer alive forever).
    let compiled;
    try {
      compiled = await chooseSource(options || {}, defaultSource, wasmName)();
    } catch (e) {
      throw fail(e);
    }
    let module;
    let instanceExports;
    try {
      module = await new Promise((resolve, reject) => {
        factory({
          // Stops the glue from computing new URL('rollgate.wasm', import.meta.url) at start-up
          // (throws in workerd); it never loads anything itself.
          locateFile: (p) => p,
          print: () => {},
          printErr: () => {},
          instantiateWasm(imports, receive) {
            WebAssembly.instantiate(compiled, imports).then((instance) => {
              instanceExports = instance.exports;
              receive(instance, compiled);
            }, reject);
            return {};
          },
        }).then(resolve, reject);
      });
    } catch (e) {
      throw fail(e);
    }
    M = module;
    try {
      setup(instanceExports);
    } catch (e) {
      M = null;
      throw fail(e);
    }
  })().catch((e) => {
    pending = null; // a failed init may be retried (e.g. with explicit bytes)
    loadedKind = null;
    throw e;
  });
  return pending;
}

/**
 * @internal Where the compiled module comes from: `options.module`, `options.wasmBinary`,
 * `options.url` / `options.locateFile`, or the environment's default. Returns a function giving
 * a Promise of a WebAssembly.Module.
 */
function chooseSource(opts, defaultSource, wasmName) {
  if (opts.module !== undefined) {
    if (!(opts.module instanceof WebAssembly.Module)) throw invalidArgument('init: module must be a WebAssembly.Module');
    return async () => opts.module;
  }
  if (opts.wasmBinary !== undefined) {
    const bytes = opts.wasmBinary;
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) {
      throw invalidArgument('init: wasmBinary must be an ArrayBuffer or a typed array');
    }
    return () => WebAssembly.compile(bytes);
  }
  if (opts.url !== undefined || opts.locateFile !== undefined) {
    const url = opts.url !== undefined ? opts.url : opts.locateFile(wasmName);
    return () => compileFromUrl(url);
  }
  return defaultSource;
}

/** @internal fetch + compileStreaming, falling back to bytes when the server's MIME type is wrong. */
export async function compileFromUrl(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`fetching ${url} failed: HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch (e) {
      // Wrong Content-Type (not application/wasm): compile from the bytes instead.
    }
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** True once init() has resolved. */
export function isInitialized() {
  return M !== null;
}

/** @internal 'full' or 'flags' once init() has started, else null. */
export function moduleKind() {
  return loadedKind;
}

/** @internal The module, or a RollgateError if init() has not resolved yet. */
export function mod() {
  if (M === null) {
    throw new RollgateError(JsErrorCode.NotInitialized, '',
      'rollgate is not initialised: await init() once before calling it');
  }
  return M;
}

// --- memory ------------------------------------------------------------------------------------
// One scratch region in WASM memory, reused by every call (calls never nest), so hot paths do
// not malloc. `out` is a fixed 64-byte area for small results (two u64, a pointer and a length).
let scratchPtr = 0;
let scratchCap = 0;
/** @internal address of a fixed 64-byte, 8-aligned area for small results */
export let outPtr = 0;

/**
 * @internal Views of WASM memory, kept in module variables: the Emscripten Module object has
 * hundreds of properties (dictionary mode), so reading M.HEAPU8 on every call costs more than the
 * call itself. Growing memory detaches the old buffer, which makes a view's length 0: hot paths
 * check that and call views() to refresh.
 */
export let HU8 = new Uint8Array(0);
export let HU32 = new Uint32Array(0);
export let H32 = new Int32Array(0);
export let HF64 = new Float64Array(0);
/** @internal HU8 over the scratch region alone: encodeInto writes at its start, no subarray. */
export let SCRATCH = new Uint8Array(0);
export function views() {
  HU8 = M.HEAPU8;
  HU32 = M.HEAPU32;
  H32 = M.HEAP32;
  HF64 = M.HEAPF64;
  SCRATCH = HU8.subarray(scratchPtr, scratchPtr + scratchCap);
}

/**
 * @internal Raw exports, taken straight from the instance: calls go into WebAssembly (about 7 ns)
 * without the glue's wrappers.
 */
export const raw = {};

// The plain exports, named in the bindings only (their EMSCRIPTEN_KEEPALIVE functions, listed in
// wasm/exported_functions.txt for the link): every function export of the instance named rg_*,
// plus malloc and free. Both modules are linked with their export names kept (wasm/CMakeLists.txt,
// ROLLGATE_EM_EXPORTS), so each is read from the instance by name at start-up. (Until 2026-12-04
// each was called once instead, so that the glue's lookup wrapper replaced itself: that compiled
// 30 functions before any was needed, 1.4-2.5 ms of a 20 ms cold start. Now V8 compiles a function
// on its first real call.)
const isPlainExport = (name) => name.startsWith('rg_') || name === 'malloc' || name === 'free';

/** Functions run once init() has set the module up (API files read the core's constants). */
const readyHooks = [];
/** @internal Runs `fn` when the module is ready (at once if it already is). */
export function onReady(fn) {
  readyHooks.push(fn);
  if (M !== null) fn();
}

function setup(exports) {
  for (const name of Object.keys(exports)) {
    if (isPlainExport(name) && typeof exports[name] === 'function') raw[name] = exports[name];
  }
  // A module linked with minified export names (or not built from this tree) has none of them.
  for (const name of ['malloc', 'free', 'rg_version', 'rg_last_error']) {
    if (typeof raw[name] !== 'function') {
      throw new RollgateError(JsErrorCode.LoadFailed, '', `the WebAssembly module does not export ${name}: `
        + 'its .wasm and .mjs come from another build than this file (rebuild, or reinstall the package)');
    }
  }
  outPtr = raw.malloc(64);
  scratch(1 << 16);
  views();
  for (const fn of readyHooks) fn();
}

/** @internal Address of at least `n` bytes of scratch memory (8-aligned). May grow memory. */
export function scratch(n) {
  if (n > scratchCap) {
    if (scratchPtr) raw.free(scratchPtr);
    const cap = Math.max(n, scratchCap * 2, 1 << 16);
    scratchPtr = raw.malloc(cap);
    if (!scratchPtr) {
      scratchCap = 0;
      throw new RollgateError(JsErrorCode.OutOfMemory, '', `out of memory allocating ${cap} bytes`);
    }
    scratchCap = cap;
    views();
  }
  return scratchPtr;
}

/**
 * @internal Makes the scratch region at least `total` bytes while keeping its first `used` bytes
 * (for encoders that discover their size as they go). Returns the (possibly new) base address.
 */
export function scratchEnsure(used, total) {
  if (total <= scratchCap) return scratchPtr;
  const cap = Math.max(total, scratchCap * 2);
  const p = raw.malloc(cap);
  if (!p) throw new RollgateError(JsErrorCode.OutOfMemory, '', `out of memory allocating ${cap} bytes`);
  M.HEAPU8.copyWithin(p, scratchPtr, scratchPtr + used);
  raw.free(scratchPtr);
  scratchPtr = p;
  scratchCap = cap;
  views();
  return p;
}

/** @internal Current scratch capacity in bytes. */
export function scratchCapacity() {
  return scratchCap;
}

/** @internal malloc that throws RollgateError instead of returning 0. */
export function alloc(n) {
  const p = raw.malloc(n > 0 ? n : 1);
  if (!p) throw new RollgateError(JsErrorCode.OutOfMemory, '', `out of memory allocating ${n} bytes`);
  views();
  return p;
}

/**
 * @internal Writes `s` as UTF-8 at heap[pos], returns the number of bytes. The caller reserved
 * 3 * s.length bytes (the UTF-8 worst case per UTF-16 code unit). ASCII takes a plain loop (short
 * ids are the common case and encodeInto's call overhead, a subarray included, dominates for
 * them); anything else goes through TextEncoder, which turns lone surrogates into U+FFFD as every
 * web API does.
 */
export function writeUtf8(s, heap, pos) {
  const n = s.length;
  if (n > LOOP_MAX) return encoder.encodeInto(s, heap.subarray(pos, pos + 3 * n)).written;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(s, heap.subarray(pos, pos + 3 * n)).written;
    heap[pos + i] = c;
  }
  return n;
}

// Longest string written by the plain loop. Measured (Node 20, tests/bench/node/bucket.mjs): at
// the scratch start, where encodeInto needs no subarray, it wins from 16 code units on; with a
// subarray to make, from about 64.
const LOOP_MAX = 64;
const LOOP_MAX_AT_START = 16;

/**
 * @internal Writes `s` as UTF-8 at the start of the scratch region (which must hold 3 * s.length
 * bytes: call scratch() first); returns the number of bytes. The one-string fast path of
 * bucketing: the cached SCRATCH view lets encodeInto run without making a subarray.
 */
export function writeScratch(s) {
  if (SCRATCH.length === 0) views();
  const n = s.length;
  if (n > LOOP_MAX_AT_START) return encoder.encodeInto(s, SCRATCH).written;
  const heap = SCRATCH;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(s, SCRATCH).written;
    heap[i] = c;
  }
  return n;
}

/** @internal UTF-8 bytes [ptr, ptr + len) of WASM memory as a string. */
export function readUtf8(ptr, len) {
  if (len === 0) return '';
  return decoder.decode(M.HEAPU8.subarray(ptr, ptr + len));
}

/** @internal NUL-terminated UTF-8 at ptr as a string. */
export function readCString(ptr) {
  const heap = M.HEAPU8;
  let end = ptr;
  while (heap[end] !== 0) end++;
  return decoder.decode(heap.subarray(ptr, end));
}

/** @internal Copies a JS string into scratch memory; returns [ptr, len]. */
export function stringToScratch(s, offset = 0) {
  const p = scratch(offset + 3 * s.length + 1) + offset;
  const len = writeUtf8(s, M.HEAPU8, p);
  return [p, len];
}

/** @internal Encodes `s` into freshly malloc'd memory (caller frees); returns [ptr, len]. */
export function stringToHeap(s) {
  const bytes = encoder.encode(s);
  const p = alloc(bytes.length);
  M.HEAPU8.set(bytes, p);
  return [p, bytes.length];
}

/** @internal The last error recorded by the core, as a RollgateError. */
export function lastError() {
  return errorFromCore(JSON.parse(readCString(raw.rg_last_error())));
}

/**
 * @internal Calls an Embind function that returns JSON text ("" on failure, with the error in
 * the core's error slot) and parses the result.
 */
export function callJson(fn, ...args) {
  const text = fn(...args);
  if (text === '') throw lastError();
  return JSON.parse(text);
}

/** @internal Version of the linked core. */
export function coreVersion() {
  return readCString(mod()._rg_version());
}

export { encoder, decoder };
