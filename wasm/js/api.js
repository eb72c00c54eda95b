// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Everything the package exports except init(), which each environment's loader adds: what
// "rollgate/flags" exports (flag configurations, evaluation, bucketing, flag sources, version),
// and the analysis parts (statistics, canary judge, diff, rollout plans, sketches, metrics).
export * from './flags-api.js';
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
  startRollout, applyCommand, flagTarget, withFlagRollout, servingStateProblem,
} from './rollout.js';
export {
  DifferenceKind, ArrayMode, diff, diffText, diffResponses, validateDiffOptions, MismatchReport,
} from './diff.js';
export { experiment } from './experiment.js';
export { ServerTimingReader, parseServerTiming, UnitSummary, measurableFrom, REQUEST_METRICS, parseEventBatch } from './metrics.js';
export { track, createTracker, EVENTS_PATH } from './track.js';
