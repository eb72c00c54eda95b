// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Everything the package exports except init(), which each environment's loader adds.
export { RollgateError, JsErrorCode } from './errors.js';
export { isInitialized } from './runtime.js';
export {
  BUCKET_SCALE, BucketOutput, bucket, bucketBatch, bucketDraws, bucketOf, inRollout, pickVariant, percentToScale,
  rateToScale, xxh3,
} from './bucket.js';
import { coreVersion } from './runtime.js';

/** The version of the C++ core inside the .wasm ("MAJOR.MINOR.PATCH"). */
export function version() {
  return coreVersion();
}
export {
  Alternative, Method, NanPolicy, QuantileSketch,
  mannWhitneyU, hodgesLehmann, welchT, welchTFromStats, summarize, proportionsZ, fisherExact, chisquare, srm,
  sequentialMeanTest, sequentialProportionTest, quantiles, quantile,
} from './stats.js';
import * as statsModule from './stats.js';
/** The statistics namespace: `stats.mannWhitneyU(x, y, {alternative})` etc. */
export const stats = statsModule;
export { Decision, Classification, judge, validateCanaryConfig } from './canary.js';
export {
  ActionKind, RolloutStatus, Command, Risk,
  defaultPlan, validatePlan, restrictPlan, stageCanaryConfig, initialState, nextAction, settleRollout, rolloutStep,
  startRollout, applyCommand,
} from './rollout.js';
export { Reason, ErrorCode, FlagType, FlagEvaluator, compile, validateFlags } from './flags.js';
export {
  DifferenceKind, ArrayMode, diff, diffText, diffResponses, validateDiffOptions, MismatchReport,
} from './diff.js';
export { experiment } from './experiment.js';
export { FlagSource, SourceStatus } from './source.js';
