// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Entry for Node.js (the "node" export condition): reads rollgate.wasm next to this file.
// Node 20's global fetch cannot load file paths, so the bytes are read from disk and handed over.
import { readFile } from 'node:fs/promises';
import createRollgateModule from './rollgate.mjs';
import { initWith } from './runtime.js';

export * from './api.js';

/**
 * Loads and instantiates the WebAssembly module; resolves once. Idempotent: later calls return
 * the same promise. Options: {module} a WebAssembly.Module, {wasmBinary} bytes, or {url}.
 */
export function init(options) {
  return initWith(options, async () => WebAssembly.compile(await readFile(new URL('./rollgate.wasm', import.meta.url))), createRollgateModule);
}
