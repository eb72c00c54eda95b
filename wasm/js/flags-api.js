// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// What "rollgate/flags" exports besides init(): flag configurations, evaluation, bucketing and
// flag sources, and nothing of the analysis parts (statistics, canary judge, diff, rollout plans,
// sketches), whose code is not in its module (rollgate-flags.wasm, wasm/CMakeLists.txt). The same
// functions as "rollgate"'s, from the same files.
export { RollgateError, JsErrorCode } from './errors.js';
export { isInitialized } from './runtime.js';
export {
  BUCKET_SCALE, BucketOutput, Bucketer, bucket, bucketBatch, bucketDraws, bucketOf, inRollout, pickVariant, percentToScale,
  rateToScale, weightsToScale, xxh3,
} from './bucket.js';
export { Reason, ErrorCode, FlagType, FlagEvaluator, BoundContext, compile, validateFlags } from './flags.js';
export { FlagSource, SourceStatus } from './source.js';
import { coreVersion } from './runtime.js';

/** The version of the C++ core inside the .wasm ("MAJOR.MINOR.PATCH"). */
export function version() {
  return coreVersion();
}
