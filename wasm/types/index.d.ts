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

/** Buckets many units under one salt in one call into WebAssembly. */
export function bucketBatch(units: ArrayLike<string>, salt: string, options?: { output?: 'fraction' }): Float64Array;
export function bucketBatch(units: ArrayLike<string>, salt: string, options: { output: 'coverageBucket' | 'variantBucket' }): Uint32Array;
export function bucketBatch(units: ArrayLike<string>, salt: string, options: { output: 'inCoverage'; coverage: number }): Uint8Array;

/** XXH3-64 of a string's UTF-8 bytes (or raw bytes) with an optional 64-bit seed. */
export function xxh3(input: string | Uint8Array, seed?: bigint | number): bigint;

// --- feature flags (docs/config.md) -------------------------------------------------------------

/** Why a value was served (OpenFeature's vocabulary). */
export const Reason: {
  readonly Static: 'STATIC';
  readonly TargetingMatch: 'TARGETING_MATCH';
  readonly Split: 'SPLIT';
  readonly Disabled: 'DISABLED';
  readonly Default: 'DEFAULT';
  readonly Error: 'ERROR';
};
export type Reason = (typeof Reason)[keyof typeof Reason];

/** OpenFeature error codes of an evaluation whose reason is ERROR. */
export const ErrorCode: {
  readonly FlagNotFound: 'FLAG_NOT_FOUND';
  readonly TypeMismatch: 'TYPE_MISMATCH';
  readonly ParseError: 'PARSE_ERROR';
  readonly TargetingKeyMissing: 'TARGETING_KEY_MISSING';
  readonly General: 'GENERAL';
};
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The JSON type shared by a flag's variations. */
export const FlagType: {
  readonly Boolean: 'boolean';
  readonly String: 'string';
  readonly Number: 'number';
  readonly Json: 'json';
};
export type FlagType = (typeof FlagType)[keyof typeof FlagType];

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** An attribute value: lists hold strings; a Date is sent as RFC 3339; null means missing. */
export type AttributeValue = string | number | boolean | readonly string[] | Date | null | undefined;
/** The subject of an evaluation; "targetingKey" is the default bucketing unit. */
export type EvaluationContext = { readonly targetingKey?: string } & { readonly [attribute: string]: AttributeValue };

export interface Evaluation<T extends JsonValue = JsonValue> {
  flagKey: string;
  /** The served value (frozen when it is an object); undefined when none (flag not found). */
  value: T | undefined;
  /** The served variation's key. */
  variant: string | undefined;
  reason: Reason;
  /** Index into the flag's variations, -1 when no value. */
  variationIndex: number;
  /** Index of the rule that decided, -1 if none did. */
  ruleIndex: number;
  /** Present only when reason is ERROR. */
  errorCode?: ErrorCode;
  errorMessage?: string;
}

export interface EvaluateOptions {
  /** The clock, epoch milliseconds or a Date (default: now). */
  now?: number | Date;
  /** Report TYPE_MISMATCH when the flag's type differs. */
  expectedType?: FlagType;
}

/** A compiled flag configuration. Holds WASM memory: dispose() (or `using`) when replaced. */
export class FlagEvaluator implements Disposable {
  private constructor();
  /** Flag keys in configuration order. */
  readonly flagKeys: readonly string[];
  /** Attribute names the configuration uses; the context's other attributes are never looked at. */
  readonly attributes: readonly string[];
  /** True iff some result depends on the evaluation time (the configuration has a ramp). */
  readonly usesClock: boolean;
  /** The JSON type of a flag's values, undefined for an unknown key. */
  flagType(flagKey: string): FlagType | undefined;
  /**
   * Evaluates one flag: one call into WebAssembly, context included. An unknown key gives reason
   * ERROR / FLAG_NOT_FOUND. @throws {RollgateError} rollgate.config.250 when an attribute the
   * configuration uses holds a value a context cannot hold (every such problem, with pointers).
   */
  evaluate<T extends JsonValue = JsonValue>(flagKey: string, context?: EvaluationContext | null, options?: EvaluateOptions): Evaluation<T>;
  /** Evaluates every flag for one context in one call, keyed by flag key in configuration order. */
  evaluateAll(context?: EvaluationContext | null, options?: Omit<EvaluateOptions, 'expectedType'>): Record<string, Evaluation>;
  /** Frees the WASM memory now; later calls throw rollgate.js.805. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** A flag configuration: an object (docs/config.md, docs/config.schema.json) or its JSON text. */
export type FlagConfig = string | { readonly [key: string]: unknown };

/** Compiles a flag configuration. @throws {RollgateError} listing every problem. */
export function compile(config: FlagConfig): FlagEvaluator;
/** Every problem compile() would report; [] when valid. Never throws for a bad config. */
export function validateFlags(config: FlagConfig): Problem[];

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

// --- canary judge and rollout plans (docs/canary.md, docs/rollout.md) ---------------------------

export const Decision: { readonly Pass: 'PASS'; readonly Hold: 'HOLD'; readonly Rollback: 'ROLLBACK' };
export type Decision = (typeof Decision)[keyof typeof Decision];
export const Classification: { readonly Pass: 'Pass'; readonly High: 'High'; readonly Low: 'Low'; readonly NoData: 'NoData' };
export type Classification = (typeof Classification)[keyof typeof Classification];
export const ActionKind: {
  readonly Advance: 'advance'; readonly Hold: 'hold'; readonly Rollback: 'rollback'; readonly Complete: 'complete';
  readonly Start: 'start'; readonly Pause: 'pause'; readonly Resume: 'resume';
};
export type ActionKind = (typeof ActionKind)[keyof typeof ActionKind];
export const RolloutStatus: { readonly Running: 'running'; readonly Paused: 'paused'; readonly RolledBack: 'rolledBack'; readonly Completed: 'completed' };
export type RolloutStatus = (typeof RolloutStatus)[keyof typeof RolloutStatus];
export const Command: { readonly Pause: 'pause'; readonly Resume: 'resume'; readonly Rollback: 'rollback' };
export type Command = (typeof Command)[keyof typeof Command];
export const Risk: { readonly Low: 'low'; readonly Medium: 'medium'; readonly High: 'high' };
export type Risk = (typeof Risk)[keyof typeof Risk];

/** JSON input: an object or its text. */
export type JsonInput = string | { readonly [key: string]: unknown };

/** One check of a metric (a shift, a tail quantile, a rate or a gate); null where it does not apply. */
export interface CheckResult {
  check: 'shift' | 'quantile' | 'rate' | 'gate';
  label: string;
  classification: Classification;
  pValue: number | null;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  allowed: number | null;
  baseline: number | null;
  canary: number | null;
  reason: string;
}

/** The judge's result for one metric. */
export interface MetricResult {
  name: string;
  kind: 'continuous' | 'rate';
  direction: 'increase' | 'decrease' | 'either';
  group: string;
  weight: number;
  critical: boolean;
  mustHaveData: boolean;
  classification: Classification;
  test: string;
  pValue: number | null;
  estimate: number | null;
  interval: unknown;
  baselineCount: number | null;
  canaryCount: number | null;
  reasons: string[];
  checks: CheckResult[];
}

/** The judge's answer (docs/canary.md); numbers that do not apply are null. */
export interface Analysis {
  decision: Decision;
  score: number | null;
  reasons: string[];
  criticalFailures: string[];
  groups: Array<{ name: string; weight: number; score: number | null }>;
  metrics: MetricResult[];
}

/** One recorded transition of a rollout (holds are not recorded). */
export interface HistoryEntry {
  atMs: number;
  action: ActionKind;
  /** "coordinator" (the state machine) or "operator" (a command). */
  actor: string;
  fromStage: number;
  toStage: number;
  percent: number;
  reason: string;
}

/** The stored state of a rollout (docs/rollout.md, "State"). */
export interface RolloutState {
  stage: number;
  /** When the stage's percentage took effect. */
  stageStartMs: number;
  status: RolloutStatus;
  /** Id of the measurement window; a new one starts whenever the served percentage changes. */
  window: number;
  /** An increase decided but not yet in force: clients serve `fromPercent` until `atMs`. */
  pending: { fromPercent: number; atMs: number } | null;
  /** Oldest first, at most 200 entries. */
  history: HistoryEntry[];
  /** Entries dropped from the front of the history. */
  historyDropped?: number;
}

/** What a transition decided. Coverages are integers out of BUCKET_SCALE (pass them to inRollout). */
export interface RolloutAction {
  action: ActionKind;
  /** The stage's traffic share after acting (0 after a rollback). */
  percent: number;
  coverage: number;
  /** What clients serve now (differs from `percent` while an increase is announced). */
  servingPercent: number;
  servingCoverage: number;
  stage: number;
  status: RolloutStatus;
  /** A new measurement window starts: discard the window's data. */
  newWindow: boolean;
  /** The announced increase, if one is pending, and the window that starts with it. */
  pending: { percent: number; coverage: number; atMs: number; window: number } | null;
  reasons: string[];
  state: RolloutState;
}

/** The sample-ratio check of one window. */
export interface SrmCheck {
  /** False when the window is too small or there is no split (0% or 100%). */
  checked: boolean;
  /** Checked and pValue < alpha: the rollout does not advance on this window. */
  failed: boolean;
  statistic: number | null;
  pValue: number | null;
  df: number;
  alpha: number;
  stableUnits: number;
  canaryUnits: number;
  canaryPercent: number;
  reason: string;
}

/** The result of rolloutStep: the decision and its evidence. */
export interface RolloutStep {
  action: RolloutAction;
  /** The window's analysis; null for a time-only stage or a finished rollout. */
  analysis: Analysis | null;
  srm: SrmCheck;
}

/** A rollout plan (docs/rollout.md, "Plan"). */
export interface Plan {
  name?: string;
  description?: string;
  risk?: Risk;
  canary?: Record<string, unknown>;
  stages: Array<{ name?: string; percent: number; minDurationMs: number; maxDurationMs?: number; gates?: string[] | Record<string, unknown>; watch?: string[] }>;
}

type Clock = { now?: number | Date };

/** Judges a canary against its baseline: per-metric outcomes, score and decision. */
export function judge(canaryConfig: JsonInput, baseline: JsonInput, canary: JsonInput): Analysis;
export function validateCanaryConfig(canaryConfig: JsonInput): void;
export function defaultPlan(risk?: Risk): Plan;
/** Throws every problem of a plan; with `measurable`, also gates on metrics outside it (rollgate.plan.613). */
export function validatePlan(plan: JsonInput | Plan, options?: { measurable?: string[] }): void;
/** The plan without its gates on metrics outside `measurable`, and the names it dropped. */
export function restrictPlan(plan: JsonInput | Plan, measurable: string[]): { plan: Plan; dropped: string[] };
/** The canary config of stage `stage`, or null for a time-only stage. */
export function stageCanaryConfig(plan: JsonInput | Plan, stage: number): Record<string, unknown> | null;
export function initialState(options?: Clock): RolloutState;
/** The pure rollout state machine: store the returned `state` and pass it back next time. */
export function nextAction(plan: JsonInput | Plan, state: JsonInput | RolloutState, analysis: JsonInput | Analysis | null,
  options?: Clock & { announceMs?: number; units?: { stable: number; canary: number }; srmAlpha?: number }): RolloutAction;
/** Applies an announced increase once due: the action (a new window starts), or null. */
export function settleRollout(plan: JsonInput | Plan, state: JsonInput | RolloutState, options?: Clock): RolloutAction | null;
/** Judges a window, checks its sample ratio and steps the state machine. */
export function rolloutStep(plan: JsonInput | Plan, state: JsonInput | RolloutState,
  window: { baseline: JsonInput; canary: JsonInput; units?: { stable?: number; canary?: number } },
  options?: Clock & { announceMs?: number; srmAlpha?: number }): RolloutStep;
/** The first action and state of a new rollout. */
export function startRollout(plan: JsonInput | Plan, options?: Clock & { reason?: string }): RolloutAction;
/** An operator's command; throws rollgate.plan.614 when it does not apply to the rollout's status. */
export function applyCommand(plan: JsonInput | Plan, state: JsonInput | RolloutState, command: Command,
  options?: Clock & { reason?: string }): RolloutAction;

// --- dark launches (docs/diff.md) ---------------------------------------------------------------

export const DifferenceKind: {
  readonly ValueChanged: 'value_changed';
  readonly TypeChanged: 'type_changed';
  readonly KeyAdded: 'key_added';
  readonly KeyRemoved: 'key_removed';
  readonly ArrayLengthChanged: 'array_length_changed';
};
export type DifferenceKind = (typeof DifferenceKind)[keyof typeof DifferenceKind];
export const ArrayMode: { readonly Ordered: 'ordered'; readonly Set: 'set'; readonly Keyed: 'keyed' };
export type ArrayMode = (typeof ArrayMode)[keyof typeof ArrayMode];

export interface PathRule {
  path: string;
  ignore?: boolean;
  absoluteTolerance?: number;
  relativeTolerance?: number;
  arrays?: ArrayMode;
  key?: string;
  caseInsensitive?: boolean;
  nullEqualsMissing?: boolean;
}
export interface DiffOptions {
  paths?: PathRule[];
  maxDifferences?: number;
  maxValueLength?: number;
  /** Response headers (diffResponses): names to skip, or the only names to compare. */
  headers?: { ignore?: string[]; only?: string[] };
}
export interface Difference { path: string; field: string; kind: DifferenceKind; old?: unknown; new?: unknown; truncated?: boolean }
export interface DiffResult { equal: boolean; differences: Difference[]; omitted: number }

/** Structural difference of two JSON values (the old path's result first). */
export function diff(oldValue: unknown, newValue: unknown, options?: DiffOptions | string): DiffResult;
/** As diff(), for JSON texts. */
export function diffText(oldJson: string, newJson: string, options?: DiffOptions | string): DiffResult;
export function validateDiffOptions(options: DiffOptions | string): void;

export interface ResponseLike {
  status?: number;
  headers?: Headers | ReadonlyArray<readonly [string, string]> | Record<string, string>;
  body?: string | Uint8Array | ArrayBuffer | null;
  contentType?: string;
}
/** Compares two HTTP-like responses: status, content type, headers (any case) and body. */
export function diffResponses(oldResponse: ResponseLike, newResponse: ResponseLike, options?: DiffOptions | string): DiffResult;

export interface FieldVerdict {
  field: string;
  comparisons: number;
  differed: number;
  noiseComparisons: number;
  noiseDiffered: number;
  rate: number;
  noiseRate: number;
  relative: number;
  absolute: number;
  pValue: number;
  /** A regression beyond the learned noise. */
  real: boolean;
}

/** A mergeable, bounded aggregate of comparisons per field, with noise learning. Holds WASM memory. */
export class MismatchReport implements Disposable {
  constructor(limits?: { maxPaths?: number; maxExamples?: number; maxExampleLength?: number });
  /** Diffs the old path's result against the candidate's and records it; returns the diff. */
  add(oldValue: unknown, newValue: unknown, options?: DiffOptions | string): DiffResult;
  /** Records two runs of the OLD path: what differs on its own is noise. */
  addNoise(primary: unknown, secondary: unknown, options?: DiffOptions | string): DiffResult;
  /**
   * One dark-launch sample of responses in one call: served vs shadow (candidate) and, with a
   * secondary response from the served origin, served vs secondary (noise). Returns the first diff.
   */
  addResponses(served: ResponseLike, shadow: ResponseLike, secondary?: ResponseLike | null, options?: DiffOptions | string): DiffResult;
  addVerdict(equal: boolean, options?: { noise?: boolean }): void;
  addRun(run?: { controlMs?: number; candidateMs?: number; candidateThrew?: boolean; slow?: boolean }): void;
  merge(other: MismatchReport): this;
  judge(thresholds?: { relative?: number; absolute?: number; significance?: number; minDifferences?: number }): FieldVerdict[];
  readonly comparisons: number;
  readonly noiseComparisons: number;
  toJSON(): Record<string, unknown>;
  static fromJSON(json: string | Record<string, unknown>): MismatchReport;
  dispose(): void;
  [Symbol.dispose](): void;
}

export interface ExperimentOutcome<T> {
  name: string;
  candidateRan: true;
  controlThrew: boolean;
  candidateThrew: boolean;
  candidateError?: unknown;
  controlMs: number;
  candidateMs: number;
  slow: boolean;
  compared: boolean;
  matched: boolean;
  differences?: DiffResult;
  comparisonError?: unknown;
}

export interface ExperimentSpec<T> {
  name?: string;
  /** The old code path: its result (or error) is what experiment() gives back. */
  control: () => T | Promise<T>;
  /** The new code path, run beside it when sampled; its errors never reach the caller. */
  candidate?: () => T | Promise<T>;
  /** true/false, a rate in [0, 1], a function, or sticky sampling by unit (bucketing). */
  sample?: boolean | number | (() => boolean | Promise<boolean>) | { unit: string; rate?: number; salt?: string };
  /** Equality predicate instead of a structural diff. */
  compare?: (control: T, candidate: T) => boolean;
  /** Maps a result to the JSON value that is diffed (default: the result itself). */
  toJSON?: (result: T) => unknown;
  options?: DiffOptions | string;
  report?: MismatchReport;
  /** How long the caller waits for the candidate after the control finished (default 0). */
  timeBudgetMs?: number;
  publish?: (outcome: ExperimentOutcome<T>) => void;
}

/** A dark launch in the spirit of GitHub's Scientist: always resolves to the control's result. */
export function experiment<T>(spec: ExperimentSpec<T>): Promise<T>;

// --- flag delivery (docs/js-api.md, "Flag delivery") ---------------------------------------------

export const SourceStatus: {
  readonly NotReady: 'not_ready'; readonly Ready: 'ready'; readonly Stale: 'stale'; readonly Error: 'error'; readonly Closed: 'closed';
};
export type SourceStatus = (typeof SourceStatus)[keyof typeof SourceStatus];

export interface FlagSourceOptions {
  /** Where the configuration is served (the edge worker: /__rollgate/flags). */
  url?: string | URL;
  /** A configuration inlined in the page (object or JSON text): evaluations work before any fetch. */
  bootstrap?: FlagConfig;
  /** "poll" (default with a url: conditional GET every intervalMs), "stream" (server-sent events), "none". */
  refresh?: 'poll' | 'stream' | 'none';
  intervalMs?: number;
  timeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Refresh failures for this long turn the status "stale" (default 2 × intervalMs). */
  staleAfterMs?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

/** A flag configuration that stays fresh: loads, refreshes, keeps the last good one on failure. */
export class FlagSource implements Disposable {
  constructor(options: FlagSourceOptions);
  readonly status: SourceStatus;
  readonly lastError: RollgateError | null;
  readonly etag: string | null;
  readonly version: number;
  readonly lastSuccessAt: number;
  /** Resolves once a configuration is in force; rejects if the first load fails with no bootstrap. */
  ready(): Promise<void>;
  /** The evaluator in force; valid until the swap after next. */
  readonly evaluator: FlagEvaluator;
  evaluate<T extends JsonValue = JsonValue>(flagKey: string, context?: EvaluationContext | null, options?: EvaluateOptions): Evaluation<T>;
  evaluateAll(context?: EvaluationContext | null, options?: Omit<EvaluateOptions, 'expectedType'>): Record<string, Evaluation>;
  on(event: 'change', listener: (change: { version: number; etag: string | null; source: 'bootstrap' | 'fetch' | 'stream' }) => void): () => void;
  on(event: 'error' | 'stale', listener: (error: RollgateError) => void): () => void;
  on(event: 'ready', listener: () => void): () => void;
  refreshNow(): Promise<void>;
  close(): void;
  [Symbol.dispose](): void;
}
