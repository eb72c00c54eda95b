// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// OpenFeature providers. They implement the SDKs' Provider interfaces structurally (the package
// imports neither SDK), so `OpenFeature.setProvider(new RollgateProvider(config))` type-checks
// against @openfeature/server-sdk, and RollgateWebProvider against @openfeature/web-sdk.
// Types come from @openfeature/core, which both SDKs depend on (type-only: nothing at run time).
import type { AnyProviderEvent, EvaluationContext, JsonValue, ProviderEventEmitter, ResolutionDetails } from '@openfeature/core';
import type { ConfigFormat, FlagConfig, FlagEvaluator, FlagSource, FlagSourceOptions, InitOptions } from './index.js';

/** OpenFeature's provider event names (the SDKs' ProviderEvents values). */
export declare const ProviderEvents: {
  readonly Ready: 'PROVIDER_READY';
  readonly Error: 'PROVIDER_ERROR';
  readonly ConfigurationChanged: 'PROVIDER_CONFIGURATION_CHANGED';
  readonly Stale: 'PROVIDER_STALE';
};

/** A configuration, an evaluator or a source you own, or options of a source the provider makes and closes. */
export type ProviderConfig = FlagConfig | FlagEvaluator | FlagSource | { source: FlagSourceOptions };

export interface RollgateProviderOptions {
  /** Provider name in OpenFeature metadata (default "rollgate"). */
  name?: string;
  /** init() to call if the module is not initialised yet (default: the environment's own). */
  init?: (options?: InitOptions) => Promise<void>;
  initOptions?: InitOptions;
  /**
   * The configuration's format, as compile() takes it (default "rollgate"); a source made from
   * `{source}` gets it too unless its own options name one.
   */
  format?: ConfigFormat;
}

type Context = EvaluationContext;

declare abstract class RollgateProviderBase {
  constructor(config: ProviderConfig, options?: RollgateProviderOptions);
  readonly metadata: { readonly name: string };
  readonly hooks: [];
  /** What the SDKs subscribe to; details of errors carry rollgate's `metadata: {code, pointer}`. */
  readonly events: ProviderEventEmitter<AnyProviderEvent>;
  /** The source the provider follows, or null (a fixed configuration). */
  readonly source: FlagSource | null;
  initialize(context?: Context): Promise<void>;
  /** Replaces the configuration atomically; a bad config throws and the old one keeps serving (rollgate.js.809 on a source). */
  updateConfig(config: FlagConfig | FlagEvaluator): void;
  onClose(): Promise<void>;
}

/** Provider for @openfeature/server-sdk (dynamic context). */
export class RollgateProvider extends RollgateProviderBase {
  readonly runsOn: 'server';
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: Context): Promise<ResolutionDetails<boolean>>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: Context): Promise<ResolutionDetails<string>>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: Context): Promise<ResolutionDetails<number>>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: Context): Promise<ResolutionDetails<T>>;
}

/** Provider for @openfeature/web-sdk (static context, synchronous). */
export class RollgateWebProvider extends RollgateProviderBase {
  readonly runsOn: 'client';
  onContextChange(oldContext: Context, newContext: Context): void;
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: Context): ResolutionDetails<boolean>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: Context): ResolutionDetails<string>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: Context): ResolutionDetails<number>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: Context): ResolutionDetails<T>;
}
