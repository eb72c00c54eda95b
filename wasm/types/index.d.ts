// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Hand-written declarations of the package (Emscripten 3.1.6 predates --emit-tsd); npm test
// type-checks a consumer of every API with tsc --strict (tests/node/types/consumer.ts).

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

// --- errors --------------------------------------------------------------------------------------

export interface Problem {
  /** Stable id, e.g. "rollgate.config.204" (docs/errors.md). */
  code: string;
  /** JSON Pointer (RFC 6901) of the offending value; "" is the whole input. */
  pointer: string;
  message: string;
}

/** Every failure of the package: from the C++ core or from argument checks in JS. */
export class RollgateError extends Error {
  readonly name: 'RollgateError';
  /** Stable id, e.g. "rollgate.config.204" (docs/errors.md). */
  readonly code: string;
  /** JSON Pointer (RFC 6901) of the offending value; "" is the whole input. */
  readonly pointer: string;
  /** The first problem's message, without id and pointer. */
  readonly detail: string;
  /** Every problem found, in document order. */
  readonly problems: readonly Problem[];
  constructor(code: string, pointer: string, message: string, extra?: { problems?: Problem[]; cause?: unknown });
}

/** Ids raised by the JS layer itself (docs/errors/js.md). */
export const JsErrorCode: {
  readonly OutOfMemory: 'rollgate.js.801';
  readonly Internal: 'rollgate.js.802';
  readonly NotInitialized: 'rollgate.js.803';
  readonly InvalidArgument: 'rollgate.js.804';
  readonly Disposed: 'rollgate.js.805';
  readonly LoadFailed: 'rollgate.js.806';
};
export type JsErrorCode = (typeof JsErrorCode)[keyof typeof JsErrorCode];

// --- bucketing (docs/bucketing.md) --------------------------------------------------------------

/** Coverage and weights are integers out of BUCKET_SCALE (100000 = 100%). */
export const BUCKET_SCALE: 100000;

/** What bucketBatch computes per unit. */
export const BucketOutput: {
  /** Float64Array: the coverage draw as a fraction in [0, 1) */
  readonly Fraction: 'fraction';
  /** Uint32Array: the coverage bucket in [0, BUCKET_SCALE) */
  readonly CoverageBucket: 'coverageBucket';
  /** Uint32Array: the variant bucket in [0, BUCKET_SCALE) */
  readonly VariantBucket: 'variantBucket';
  /** Uint8Array: 1 if the unit is inside `coverage`, else 0 */
  readonly InCoverage: 'inCoverage';
};
export type BucketOutput = (typeof BucketOutput)[keyof typeof BucketOutput];

/** Where `unit` falls under `salt`: the coverage draw as a fraction in [0, 1). */
export function bucket(unit: string, salt: string): number;

export interface BucketDraws {
  /** XXH3_64(unit, seed) as an unsigned 64-bit BigInt: decides coverage. */
  coverageHash: bigint;
  /** XXH3_64(unit, seed ^ 0x9E3779B97F4A7C15): decides the variant. */
  variantHash: bigint;
  /** coverageHash / 2^64, rounded down to a double. */
  fraction: number;
  /** floor(coverageHash * BUCKET_SCALE / 2^64). */
  coverageBucket: number;
  /** floor(variantHash * BUCKET_SCALE / 2^64). */
  variantBucket: number;
}
/** Both draws of `unit` under `salt`, with their buckets. */
export function bucketDraws(unit: string, salt: string): BucketDraws;
/** floor(draw * n / 2^64). */
export function bucketOf(draw: bigint, n: number): number;
/** True iff `unit` is inside a rollout of `coverage` (integer out of BUCKET_SCALE). */
export function inRollout(unit: string, salt: string, coverage: number): boolean;
/** Index of the variant `unit` gets under integer `weights` summing to BUCKET_SCALE. */
export function pickVariant(unit: string, salt: string, weights: ArrayLike<number>): number;

/** Buckets many units under one salt in one call into WebAssembly. */
export function bucketBatch(units: ArrayLike<string>, salt: string, options?: { output?: 'fraction' }): Float64Array;
export function bucketBatch(units: ArrayLike<string>, salt: string, options: { output: 'coverageBucket' | 'variantBucket' }): Uint32Array;
export function bucketBatch(units: ArrayLike<string>, salt: string, options: { output: 'inCoverage'; coverage: number }): Uint8Array;

/** XXH3-64 of a string's UTF-8 bytes (or raw bytes) with an optional 64-bit seed. */
export function xxh3(input: string | Uint8Array, seed?: bigint | number): bigint;
