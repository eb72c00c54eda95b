// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Entry for Cloudflare Workers / workerd (the "workerd" condition). Workers cannot fetch or
// compile WebAssembly from bytes at run time; wrangler and workerd instead turn an import of a
// .wasm file into a compiled WebAssembly.Module, which we instantiate.
import wasmModule from './rollgate.wasm';
import createRollgateModule from './rollgate.mjs';
import { initWith } from './runtime.js';

export * from './api.js';

/**
 * Instantiates the WebAssembly module bundled with the Worker; resolves once. Idempotent.
 * Options: {module} another WebAssembly.Module to use instead.
 */
export function init(options) {
  return initWith(options, async () => wasmModule, createRollgateModule);
}
