// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// The canary judge and the rollout state machine (docs/canary.md, docs/rollout.md). Inputs are
// objects or JSON text; results are plain objects (camelCase, the JSON the core documents).
import { mod, lastError } from './runtime.js';
import { invalidArgument } from './errors.js';

/** The judge's decision. */
export const Decision = Object.freeze({ Pass: 'PASS', Hold: 'HOLD', Rollback: 'ROLLBACK' });
/** The outcome of one metric or check. */
export const Classification = Object.freeze({ Pass: 'Pass', High: 'High', Low: 'Low', NoData: 'NoData' });
/** What the rollout coordinator should do. */
export const ActionKind = Object.freeze({ Advance: 'advance', Hold: 'hold', Rollback: 'rollback', Complete: 'complete' });
/** Risk profile of a change (picks the default plan). */
export const Risk = Object.freeze({ Low: 'low', Medium: 'medium', High: 'high' });

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

function call(text) {
  if (text === '') throw lastError();
  return JSON.parse(text);
}

function nowOf(options) {
  const now = options && options.now !== undefined ? options.now : Date.now();
  const ms = now instanceof Date ? now.getTime() : now;
  if (!Number.isSafeInteger(ms)) throw invalidArgument('now must be epoch milliseconds (an integer) or a Date', '/now');
  return ms;
}

/**
 * Judges a canary against its baseline: per-metric outcomes, score and decision
 * (PASS / HOLD / ROLLBACK).
 */
export function judge(canaryConfig, baseline, canary) {
  const M = mod();
  return call(M.judge(jsonText(canaryConfig, 'canaryConfig'), jsonText(baseline, 'baseline'), jsonText(canary, 'canary')));
}

/** Throws a RollgateError listing every problem of a canary config; returns nothing if valid. */
export function validateCanaryConfig(canaryConfig) {
  if (!mod().validateCanaryConfig(jsonText(canaryConfig, 'canaryConfig'))) throw lastError();
}

/** The default rollout plan for a risk profile. */
export function defaultPlan(risk = 'medium') {
  if (typeof risk !== 'string') throw invalidArgument('risk must be "low", "medium" or "high"', '/risk');
  return call(mod().defaultPlan(risk));
}

/** Throws a RollgateError listing every problem of a plan; returns nothing if valid. */
export function validatePlan(plan) {
  if (!mod().validatePlan(jsonText(plan, 'plan'))) throw lastError();
}

/** The canary config that gates stage `stage` of a plan (for judge()). */
export function stageCanaryConfig(plan, stage) {
  if (!Number.isSafeInteger(stage) || stage < 0) throw invalidArgument('stage must be a non-negative integer', '/stage');
  return call(mod().stageCanaryConfig(jsonText(plan, 'plan'), stage));
}

/** The state of a new rollout (stage 0, running), started now or at options.now. */
export function initialState(options = {}) {
  return call(mod().initialState(nowOf(options)));
}

/**
 * The pure rollout state machine: what to do now given the plan, the stored state and the
 * current stage's analysis (judge()'s result, or null before the first one). Store the returned
 * `state` and pass it back next time.
 */
export function nextAction(plan, state, analysis, options = {}) {
  const analysisText = analysis === null || analysis === undefined ? 'null' : jsonText(analysis, 'analysis');
  return call(mod().nextAction(jsonText(plan, 'plan'), jsonText(state, 'state'), analysisText, nowOf(options)));
}
