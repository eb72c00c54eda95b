// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Hand-written declarations of the package (Emscripten 3.1.6 predates --emit-tsd); npm test
// type-checks a consumer of every API with tsc --strict (tests/node/types/consumer.ts). The
// declarations themselves are in api/, one file per part of the API, re-exported below.

/** Where init() finds the WebAssembly module. All optional: each environment has a default. */
export interface InitOptions {
  /** A compiled module (e.g. Cloudflare Workers: `import wasm from 'rollgate/rollgate.wasm'`). */
  module?: WebAssembly.Module;
  /** The bytes of rollgate.wasm. */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
  /** Where rollgate.wasm is served (browsers, workers). */
  url?: string | URL;
  /** Maps the file name "rollgate.wasm" to its URL (Emscripten's convention). */
  locateFile?: (name: string) => string | URL;
}

/**
 * Loads and instantiates the WebAssembly module. Call (and await) once before anything else;
 * later calls return the same promise. A failed init rejects with a RollgateError
 * (rollgate.js.806) and may be retried.
 */
export function init(options?: InitOptions): Promise<void>;
/** True once init() has resolved. */
export function isInitialized(): boolean;
/** The version of the C++ core inside the .wasm ("MAJOR.MINOR.PATCH"). */
export function version(): string;

export * from './api/errors.js';
export * from './api/bucket.js';
export * from './api/evaluation.js';
export * from './api/stats.js';
export * from './api/rollout.js';
export * from './api/diff.js';
export * from './api/source.js';
export * from './api/metrics.js';
