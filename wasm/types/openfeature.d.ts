// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// OpenFeature providers. They implement the SDKs' Provider interfaces structurally (the package
// imports neither SDK), so `OpenFeature.setProvider(new RollgateProvider(config))` type-checks
// against @openfeature/server-sdk, and RollgateWebProvider against @openfeature/web-sdk.
// Types come from @openfeature/core, which both SDKs depend on (type-only: nothing at run time).
import type { EvaluationContext, JsonValue, ResolutionDetails } from '@openfeature/core';
import type { FlagConfig, FlagEvaluator, InitOptions } from './index.js';

export interface RollgateProviderOptions {
  /** Provider name in OpenFeature metadata (default "rollgate"). */
  name?: string;
  /** init() to call if the module is not initialised yet (default: the environment's own). */
  init?: (options?: InitOptions) => Promise<void>;
  initOptions?: InitOptions;
}

type Context = EvaluationContext;

declare abstract class RollgateProviderBase {
  constructor(config: FlagConfig | FlagEvaluator, options?: RollgateProviderOptions);
  readonly metadata: { readonly name: string };
  readonly hooks: [];
  initialize(context?: Context): Promise<void>;
  /** Replaces the configuration atomically; a bad config throws and the old one keeps serving. */
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
