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
 */

/**
 * An edge worker's GET /__rollgate/status snapshot (edge/cloudflare/src/coordinator.js), read
 * tolerantly: every piece is optional, and older or newer shapes degrade to "not shown".
 *  - plan: rollout.plan; state: the state machine's {stage, stageStartMs, status, history}
 *    (state.machine), else state itself;
 *  - history: the coordinator's decision log [{at, action, percent, stage, verdict, reasons}];
 *  - judgeInput: per arm {metric: data} rebuilt from the merged window (errorRate counts and the
 *    latency sketch), which the dashboard judges again with the plan's stage config;
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
  }));
  /** @param {string} part @returns {any} */
  const win = (part) => o.metrics?.window?.[part] ?? o.metrics?.[part] ?? null;
  /** @param {string} part @returns {any} */
  const sk = (part) => o.sketches?.window?.[part] ?? null;
  /** @type {Samples | null} */
  let judgeInput = null;
  const arms = { baseline: o.metrics?.window?.stable ? 'stable' : 'baseline', canary: 'canary' };
  const b = win(arms.baseline), c = win(arms.canary);
  if (b && c && Number.isFinite(b.requests) && Number.isFinite(c.requests)) {
    /** @param {any} a @param {any} sketch */
    const one = (a, sketch) => {
      /** @type {Record<string, MetricData>} */
      const m = { errorRate: { events: a.errors ?? 0, total: a.requests } };
      if (sketch && (sketch.count ?? 1) > 0) m.latency = sketch;
      return m;
    };
    judgeInput = {
      baseline: one(b, sk(arms.baseline)),
      canary: one(c, sk(arms.canary)),
      // SRM on what the coordinator counts it on (new units), else on requests.
      // (the core's sample-ratio check of the window, when it ran: docs/edge.md, status.srm)
      units: o.srm?.checked ? { baseline: o.srm.stableUnits, canary: o.srm.canaryUnits } : { baseline: b.requests, canary: c.requests },
      expectedSplit: o.srm?.checked ? [100 - o.srm.canaryPercent, o.srm.canaryPercent]
        : st?.servingPercent != null ? [100 - st.servingPercent, st.servingPercent] : undefined,
      srmAlpha: o.srm?.alpha ?? o.rollout?.srmAlpha,
    };
  }
  /** @type {Samples | null} */
  let samples = null;
  try {
    if (o.samples) samples = samplesFromObject(o.samples);
  } catch {
    samples = null;
  }
  const mm = o.mismatches?.window ?? o.mismatches?.total ?? o.mismatches ?? o.mismatch ?? o.mismatchReport ?? null;
  /** @type {Record<string, unknown>[] | null} */
  let mismatch = null;
  if (mm?.format === 'rollgate.mismatch_report') mismatch = [mm];
  else if (mm && typeof mm === 'object') mismatch = Object.values(mm).filter((/** @type {any} */ r) => r?.format === 'rollgate.mismatch_report');
  return {
    /** @type {Record<string, any> | null} */
    plan,
    /** @type {import('rollgate').RolloutState | null} */
    state: machine,
    /** @type {Record<string, any> | null} */
    summary: st,
    /** @type {string | null} */
    flag: o.rollout?.flag ?? o.flag ?? null,
    history,
    /** @type {{decision: string, reasons?: string[]} | null} */
    analysis: o.lastAnalysis ?? o.analysis ?? null,
    judgeInput: samples ?? judgeInput,
    /** @type {Record<string, unknown> | null} */
    srm: o.srm ?? null,
    mismatch: mismatch?.length ? mismatch : null,
    /** @type {number} */
    nowMs: o.nowMs ?? Date.now(),
    /** @type {unknown} */
    raw: o,
  };
}
