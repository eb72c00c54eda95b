// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Entry for browsers and Web Workers (the "browser", "worker" and "default" conditions): fetches
// rollgate.wasm next to this file with streaming compilation. `new URL('./rollgate.wasm',
// import.meta.url)` is the pattern bundlers (Vite, webpack 5, esbuild with a loader) recognise
// and rewrite to the emitted asset's URL.
import createRollgateModule from './rollgate.mjs';
import { initWith, compileFromUrl } from './runtime.js';

export * from './api.js';

/**
 * Loads and instantiates the WebAssembly module; resolves once. Idempotent: later calls return
 * the same promise. Options: {module} a WebAssembly.Module, {wasmBinary} bytes, {url} where
 * rollgate.wasm is served, or {locateFile: (name) => url}.
 */
export function init(options) {
  return initWith(options, () => compileFromUrl(new URL('./rollgate.wasm', import.meta.url)), createRollgateModule);
}
