// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Rollout plans and the state machine (docs/rollout.md). The whole rollout policy is the core's:
// when to advance, hold or roll back, what pause / resume / rollback do, when a sample-ratio
// mismatch blocks advancing, when an announced increase takes effect. This file only moves
// values across: objects or JSON text in, plain objects (the core's camelCase JSON) out.
import { mod, lastError, callJson } from './runtime.js';
import { invalidArgument } from './errors.js';
import { jsonText } from './canary.js';

/** What a transition did. */
export const ActionKind = Object.freeze({
  Advance: 'advance', Hold: 'hold', Rollback: 'rollback', Complete: 'complete',
  Start: 'start', Pause: 'pause', Resume: 'resume',
});
/** Where a rollout stands. */
export const RolloutStatus = Object.freeze({ Running: 'running', Paused: 'paused', RolledBack: 'rolledBack', Completed: 'completed' });
/** An operator's command (applyCommand). */
export const Command = Object.freeze({ Pause: 'pause', Resume: 'resume', Rollback: 'rollback' });
/** Risk profile of a change (picks the default plan). */
export const Risk = Object.freeze({ Low: 'low', Medium: 'medium', High: 'high' });

function nowOf(options) {
  const now = options && options.now !== undefined ? options.now : Date.now();
  const ms = now instanceof Date ? now.getTime() : now;
  if (!Number.isSafeInteger(ms) || ms < 0) throw invalidArgument('now must be epoch milliseconds (a non-negative integer) or a Date', '/now');
  return ms;
}

function msOption(options, name) {
  const v = options && options[name] !== undefined ? options[name] : 0;
  if (!Number.isSafeInteger(v) || v < 0) throw invalidArgument(`${name} must be a non-negative integer (milliseconds)`, `/${name}`);
  return v;
}

function alphaOption(options) {
  const v = options && options.srmAlpha !== undefined ? options.srmAlpha : 0.001;
  if (typeof v !== 'number') throw invalidArgument('srmAlpha must be a number', '/srmAlpha');
  return v; // the core checks the range
}

function unitCount(v, pointer) {
  if (!Number.isSafeInteger(v)) throw invalidArgument(`${pointer.slice(1)} must be an integer`, pointer);
  return v;
}

/** Metric names as the binding takes them: joined by NUL (a name never contains one). */
function nameList(names, pointer) {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && !n.includes('\0'))) {
    throw invalidArgument('measurable must be an array of metric names', pointer);
  }
  return names.join('\0');
}

function reasonOption(options) {
  const r = options && options.reason !== undefined ? options.reason : '';
  if (typeof r !== 'string') throw invalidArgument('reason must be a string', '/reason');
  return r;
}

/** The default rollout plan for a risk profile. */
export function defaultPlan(risk = 'medium') {
  if (typeof risk !== 'string') throw invalidArgument('risk must be "low", "medium" or "high"', '/risk');
  return callJson(mod().defaultPlan, risk);
}

/**
 * Throws a RollgateError listing every problem of a plan; returns nothing if valid. With
 * `{measurable: [names]}`, also refuses gates on metrics outside that list (rollgate.plan.613).
 */
export function validatePlan(plan, options = {}) {
  const check = options.measurable !== undefined;
  const names = check ? nameList(options.measurable, '/measurable') : '';
  if (!mod().validatePlan(jsonText(plan, 'plan'), check, names)) throw lastError();
}

/**
 * The plan without its gates on metrics outside `measurable` (for a client that picked a default
 * plan and cannot measure all of it): `{plan, dropped: [names]}`.
 */
export function restrictPlan(plan, measurable) {
  return callJson(mod().restrictPlan, jsonText(plan, 'plan'), nameList(measurable, '/measurable'));
}

/** The canary config that gates stage `stage` of a plan (for judge()), or null for a time-only stage. */
export function stageCanaryConfig(plan, stage) {
  if (!Number.isSafeInteger(stage) || stage < 0) throw invalidArgument('stage must be a non-negative integer', '/stage');
  return callJson(mod().stageCanaryConfig, jsonText(plan, 'plan'), stage);
}

/** The state of a new rollout (stage 0, running), started now or at options.now. */
export function initialState(options = {}) {
  return callJson(mod().initialState, nowOf(options));
}

/**
 * The pure state machine: what to do now, given the plan, the stored state and the current
 * window's analysis (judge()'s result, or null before the first one). Options: `now`,
 * `announceMs` (increases take effect that long after they are decided), and `units: {stable,
 * canary}` with `srmAlpha` for the sample-ratio check that blocks advancing. Store the returned
 * `state` and pass it back next time.
 */
export function nextAction(plan, state, analysis, options = {}) {
  const analysisText = analysis === null || analysis === undefined ? 'null' : jsonText(analysis, 'analysis');
  const units = options.units;
  const has = units !== undefined;
  const stable = has ? unitCount(units.stable, '/units/stable') : 0;
  const canary = has ? unitCount(units.canary, '/units/canary') : 0;
  return callJson(mod().nextAction, jsonText(plan, 'plan'), jsonText(state, 'state'), analysisText, nowOf(options),
    msOption(options, 'announceMs'), has, stable, canary, alphaOption(options));
}

/**
 * Applies an announced increase once it is due: the action (a new window starts), or null when
 * nothing was due. Call it before recording data, so each window holds one percentage only.
 */
export function settleRollout(plan, state, options = {}) {
  return callJson(mod().settleRollout, jsonText(plan, 'plan'), jsonText(state, 'state'), nowOf(options));
}

/**
 * One evaluation of a running rollout: judges the window ({baseline, canary} judge inputs, and
 * `units: {stable, canary}` first seen in the window) against the stage's gates, checks the
 * sample ratio and steps the state machine. Returns `{action, analysis, srm}`.
 */
export function rolloutStep(plan, state, window, options = {}) {
  if (window === null || typeof window !== 'object') throw invalidArgument('window must be {baseline, canary, units}', '/window');
  const units = window.units || {};
  return callJson(mod().rolloutStep, jsonText(plan, 'plan'), jsonText(state, 'state'),
    jsonText(window.baseline, 'baseline'), jsonText(window.canary, 'canary'),
    unitCount(units.stable ?? 0, '/window/units/stable'), unitCount(units.canary ?? 0, '/window/units/canary'),
    nowOf(options), msOption(options, 'announceMs'), alphaOption(options));
}

/** The first action and state of a new rollout (recorded as started by the operator). */
export function startRollout(plan, options = {}) {
  return callJson(mod().startRollout, jsonText(plan, 'plan'), nowOf(options), reasonOption(options));
}

/**
 * An operator's command: 'pause', 'resume' or 'rollback'. Throws rollgate.plan.614 when it does
 * not apply (pausing a paused rollout, rolling back twice, ...).
 */
export function applyCommand(plan, state, command, options = {}) {
  if (typeof command !== 'string') throw invalidArgument('command must be "pause", "resume" or "rollback"', '/command');
  return callJson(mod().applyCommand, jsonText(plan, 'plan'), jsonText(state, 'state'), command, nowOf(options), reasonOption(options));
}

/**
 * Checks a guarded flag rollout's target, `{flag, variation, rule?}` (rule omitted: the flag's
 * fallthrough), and returns it cleaned. `pointer` is where the target sits in the caller's
 * document (e.g. '/target'); a RollgateError rollgate.plan.620 names each problem under it.
 */
export function flagTarget(target, pointer = '') {
  return callJson(mod().flagTarget, jsonText(target, 'target'), String(pointer));
}

/**
 * The served form of a flag configuration (JSON text) under a guarded flag rollout: the target's
 * serve becomes a rollout of its variation at coverage `percent`, and, with `pending` ({atMs,
 * percent}: an increase the core announced ahead), a ramp step to it at that instant. Returns
 * JSON text; the stored configuration is not changed. RollgateError rollgate.plan.621 (target not
 * in the configuration, pointer under `pointer`), .622 (a percentage outside [0, 100]).
 */
export function withFlagRollout(config, target, percent, pending = null, pointer = '') {
  const has = pending !== null && pending !== undefined;
  if (has && (typeof pending !== 'object' || typeof pending.atMs !== 'number' || typeof pending.percent !== 'number')) {
    throw invalidArgument('pending must be {atMs, percent} or null', '/pending');
  }
  if (typeof percent !== 'number') throw invalidArgument('percent must be a number', '/percent');
  const out = mod().withFlagRollout(jsonText(config, 'config'), jsonText(target, 'target'), String(pointer),
    percent, has, has ? pending.atMs : 0, has ? pending.percent : 0);
  if (out === '') throw lastError();
  return out;
}

/**
 * Why an edge cannot serve by this rollout state (the coordinator's
 * `GET /__rollgate/internal/state`, object or JSON text), or null when it can: "state is not
 * JSON", "coverage out of range", "salt or canary origin missing", ... The core's check
 * (rollgate/serving_state.hpp), which the Fastly service runs too; an edge fails open to stable
 * on any of them. Never throws for a bad state.
 */
export function servingStateProblem(state) {
  let text = state;
  if (typeof state !== 'string') {
    try {
      text = JSON.stringify(state === undefined ? null : state);
    } catch {
      text = ''; // a cycle or a BigInt: not a JSON document, which the core says as for any other
    }
  }
  return mod().servingStateProblem(text) || null;
}
