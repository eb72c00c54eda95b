// rollgate edge — the coordinator's memory of rollouts for the dashboard (issue 14): the current
// rollout's window-by-window series (what each evaluation saw and decided), and a bounded list of
// finished rollouts, each with its saved report (outcome, stages reached, duration, reason, the
// decision log, the series and the whole-run totals). SPDX-License-Identifier: MIT
//
// Nothing here decides anything: every number is copied from what the core returned
// (rolloutStep's analysis and action) or from the merged aggregates. It is kept apart from the
// rollout record (bounds.js budgets that one) under its own storage keys, each bounded below.
import { storeChunked, loadChunked } from './storage.js';
import { unitsPoint } from '../units.js';

const SERIES_KEY = 'series';
const LIST_KEY = 'rollouts';
/** Windows kept per rollout (the oldest go first): at ≈ 600 characters each, ≈ 90 Ki. */
export const SERIES_MAX = 150;
/** Finished rollouts kept, newest first, each with its saved report. */
export const ROLLOUTS_MAX = 20;
/**
 * A saved report above this many JSON characters loses its sketches, per-source table and mismatch
 * reports (their verdicts stay), then the oldest half of its series until it fits: 20 reports stay
 * within 2.4 Mi characters, half of what storage.js can chunk.
 */
const REPORT_MAX = 120 * 1024;
const TERMINAL = new Set(['rolledBack', 'completed']);
/** The series is stored at most this often (and whenever a rollout is archived): it is evidence, not state. */
const SERIES_SAVE_MS = 5000;

const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * One arm of a window as the series keeps it: counts, latency quantiles (ms) and, when events are
 * collected, per event name the exposed and converted units (units.js unitsPoint).
 */
function armPoint(a, summary, events) {
  const l = summary(a);
  const p = {
    requests: a.requests,
    errors: a.errors,
    units: a.newUnits,
    p50: num(l.p50),
    p90: num(l.p90),
    p99: num(l.p99),
  };
  const ev = unitsPoint(a, events);
  if (ev) p.events = ev;
  return p;
}

/** One metric of the core's analysis, as the series keeps it (estimate and its interval). */
function metricPoint(m) {
  const iv = Array.isArray(m.interval) && m.interval.length === 2 ? m.interval.map(num) : null;
  return { name: m.name, classification: m.classification, critical: m.critical, direction: m.direction, estimate: num(m.estimate), interval: iv };
}

/**
 * Users and requests that reached the canary, in the whole run and since the regression began:
 * the first window in which the core classified a metric as failing (worse in its direction),
 * whatever the decision of that window was.
 */
export function blastRadius(series, total) {
  const bad = (m) => m.classification === 'Fail' || (m.direction === 'either' ? m.classification === 'High' || m.classification === 'Low'
    : (m.classification === 'High' && m.direction !== 'decrease') || (m.classification === 'Low' && m.direction === 'decrease'));
  const first = series.findIndex((w) => (w.metrics || []).some(bad));
  const after = first < 0 ? null : series.slice(first).reduce((s, w) => ({ requests: s.requests + w.canary.requests, units: s.units + w.canary.units }), { requests: 0, units: 0 });
  return {
    canaryRequests: total ? total.requests : null,
    canaryUnits: total ? total.newUnits : null,
    regressionAt: first < 0 ? null : series[first].at,
    regressionWindow: first < 0 ? null : series[first].window,
    afterRegression: after,
  };
}

export class RolloutHistory {
  constructor(storage) {
    this.storage = storage;
    this.series = []; // windows of the current rollout
    this.list = []; // finished rollouts, newest first: {summary, report}
    this.archived = null; // id + startedAt of the rollout already archived
    this.dirty = false; // the list changed since it was stored
    this.saveErrors = 0;
  }

  async load() {
    this.series = (await loadChunked(this.storage, SERIES_KEY)) || [];
    const l = await loadChunked(this.storage, LIST_KEY);
    if (l) {
      this.list = l.list || [];
      this.archived = l.archived || null;
    }
  }

  /** A new rollout starts: the previous one, if it never finished, is archived as superseded. */
  begin(prev, status) {
    if (prev && prev.rollout && !this.isArchived(prev.rollout)) this.archive(prev, status, 'superseded by a new rollout');
    this.series = [];
  }

  /**
   * After an evaluation: the window's counts, quantiles, the core's analysis and decision.
   * `events`: the worker's accepted event names, each shown for an arm with a unit summary.
   */
  window(r, step, arms, before, summary, events) {
    const a = step.action;
    this.series.push({
      at: Date.now(),
      window: before.window,
      stage: before.stage,
      percent: before.percent, // what the window was served at
      action: a.action,
      verdict: step.analysis ? step.analysis.decision : null,
      score: step.analysis ? num(step.analysis.score) : null,
      reasons: (a.reasons || []).slice(0, 4).map((s) => String(s).slice(0, 300)),
      stable: armPoint(arms.stable, summary, events),
      canary: armPoint(arms.canary, summary, events),
      metrics: step.analysis ? step.analysis.metrics.map(metricPoint) : [],
      srm: step.srm && step.srm.checked ? { pValue: num(step.srm.pValue), failed: step.srm.failed } : null,
    });
    if (this.series.length > SERIES_MAX) this.series.splice(0, this.series.length - SERIES_MAX);
  }

  isArchived(ro) {
    return !!this.archived && this.archived.id === ro.id && this.archived.startedAt === ro.startedAt;
  }

  /**
   * Archives the rollout once the core has finished it, and saves the series and the list. Never
   * throws: this is the dashboard's memory, not decision state; a failed save is counted
   * (saveErrors) and the next one stores everything again.
   */
  async save(coordinator) {
    const r = coordinator.r;
    if (r && r.rollout && r.action && TERMINAL.has(r.action.status) && !this.isArchived(r.rollout)) this.archive(r, coordinator.status());
    try {
      const now = Date.now();
      if (this.dirty || !(now - (this.seriesSavedAt || 0) < SERIES_SAVE_MS)) {
        await storeChunked(this.storage, SERIES_KEY, JSON.stringify(this.series));
        this.seriesSavedAt = now;
      }
      await this.flush();
    } catch (e) {
      this.saveErrors = (this.saveErrors || 0) + 1;
      this.dirty = true;
      this.lastError = String(e && e.message ? e.message : e);
    }
  }

  archive(r, status, why) {
    const ro = r.rollout;
    const stages = ro.plan && Array.isArray(ro.plan.stages) ? ro.plan.stages.length : null;
    const reached = Math.max(r.action ? r.action.stage : 0, ...r.history.map((h) => (typeof h.stage === 'number' ? h.stage : 0)));
    const end = r.history.length ? Date.parse(r.history[r.history.length - 1].lastAt || r.history[r.history.length - 1].at) : Date.now();
    const last = [...r.history].reverse().find((h) => h.action === 'rollback' || h.action === 'complete' || h.actor === 'operator');
    const summary = {
      id: ro.id,
      startedAt: ro.startedAt,
      endedAt: new Date(end).toISOString(),
      durationMs: end - Date.parse(ro.startedAt),
      outcome: why ? 'superseded' : r.action.status,
      stagesReached: reached,
      stages,
      reason: why || (last && last.reasons && last.reasons[0]) || (r.action.reasons && r.action.reasons[0]) || '',
    };
    const report = { format: 'rollgate.rollout_report', summary, status: { ...status, series: this.series } };
    let text = JSON.stringify(report);
    if (text.length > REPORT_MAX) {
      for (const k of ['sketches', 'isolates', 'dedupe', 'mismatches']) delete report.status[k];
      text = JSON.stringify(report);
    }
    while (text.length > REPORT_MAX && report.status.series.length > 10) {
      report.status.series = report.status.series.slice(Math.floor(report.status.series.length / 2));
      text = JSON.stringify(report);
    }
    this.list.unshift({ summary, report });
    this.list.length = Math.min(this.list.length, ROLLOUTS_MAX);
    this.archived = { id: ro.id, startedAt: ro.startedAt };
    this.dirty = true;
  }

  async flush() {
    if (!this.dirty) return;
    this.dirty = false;
    await storeChunked(this.storage, LIST_KEY, JSON.stringify({ list: this.list, archived: this.archived }));
  }

  /** GET /__rollgate/rollouts (the list) and /__rollgate/rollouts/<n> (a saved report, 0 = newest). */
  route(route) {
    if (route === 'rollouts') return { status: 200, body: { rollouts: this.list.map((x, i) => ({ ...x.summary, index: i })) } };
    const m = /^rollouts\/(\d+)$/.exec(route);
    const item = m ? this.list[Number(m[1])] : null;
    return item ? { status: 200, body: item.report } : { status: 404, body: { error: 'no such rollout in the history' } };
  }
}
