// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/flags" for Node.js (the "node" export condition): the flags-only module (flags-api.js),
// read from rollgate-flags.wasm next to this file (Node 20's global fetch cannot load file paths).
import { readFile } from 'node:fs/promises';
import createRollgateFlagsModule from './rollgate-flags.mjs';
import { initWith } from './runtime.js';

export * from './flags-api.js';

/**
 * Loads and instantiates the WebAssembly module; resolves once. Idempotent: later calls return
 * the same promise. Options: {module} a WebAssembly.Module, {wasmBinary} bytes, or {url}.
 */
export function init(options) {
  return initWith(options, async () => WebAssembly.compile(await readFile(new URL('./rollgate-flags.wasm', import.meta.url))), createRollgateFlagsModule, 'flags', 'rollgate-flags.wasm');
}
