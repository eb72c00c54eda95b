// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
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

/** What a guarded flag rollout ramps: a rule's serve (by id) or, without `rule`, the fallthrough. */
export interface FlagTarget { flag: string; variation: string; rule?: string }
/** Checks a target (rollgate.plan.620 under `pointer`) and returns it cleaned. */
export function flagTarget(target: JsonInput | FlagTarget, pointer?: string): FlagTarget;
/**
 * The served form (JSON text) of a flag configuration under a guarded flag rollout: the target's
 * serve becomes a rollout of its variation at `percent`, with a ramp step to `pending` if given.
 * rollgate.plan.621 (target not in the configuration), .622 (percentage outside [0, 100]).
 */
export function withFlagRollout(config: JsonInput, target: JsonInput | FlagTarget, percent: number,
  pending?: { atMs: number; percent: number } | null, pointer?: string): string;
/**
 * Why an edge cannot serve by this rollout state (the coordinator's internal state: object or
 * JSON text), or null when it can. The reasons are the core's (rollgate/serving_state.hpp), the
 * same the Fastly service fails open on: "state is not JSON", "state is not an object", "coverage
 * out of range", "origins missing", "salt or canary origin missing", "next out of range",
 * "shadow.sampleRate out of range", "shadow.methods missing". Never throws for a bad state.
 */
export function servingStateProblem(state: unknown): string | null;
