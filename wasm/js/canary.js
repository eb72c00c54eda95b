// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The canary judge (docs/canary.md). Inputs are objects or JSON text; results are plain objects
// (camelCase, the JSON the core documents).
import { mod, lastError, callJson } from './runtime.js';
import { jsonText } from './text.js';

/** The judge's decision. */
export const Decision = Object.freeze({ Pass: 'PASS', Hold: 'HOLD', Rollback: 'ROLLBACK' });
/** The outcome of one metric or check. */
export const Classification = Object.freeze({ Pass: 'Pass', High: 'High', Low: 'Low', NoData: 'NoData' });

/** @internal A JSON argument (text.js), re-exported for the API files that import it from here. */
export { jsonText };

/**
 * Judges a canary against its baseline: per-metric outcomes, score and decision
 * (PASS / HOLD / ROLLBACK).
 */
export function judge(canaryConfig, baseline, canary) {
  return callJson(mod().judge, jsonText(canaryConfig, 'canaryConfig'), jsonText(baseline, 'baseline'), jsonText(canary, 'canary'));
}

/** Throws a RollgateError listing every problem of a canary config; returns nothing if valid. */
export function validateCanaryConfig(canaryConfig) {
  if (!mod().validateCanaryConfig(jsonText(canaryConfig, 'canaryConfig'))) throw lastError();
}

