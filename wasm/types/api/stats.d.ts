// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
// --- statistics (docs/statistics.md) ------------------------------------------------------------

export const Alternative: { readonly TwoSided: 'two-sided'; readonly Less: 'less'; readonly Greater: 'greater' };
export type Alternative = (typeof Alternative)[keyof typeof Alternative];
export const Method: { readonly Auto: 'auto'; readonly Exact: 'exact'; readonly Asymptotic: 'asymptotic' };
export type Method = (typeof Method)[keyof typeof Method];
export const NanPolicy: { readonly Reject: 'reject'; readonly Omit: 'omit' };
export type NanPolicy = (typeof NanPolicy)[keyof typeof NanPolicy] | 'raise';

/** A sample: an array of numbers or a Float64Array (copied into WASM memory in one go). */
export type Sample = readonly number[] | Float64Array;
export interface SampleSummary { count: number; mean: number; variance: number }
export interface Proportion { successes: number; trials: number }
export interface TestResult { statistic: number; pValue: number }

export interface MannWhitneyUOptions { alternative?: Alternative; method?: Method; useContinuity?: boolean; nanPolicy?: NanPolicy }
export interface MannWhitneyUResult extends TestResult { method: 'exact' | 'asymptotic'; z: number }
export interface HodgesLehmannResult { estimate: number; lower: number; upper: number; k: number; achievedConfidence: number; method: 'exact' | 'asymptotic' }
export interface WelchResult extends TestResult { df: number; difference: number }
export interface ProportionsResult extends TestResult { pX: number; pY: number; difference: number }
export interface FisherResult extends TestResult { oddsRatio: number }
export interface ChisquareResult extends TestResult { df: number }
export interface SequentialOptions { alpha?: number; tau2?: number; previousPValue?: number }
export interface SequentialResult { estimate: number; pValue: number; lower: number; upper: number; reject: boolean; tau2: number }

/** Mann-Whitney U, as scipy.stats.mannwhitneyu (statistic: U of x). */
export function mannWhitneyU(x: Sample, y: Sample, options?: MannWhitneyUOptions): MannWhitneyUResult;
/** Hodges-Lehmann shift x - y with its confidence interval. */
export function hodgesLehmann(x: Sample, y: Sample, options?: { confidence?: number; method?: Method; nanPolicy?: NanPolicy }): HodgesLehmannResult;
/** Welch's t-test, as scipy.stats.ttest_ind(x, y, equal_var=False). */
export function welchT(x: Sample, y: Sample, options?: { alternative?: Alternative; nanPolicy?: NanPolicy }): WelchResult;
/** Welch's t-test from summaries. */
export function welchTFromStats(x: SampleSummary, y: SampleSummary, options?: { alternative?: Alternative }): WelchResult;
/** Count, mean and unbiased variance. */
export function summarize(x: Sample, options?: { nanPolicy?: NanPolicy }): SampleSummary;
/** Two-proportion z-test with pooled variance (statsmodels proportions_ztest). */
export function proportionsZ(x: Proportion, y: Proportion, options?: { alternative?: Alternative }): ProportionsResult;
/** Fisher's exact test on [[a, b], [c, d]], as scipy.stats.fisher_exact. */
export function fisherExact(table: readonly [readonly [number, number], readonly [number, number]], options?: { alternative?: Alternative }): FisherResult;
/** Chi-square goodness of fit, as scipy.stats.chisquare. */
export function chisquare(observed: Sample, expected: Sample): ChisquareResult;
/** Sample-ratio mismatch: observed counts per arm against configured shares. */
export function srm(counts: Sample, shares: Sample): ChisquareResult;
/** Always-valid (mSPRT) test of a difference in means, from summaries or samples. */
export function sequentialMeanTest(x: SampleSummary | Sample, y: SampleSummary | Sample, options?: SequentialOptions): SequentialResult;
/** Always-valid (mSPRT) test of a difference in proportions. */
export function sequentialProportionTest(x: Proportion, y: Proportion, options?: SequentialOptions): SequentialResult;
/** Exact quantiles (numpy's default 'linear' method). */
export function quantiles(values: Sample, qs: Sample, options?: { nanPolicy?: NanPolicy }): number[];
export function quantile(values: Sample, q: number, options?: { nanPolicy?: NanPolicy }): number;

/** Mergeable quantile sketch with a relative-error guarantee. Holds WASM memory. */
export class QuantileSketch implements Disposable {
  constructor(options?: { relativeAccuracy?: number; maxBuckets?: number });
  add(value: number, count?: number): this;
  addAll(values: Sample): this;
  merge(other: QuantileSketch): this;
  quantile(q: number): number;
  quantiles(qs: Sample): number[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly relativeAccuracy: number;
  readonly maxBuckets: number;
  readonly bucketCount: number;
  readonly collapsed: boolean;
  equals(other: QuantileSketch): boolean;
  /** The JSON form as an object (JSON.stringify(sketch) gives the wire text). */
  toJSON(): Record<string, unknown>;
  toBase64(): string;
  /** Reads the JSON form (text or object), validated as untrusted input. */
  static fromJSON(json: string | Record<string, unknown>): QuantileSketch;
  static fromBase64(text: string): QuantileSketch;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** The statistics namespace: `stats.mannWhitneyU(x, y, {alternative})` and the rest. */
export const stats: {
  readonly Alternative: typeof Alternative;
  readonly Method: typeof Method;
  readonly NanPolicy: typeof NanPolicy;
  readonly QuantileSketch: typeof QuantileSketch;
  readonly mannWhitneyU: typeof mannWhitneyU;
  readonly hodgesLehmann: typeof hodgesLehmann;
  readonly welchT: typeof welchT;
  readonly welchTFromStats: typeof welchTFromStats;
  readonly summarize: typeof summarize;
  readonly proportionsZ: typeof proportionsZ;
  readonly fisherExact: typeof fisherExact;
  readonly chisquare: typeof chisquare;
  readonly srm: typeof srm;
  readonly sequentialMeanTest: typeof sequentialMeanTest;
  readonly sequentialProportionTest: typeof sequentialProportionTest;
  readonly quantiles: typeof quantiles;
  readonly quantile: typeof quantile;
};
