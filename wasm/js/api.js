// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Everything the package exports except init(), which each environment's loader adds.
export { RollgateError, JsErrorCode } from './errors.js';
export { isInitialized } from './runtime.js';
export {
  BUCKET_SCALE, BucketOutput, bucket, bucketBatch, bucketDraws, bucketOf, inRollout, pickVariant, xxh3,
} from './bucket.js';
import { coreVersion } from './runtime.js';

/** The version of the C++ core inside the .wasm ("MAJOR.MINOR.PATCH"). */
export function version() {
  return coreVersion();
}
