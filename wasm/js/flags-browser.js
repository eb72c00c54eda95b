// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/flags" for browsers and Web Workers: the flags-only module (flags-api.js), fetched from
// rollgate-flags.wasm next to this file with streaming compilation (the new URL(..., import.meta.url)
// pattern bundlers rewrite to the emitted asset's URL).
import createRollgateFlagsModule from './rollgate-flags.mjs';
import { initWith, compileFromUrl } from './runtime.js';

export * from './flags-api.js';

/**
 * Loads and instantiates the WebAssembly module; resolves once. Idempotent: later calls return
 * the same promise. Options: {module} a WebAssembly.Module, {wasmBinary} bytes, {url} where
 * rollgate-flags.wasm is served, or {locateFile: (name) => url}.
 */
export function init(options) {
  return initWith(options, () => compileFromUrl(new URL('./rollgate-flags.wasm', import.meta.url)), createRollgateFlagsModule, 'flags', 'rollgate-flags.wasm');
}
