// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// "rollgate/flags": the flags-only entry (its own, smaller module, rollgate-flags.wasm): the same
// declarations as "rollgate" for flags, bucketing and flag sources. init()'s options name
// rollgate-flags.wasm (locateFile receives "rollgate-flags.wasm").
export {
  InitOptions, init, isInitialized, version,
  Problem, RollgateError, JsErrorCode,
  BUCKET_SCALE, BucketOutput, BucketDraws, bucket, bucketDraws, bucketOf, inRollout, Bucketer, pickVariant,
  percentToScale, rateToScale, weightsToScale, bucketBatch, xxh3,
  Reason, ErrorCode, FlagType, JsonValue, AttributeValue, EvaluationContext, Evaluation, EvaluateOptions, BatchOptions,
  FlagEvaluator, BoundContext, FlagConfig, ConfigFormat, CompileOptions, compile, validateFlags,
  SourceStatus, FlagSourceOptions, FlagSource,
} from './index.js';
