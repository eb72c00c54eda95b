// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
import type { RollgateError } from './errors.js';
import type { ConfigFormat, FlagConfig, FlagEvaluator, JsonValue, EvaluationContext, EvaluateOptions, Evaluation } from './evaluation.js';
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
  /** The configuration's format, as compile() takes it (default "rollgate"). */
  format?: ConfigFormat;
  /**
   * Where to send exposures (the edge: "/__rollgate/exposures"): each flag evaluated, once per unit
   * and configuration, batched and sent with sendBeacon (guarded flag rollouts count them).
   */
  exposures?: string;
  /** How long exposures are batched before they are sent (default 1000 ms; always on page hide). */
  exposureFlushMs?: number;
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
