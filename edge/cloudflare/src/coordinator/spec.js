// rollgate edge — a rollout's specification, as POST /__rollgate/start gives it: origins, salt,
// plan, dark launch and timing, checked and completed with defaults. The plan itself is checked
// by the core (including that every gate is on a metric the edge measures).
// SPDX-License-Identifier: MIT
import * as engine from '../engine.js';
import { measurable as edgeMeasurable } from '../sources.js';
import { BUDGET, REPORT_CAPS, REPORT_DEFAULTS } from './bounds.js';
import { targetOf } from './flags.js';
import { timingProblem } from '../timing.js';
import { eventsProblem } from '../units.js';

const DEFAULT_EVAL_MS = 10000;

/** An error the coordinator answers with `status` (400 unless said otherwise). */
export function httpError(message, status = 400, extra = {}) {
  return Object.assign(new Error(message), { status }, extra);
}

function originOf(v, name, required) {
  if (v === undefined || v === null || v === '') {
    if (required) throw httpError(`${name} is required`, 400, { pointer: `/${name.replace('.', '/')}` });
    return undefined;
  }
  try {
    const u = new URL(String(v));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return u.origin;
  } catch {
    throw httpError(`${name} must be an http(s) URL`, 400, { pointer: `/${name.replace('.', '/')}` });
  }
}

/**
 * The plan to run: the body's own (refused if a stage gates on a metric the edge does not
 * measure: it would hold until its maximum window, then roll a healthy canary back), or the
 * default plan of the body's risk restricted to what the edge measures (saying what it dropped).
 */
function planOf(body, notes, settings) {
  // What the worker's sources measure: the request metrics, the Server-Timing names it collects
  // and the events it accepts (sources.js; the core says which of the plan's gated metrics those are).
  const why = timingProblem(settings) || eventsProblem(settings);
  if (why) throw httpError(`the worker's settings are unusable: ${why}`, 503);
  const measurable = (plan) => edgeMeasurable(plan, settings);
  if (body.plan === undefined) {
    const base = engine.defaultPlan(body.risk || 'medium');
    const { plan, dropped } = engine.restrictPlan(base, measurable(base));
    if (dropped.length) {
      notes.push(`default plan: dropped the ${dropped.join(', ')} gate${dropped.length > 1 ? 's' : ''} (not measured at the edge)`);
    }
    return plan;
  }
  engine.underPointer('/plan', () => engine.validatePlan(body.plan, { measurable: measurable(body.plan) }));
  return typeof body.plan === 'string' ? JSON.parse(body.plan) : body.plan;
}

function shadowOf(sh) {
  const sampleRate = sh.sampleRate === undefined ? 0.01 : sh.sampleRate;
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) throw httpError('shadow.sampleRate must be in [0, 1]');
  const methods = sh.methods === undefined ? ['GET', 'HEAD'] : sh.methods;
  if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) throw httpError('shadow.methods must be a list of strings');
  const diff = sh.diff === undefined ? {} : sh.diff;
  engine.underPointer('/shadow/diff', () => engine.validateDiffOptions(diff));
  const maxBodyBytes = sh.maxBodyBytes === undefined ? 1048576 : sh.maxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1 || maxBodyBytes > 16777216) throw httpError('shadow.maxBodyBytes out of range');
  const noiseRate = sh.noiseRate === undefined ? 1 : sh.noiseRate;
  if (typeof noiseRate !== 'number' || !(noiseRate >= 0 && noiseRate <= 1)) throw httpError('shadow.noiseRate must be in [0, 1]');
  const report = reportLimitsOf(sh);
  // The edge stores reports: its caps bound them (coordinator/bounds.js). Within those, the
  // limits and the noise thresholds are the core's to check: build one and judge it.
  for (const [k, cap] of Object.entries(REPORT_CAPS)) {
    if (report[k] > cap) throw httpError(`shadow.report.${k} must be at most ${cap} at the edge (stored reports are bounded)`, 400, { pointer: `/shadow/report/${k}` });
  }
  const probe = engine.underPointer('/shadow/report', () => engine.newMismatchReport(report));
  try {
    if (sh.thresholds !== undefined) engine.underPointer('/shadow/thresholds', () => engine.reportVerdicts(probe, sh.thresholds));
  } finally {
    engine.freeReport(probe);
  }
  return { sampleRate, noiseRate, methods: methods.map((m) => m.toUpperCase()), diff, report, thresholds: sh.thresholds, maxBodyBytes };
}

/**
 * The MismatchReport limits of a rollout's dark launch: the body's `shadow.report`, completed
 * with the edge's defaults (smaller than the core's, so that stored reports stay small).
 */
export function reportLimitsOf(shadow) {
  const given = (shadow && shadow.report) || {};
  if (typeof given !== 'object' || Array.isArray(given)) throw httpError('shadow.report must be an object', 400, { pointer: '/shadow/report' });
  return { ...REPORT_DEFAULTS, ...given };
}

/** Checks a start request and fills in defaults. Plan problems throw RollgateError (→ 400). */
export function validateSpec(body, settings) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw httpError('body must be a JSON object');
  const id = body.id === undefined ? `rollout-${Date.now()}` : body.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(id)) throw httpError('id must match [A-Za-z0-9._:-]{1,100}');
  const salt = body.salt === undefined ? id : body.salt;
  if (typeof salt !== 'string' || salt.length === 0 || salt.length > 200) throw httpError('salt must be a non-empty string');
  const o = body.origins || {};
  // A guarded flag rollout (target: a flag's variation) serves every request from stable; its
  // arms are the flag's (coordinator/flags.js).
  const target = targetOf(body.target);
  if (target && o.canary !== undefined) throw httpError('a flag rollout (target) has no canary origin', 400, { pointer: '/origins/canary' });
  const origins = {
    stable: originOf(o.stable, 'origins.stable', false) || settings.stableOrigin,
    canary: originOf(o.canary, 'origins.canary', !target),
    shadow: originOf(o.shadow, 'origins.shadow', false),
  };
  const notes = [];
  const plan = planOf(body, notes, settings);
  const shadow = origins.shadow ? shadowOf(body.shadow || {}) : null;
  const evaluationIntervalMs = body.evaluationIntervalMs === undefined ? DEFAULT_EVAL_MS : body.evaluationIntervalMs;
  if (!Number.isInteger(evaluationIntervalMs) || evaluationIntervalMs < 100 || evaluationIntervalMs > 3600000) {
    throw httpError('evaluationIntervalMs must be an integer in [100, 3600000]');
  }
  const srmAlpha = body.srmAlpha === undefined ? 0.001 : body.srmAlpha;
  if (typeof srmAlpha !== 'number' || !(srmAlpha > 0 && srmAlpha < 1)) throw httpError('srmAlpha must be in (0, 1)');
  const spec = { id, salt, origins, plan, shadow, evaluationIntervalMs, srmAlpha, notes };
  if (target) spec.target = target;
  const size = JSON.stringify(spec).length;
  if (size > BUDGET.spec) throw httpError(`the rollout is ${size} characters as JSON; at most ${BUDGET.spec} are stored`, 413);
  return spec;
}
