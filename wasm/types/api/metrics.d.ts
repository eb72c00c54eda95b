// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
// --- origin and business metrics (docs/canary.md "Unit-level metrics", docs/edge.md) ----------

/** One header's Server-Timing metrics (durations in ms) and what was skipped. */
export interface ServerTimingResult {
  entries: { name: string; dur: number }[];
  metrics: number;
  malformed: number;
  ignored: number;
  dropped: number;
}
export interface ServerTimingOptions {
  names?: string[];
  maxNames?: number;
  maxLength?: number;
}
/** A Server-Timing reader with checked options; parse() never throws for a bad header. */
export class ServerTimingReader implements Disposable {
  constructor(options?: ServerTimingOptions);
  parse(header: string | null | undefined): ServerTimingResult;
  dispose(): void;
  [Symbol.dispose](): void;
}
export function parseServerTiming(header: string | null | undefined, options?: ServerTimingOptions): ServerTimingResult;

/** The units of one arm in one window: exposure and per-unit events, mergeable, bounded. */
export class UnitSummary implements Disposable {
  constructor(options?: { maxUnits?: number });
  expose(unit: string): this;
  record(unit: string, name: string, value?: number): boolean;
  merge(other: UnitSummary): this;
  metric(name: string): { exposed: number; converted: number; sum: number; samplingRate: number };
  readonly records: number;
  readonly level: number;
  toJSON(): Record<string, unknown>;
  static fromJSON(json: string | Record<string, unknown>): UnitSummary;
  dispose(): void;
  [Symbol.dispose](): void;
}
/** The plan's gated metrics that a client with these sources measures. */
/** The metrics measured from the requests a client serves (measurableFrom's `requests`), from the core. Set by init(). */
export const REQUEST_METRICS: readonly string[];
export function measurableFrom(plan: unknown, sources?: { requests?: boolean; serverTiming?: string[]; events?: string[] }): string[];
/** One event of a batch, as the core read it. */
export interface MetricEvent { name: string; value: number; hasValue: boolean; unit: string }
/**
 * Reads an events-endpoint body (docs/edge.md "Events"): a browser's (unit from the edge's cookie)
 * or, with `backEnd`, a back end's (every event names its unit). rollgate.metrics.020-024.
 */
export function parseEventBatch(text: string, options: { backEnd?: boolean; accept: string[] }): MetricEvent[];

/** The page helper: batches events, sendBeacon on page hide (browsers behind the rollgate edge). */
export const EVENTS_PATH: string;
export function track(name: string, value?: number): void;
export function createTracker(options?: {
  endpoint?: string;
  maxBatch?: number;
  flushMs?: number;
  env?: unknown;
}): { track(name: string, value?: number): void; flush(useBeacon?: boolean): void; readonly pending: number };
