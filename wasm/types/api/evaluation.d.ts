// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// One part of the package's declarations: index.d.ts re-exports every part (dist/api/).
import type { Problem } from './errors.js';
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

/**
 * An attribute value: lists hold strings; a Date is sent as RFC 3339; null means missing. A nested
 * object is read by flagd configurations along a `var` path such as `user.email` (docs/flagd.md);
 * rollgate's own format compares flat attributes only, and an object where it compares one is
 * rollgate.config.250.
 */
export type AttributeValue =
  | string | number | boolean | readonly string[] | Date | null | undefined
  | { readonly [attribute: string]: AttributeValue };
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
  /** A flag's metadata (flagd `metadata`, frozen; {} when none), or undefined for an unknown key. */
  flagMetadata(flagKey: string): Readonly<Record<string, string | number | boolean>> | undefined;
  /**
   * Evaluates one flag: one call into WebAssembly, context included. An unknown key gives reason
   * ERROR / FLAG_NOT_FOUND. @throws {RollgateError} rollgate.config.250 when an attribute the
   * configuration uses holds a value a context cannot hold (every such problem, with pointers).
   */
  evaluate<T extends JsonValue = JsonValue>(flagKey: string, context?: EvaluationContext | null, options?: EvaluateOptions): Evaluation<T>;
  /** Evaluates every flag for one context in one call, keyed by flag key in configuration order. */
  evaluateAll(context?: EvaluationContext | null, options?: BatchOptions & { as?: 'object' }): Record<string, Evaluation>;
  /** As above, as an array in flagKeys order (no object with a computed key per flag). */
  evaluateAll(context: EvaluationContext | null | undefined, options: BatchOptions & { as: 'array' }): Evaluation[];
  /** The served value of every flag in flagKeys order (undefined where none): the cheapest form with values. */
  values(context?: EvaluationContext | null, options?: BatchOptions): (JsonValue | undefined)[];
  /** The variation index of every flag in flagKeys order (-1 where none), into `out` or a new Int32Array (reuse `out` in loops: a new Int32Array costs about 0.5 µs in Node). */
  variations(context?: EvaluationContext | null, options?: BatchOptions, out?: Int32Array): Int32Array;
  /**
   * Binds a context once for many evaluations (it crosses into WebAssembly here, not per flag).
   * @throws {RollgateError} rollgate.config.250 as evaluate() does
   */
  bind(context?: EvaluationContext | null): BoundContext;
  /** Frees the WASM memory now; later calls throw rollgate.js.805. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Options of the batch evaluations. */
export type BatchOptions = Omit<EvaluateOptions, 'expectedType'>;

/** A context bound to one evaluator (FlagEvaluator.bind): the same results, without re-encoding it. */
export class BoundContext implements Disposable {
  private constructor();
  /** The evaluator this context is bound to (kept alive by it). */
  readonly evaluator: FlagEvaluator;
  evaluate<T extends JsonValue = JsonValue>(flagKey: string, options?: EvaluateOptions): Evaluation<T>;
  evaluateAll(options?: BatchOptions & { as?: 'object' }): Record<string, Evaluation>;
  evaluateAll(options: BatchOptions & { as: 'array' }): Evaluation[];
  values(options?: BatchOptions): (JsonValue | undefined)[];
  variations(options?: BatchOptions, out?: Int32Array): Int32Array;
  /** Frees the WASM memory now; later calls throw rollgate.js.805. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** A flag configuration: an object (docs/config.md, docs/config.schema.json) or its JSON text. */
export type FlagConfig = string | { readonly [key: string]: unknown };

/**
 * The language of a configuration: rollgate's own (default), an OpenFeature flagd flag definition
 * (docs/flagd.md), or flagd with `fractional` hashing as @openfeature/flagd-core does.
 */
export type ConfigFormat = 'rollgate' | 'flagd' | 'flagd-js';
export interface CompileOptions {
  format?: ConfigFormat;
}
/** Compiles a flag configuration. @throws {RollgateError} listing every problem. */
export function compile(config: FlagConfig, options?: CompileOptions): FlagEvaluator;
/** Every problem compile() would report; [] when valid. Never throws for a bad config. */
export function validateFlags(config: FlagConfig, options?: CompileOptions): Problem[];
