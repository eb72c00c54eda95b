// An edge coordinator's status snapshot (GET /__rollgate/status, edge/cloudflare/src/
// coordinator.js) read into what the dashboard shows: plan, state machine, decision history, the
// window to judge again, and the mismatch reports. Pure: used by the page and the browser tests.
import { samplesFromObject } from './data.js';

/** @typedef {import('./data.js').Samples} Samples */
/** @typedef {import('./data.js').MetricData} MetricData */

/**
 * @typedef {object} HistoryEntry One recorded decision of the coordinator (or the state machine).
 * @property {number} atMs
 * @property {string | null} action
 * @property {number | null} percent
 * @property {number | null} toStage
 * @property {string | null} verdict PASS, HOLD or ROLLBACK
 * @property {string} reason
 * @property {number} repeats
 * @property {number | null} lastAtMs  the last of folded repeats
 * @property {string | null} actor     "coordinator" or "operator"
 * @property {number | null} score
 * @property {{stable: number, canary: number, stableErrors: number, canaryErrors: number} | null} counts  the window's
 */

/**
 * One window of the coordinator's series (edge/cloudflare/src/coordinator/history.js).
 * @typedef {{requests: number, errors: number, units: number, p50: number | null, p90: number | null, p99: number | null}} ArmPoint
 * @typedef {{name: string, classification: string, critical: boolean, direction: string, estimate: number | null, interval: [number | null, number | null] | null}} MetricPoint
 * @typedef {{at: number, window: number, stage: number, percent: number, action: string, verdict: string | null, score: number | null, reasons: string[], stable: ArmPoint, canary: ArmPoint, metrics: MetricPoint[], srm: {pValue: number | null, failed: boolean} | null}} WindowPoint
 */

/** Statuses in which the rollout no longer changes (the package's RolloutStatus). */
export const FINISHED = ['rolledBack', 'completed'];

/**
 * An edge worker's GET /__rollgate/status snapshot (edge/cloudflare/src/coordinator.js), read
 * tolerantly: every piece is optional, and older or newer shapes degrade to "not shown".
 *  - plan: rollout.plan; state: the state machine's {stage, stageStartMs, status, history}
 *    (state.machine), else state itself;
 *  - history: the coordinator's decision log [{at, action, percent, stage, verdict, reasons}];
 *  - judgeInput: per arm {metric: data} rebuilt from the merged window (errorRate counts, the
 *    latency sketch and the Server-Timing sketches), which the dashboard judges again with the
 *    plan's stage config;
 *  - analysis: the coordinator's own last analysis; mismatch: the merged mismatch report(s).
 * @param {any} o the parsed snapshot
 */
export function readStatus(o) {
  const st = o.state ?? null;
  const plan = o.plan ?? o.rollout?.plan ?? null;
  const machine = st?.machine ?? (st && 'stage' in st ? st : null);
  const rawHistory = o.history ?? o.decisions ?? [];
  /** @type {HistoryEntry[]} */
  const history = (Array.isArray(rawHistory) ? rawHistory : []).map((/** @type {any} */ h) => ({
    atMs: h.atMs ?? (h.at ? Date.parse(h.at) : h.t),
    action: h.action ?? null,
    percent: h.percent ?? null,
    toStage: h.toStage ?? h.stage ?? null,
    verdict: h.verdict ?? h.decision ?? null,
    reason: Array.isArray(h.reasons) ? h.reasons.join('; ') : h.reason ?? '',
    repeats: h.repeats ?? 1,
    lastAtMs: h.lastAt ? Date.parse(h.lastAt) : null,
    actor: h.actor ?? null,
    score: h.score ?? null,
    counts: h.counts ?? null,
  }));
  /** @param {string} part @returns {any} */
  const win = (part) => o.metrics?.window?.[part] ?? o.metrics?.[part] ?? null;
  /** @param {string} part @returns {any} */
  const sk = (part) => o.sketches?.window?.[part] ?? null;
  /** @param {string} part @returns {Record<string, any>} the arm's Server-Timing sketches, by name */
  const tsk = (part) => o.timingSketches?.window?.[part] ?? {};
  /** @type {Samples | null} */
  let judgeInput = null;
  const arms = { baseline: o.metrics?.window?.stable ? 'stable' : 'baseline', canary: 'canary' };
  const b = win(arms.baseline), c = win(arms.canary);
  if (b && c && Number.isFinite(b.requests) && Number.isFinite(c.requests)) {
    /** @param {any} a @param {any} sketch @param {Record<string, any>} timing */
    const one = (a, sketch, timing) => {
      /** @type {Record<string, MetricData>} */
      const m = { errorRate: { events: a.errors ?? 0, total: a.requests } };
      if (sketch && (sketch.count ?? 1) > 0) m.latency = sketch;
      // Server-Timing names (cpu, ...): continuous metrics of those names, as the coordinator judges them.
      for (const [name, s] of Object.entries(timing)) if (!(name in m) && s && (s.count ?? 1) > 0) m[name] = s;
      return m;
    };
    judgeInput = {
      baseline: one(b, sk(arms.baseline), tsk(arms.baseline)),
      canary: one(c, sk(arms.canary), tsk(arms.canary)),
      // The sample-ratio check only where the core ran it (docs/edge.md, status.srm): it skips
      // small windows and a split without two arms (0% or 100%), so the page never tests 100:0.
      ...(o.srm?.checked
        ? { units: { baseline: o.srm.stableUnits, canary: o.srm.canaryUnits }, expectedSplit: [100 - o.srm.canaryPercent, o.srm.canaryPercent], srmAlpha: o.srm.alpha ?? o.rollout?.srmAlpha }
        : {}),
    };
  }
  /** @type {Samples | null} */
  let samples = null;
  try {
    if (o.samples) samples = samplesFromObject(o.samples);
  } catch {
    samples = null;
  }
  // The dark launch over the whole run (the coordinator's totals), per arm; a window only when
  // the snapshot has no totals.
  const mm = o.mismatches?.total ?? o.mismatches?.window ?? o.mismatches ?? o.mismatch ?? o.mismatchReport ?? null;
  /** @type {Record<string, unknown>[] | null} */
  let mismatch = null;
  /** @type {Record<string, Record<string, unknown>>} */
  const mismatchByArm = {};
  if (mm?.format === 'rollgate.mismatch_report') mismatch = [mm];
  else if (mm && typeof mm === 'object') {
    for (const [arm, r] of Object.entries(mm)) if (r?.format === 'rollgate.mismatch_report') mismatchByArm[arm] = r;
    mismatch = Object.values(mismatchByArm);
  }
  return {
    /** @type {Record<string, any> | null} */
    plan,
    /** @type {import('rollgate').RolloutState | null} */
    state: machine,
    /** @type {Record<string, any> | null} */
    summary: st,
    /** @type {string | null} */
    // a guarded flag rollout names its flag in `rollout.target` (docs/flag-delivery.md)
    flag: o.rollout?.target?.flag ?? o.rollout?.flag ?? o.flag ?? null,
    history,
    /** @type {{decision: string, reasons?: string[]} | null} */
    analysis: o.lastAnalysis ?? o.analysis ?? null,
    judgeInput: samples ?? judgeInput,
    /** @type {Record<string, unknown> | null} */
    srm: o.srm ?? null,
    mismatch: mismatch?.length ? mismatch : null,
    mismatchByArm,
    /** @type {'total' | 'window' | null} which part of the run the reports cover */
    mismatchScope: o.mismatches?.total ? 'total' : o.mismatches?.window ? 'window' : null,
    /** @type {string | null} */
    rolloutId: o.rollout?.id ?? null,
    /** @type {WindowPoint[]} */
    series: Array.isArray(o.series) ? o.series : [],
    /** @type {{canaryRequests: number | null, canaryUnits: number | null, regressionAt: number | null, regressionWindow: number | null, afterRegression: {requests: number, units: number} | null} | null} */
    blastRadius: o.blastRadius ?? null,
    /** @type {{window: Record<string, any> | null, total: Record<string, any> | null}} per arm: requests, errors, latencyMs */
    arms: { window: o.metrics?.window ?? null, total: o.metrics?.total ?? null },
    /** @type {{names: string[], strip: boolean, problem: string | null} | null} what the edge collects from Server-Timing */
    serverTiming: o.serverTiming ?? null,
    /** @type {Record<string, number> | null} headers read, durations recorded, malformed metrics, ... */
    serverTimingCounts: o.counters?.serverTiming ?? null,
    /** @type {string | null} */
    startedAt: o.rollout?.startedAt ?? null,
    finished: FINISHED.includes(st?.status),
    /** @type {number} */
    nowMs: o.nowMs ?? Date.now(),
    /** @type {unknown} */
    raw: o,
  };
}
