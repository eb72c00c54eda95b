// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/flags" for Cloudflare Workers / workerd: the flags-only module (flags-api.js), imported
// as a compiled WebAssembly.Module (Workers cannot compile WebAssembly from bytes at run time).
import wasmModule from './rollgate-flags.wasm';
import createRollgateFlagsModule from './rollgate-flags.mjs';
import { initWith } from './runtime.js';

export * from './flags-api.js';

/**
 * Instantiates the WebAssembly module bundled with the Worker; resolves once. Idempotent.
 * Options: {module} another WebAssembly.Module to use instead.
 */
export function init(options) {
  return initWith(options, async () => wasmModule, createRollgateFlagsModule, 'flags', 'rollgate-flags.wasm');
}
