// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
// --- bucketing (docs/bucketing.md) --------------------------------------------------------------

/**
 * Coverage and weights are integers out of BUCKET_SCALE: the core's kScale, 100000 = 100%.
 * Read from the core by init() (a live binding); undefined before init() has resolved.
 */
export const BUCKET_SCALE: number;

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
/** floor(draw * n / 2^64), computed by the core (bucket_of); `n` is an integer in [1, 2^32 - 1]. */
export function bucketOf(draw: bigint, n: number): number;
/**
 * True iff `unit` is inside a rollout of `coverage` (integer out of BUCKET_SCALE).
 * @throws {RollgateError} rollgate.bucket.304 when coverage is above BUCKET_SCALE
 */
export function inRollout(unit: string, salt: string, coverage: number): boolean;
/**
 * Bucketing under one salt, hashed once: `bucket(unit)` and `inRollout(unit, coverage)` equal the
 * free functions with that salt, at one hash of the unit each. Holds WASM memory: dispose().
 */
export class Bucketer implements Disposable {
  constructor(salt: string);
  readonly salt: string;
  bucket(unit: string): number;
  /** @throws {RollgateError} rollgate.bucket.304 when coverage is above BUCKET_SCALE */
  inRollout(unit: string, coverage: number): boolean;
  dispose(): void;
  [Symbol.dispose](): void;
}
/**
 * Index of the variant `unit` gets under integer `weights`.
 * @throws {RollgateError} rollgate.bucket.305 when the weights do not sum to BUCKET_SCALE
 */
export function pickVariant(unit: string, salt: string, weights: ArrayLike<number>): number;
/**
 * A percentage (0 to 100, at most 3 decimals) as an integer out of BUCKET_SCALE, exactly, by the
 * core's rule: 12.5 -> 12500; 33.3330000001 is refused, never rounded.
 * @throws {RollgateError} rollgate.bucket.301 (not finite), 302 (outside 0..100), 303 (more than 3 decimals)
 */
export function percentToScale(percent: number): number;
/**
 * A rate (a fraction of 1, at most 5 decimals) as an integer out of BUCKET_SCALE: 0.125 -> 12500.
 * @throws {RollgateError} rollgate.bucket.301 (not finite), 302 (outside 0..1), 303 (more than 5 decimals)
 */
export function rateToScale(rate: number): number;
/**
 * Relative weights (non-negative, not all zero: [1, 1, 2]) as integers out of BUCKET_SCALE that
 * sum to it exactly (largest remainder, ties to the lower index): what pickVariant takes.
 * @throws {RollgateError} rollgate.bucket.306 (empty, NaN, infinite, negative or all zero)
 */
export function weightsToScale(weights: readonly number[]): number[];

/** Buckets many units under one salt in one call into WebAssembly. */
export function bucketBatch(units: ArrayLike<string>, salt: string, options?: { output?: 'fraction' }): Float64Array;
export function bucketBatch(units: ArrayLike<string>, salt: string, options: { output: 'coverageBucket' | 'variantBucket' }): Uint32Array;
export function bucketBatch(units: ArrayLike<string>, salt: string, options: { output: 'inCoverage'; coverage: number }): Uint8Array;

/** XXH3-64 of a string's UTF-8 bytes (or raw bytes) with an optional 64-bit seed. */
export function xxh3(input: string | Uint8Array, seed?: bigint | number): bigint;
