// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
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
