// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The canary judge (docs/canary.md). Inputs are objects or JSON text; results are plain objects
// (camelCase, the JSON the core documents).
import { mod, lastError, callJson } from './runtime.js';
import { invalidArgument } from './errors.js';

/** The judge's decision. */
export const Decision = Object.freeze({ Pass: 'PASS', Hold: 'HOLD', Rollback: 'ROLLBACK' });
/** The outcome of one metric or check. */
export const Classification = Object.freeze({ Pass: 'Pass', High: 'High', Low: 'Low', NoData: 'NoData' });

/** @internal A JSON argument: text is passed through (the core validates it), objects stringified. */
export function jsonText(value, name) {
  if (typeof value === 'string') return value;
  if (value === undefined) throw invalidArgument(`${name} is required`, `/${name}`);
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw invalidArgument(`${name} cannot be serialised as JSON: ${e.message}`, `/${name}`);
  }
  if (text === undefined) throw invalidArgument(`${name} cannot be serialised as JSON`, `/${name}`);
  return text;
}

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

