// rollgate edge — the coordinator: one Durable Object per rollout, the single source of truth.
// SPDX-License-Identifier: MIT
//
// It holds the rollout (origins, salt, plan) and the core's rollout state, merges the workers'
// summaries into the current window, and on an alarm hands the window to the core
// (engine.rolloutStep: judge, sample-ratio check, state machine), then stores what the core
// decided. Every rule (when to advance, hold or roll back, what pause/resume/rollback do, when an
// announced increase takes effect, when a window restarts) is the core's; this file does routing,
// storage and bookkeeping. Workers read its state through GET /__rollgate/internal/state (cached
// a few seconds) and post summaries to POST /__rollgate/internal/report; both paths are reachable
// only through the Durable Object binding (the worker answers 404 to them from outside).
//
// The same class also plays the aggregator (coordinator/aggregator.js) for objects named
// "<rollout>:agg:<n>", which only ever receive /__rollgate/internal/agg/* requests.
//
// Storage: the record is bounded (coordinator/bounds.js) and saved by group commit
// (coordinator/storage.js): a summary is acknowledged once a save that holds it has ended, so an
// acknowledged summary survives a restart, and a retried one is recognised (coordinator/dedupe.js).
import * as engine from './engine.js';
import { readSettings } from './settings.js';
import { checkBearer } from './crypto.js';
import { ARMS, emptyCounters, addCounters } from './metrics.js';
import { INTERNAL, PREFIX, corsHeaders, json, readJson, readText, log } from './http.js';
import { emptyArms, freeArms, mergeArm, verdictsOf, armSummary, judgeInput, rehydrate } from './coordinator/arms.js';
import { validateSpec, httpError, reportLimitsOf } from './coordinator/spec.js';
import { storeChunked, loadChunked, Saver } from './coordinator/storage.js';
import { Dedupe, parseBatchId } from './coordinator/dedupe.js';
import { Aggregator, AGG_KEY, AGG_PREFIX } from './coordinator/aggregator.js';
import { RolloutHistory, blastRadius } from './coordinator/history.js';
import { FlagStore, FLAGS_MAX } from './coordinator/flags.js';
import { timingStatus, timingToWire } from './timing.js';
import { eventMetrics } from './sources.js';
import { BUDGET, HISTORY_MAX, ISOLATES_MAX, ID_MAX, REPORT_BODY_MAX, capReasons, boundAnalysis, storedArm, objectText } from './coordinator/bounds.js';

const KEY = 'rollout';

export class Coordinator {
  constructor(state, env) {
    this.state = state;
    this.env = env;
    this.r = null; // the persisted record, without its arms and dedupe table
    this.live = null; // { window: {stable, canary}, total: {stable, canary} } with live WASM objects
    this.dedupe = new Dedupe();
    this.agg = null; // set when this object is an aggregator
    const s = readSettings(env);
    this.saver = new Saver(() => this.serialise(), (text) => storeChunked(state.storage, KEY, text), s.commitMs);
    this.historySize = new WeakMap(); // history entry → its JSON length (bounds the history's size)
    this.history = new RolloutHistory(state.storage); // windows and finished rollouts (dashboard)
    this.flags = new FlagStore(state.storage); // the project's flag configuration (flag delivery)
    state.blockConcurrencyWhile(async () => {
      await engine.initEngine();
      const agg = await loadChunked(state.storage, AGG_KEY);
      if (agg) {
        this.agg = new Aggregator(state, env, agg);
        return;
      }
      await this.history.load();
      await this.flags.load();
      const r = await loadChunked(state.storage, KEY);
      if (!r) return;
      this.live = rehydrate(r.arms, r.rollout ? reportLimitsOf(r.rollout.shadow) : undefined);
      this.dedupe = new Dedupe(r.dedupe);
      delete r.arms;
      delete r.dedupe;
      delete r.seen; // the set of batch ids of earlier versions
      this.r = r;
      // After a restart the alarm may be gone with the process: the loop must go on.
      if (this.running() && (await state.storage.getAlarm()) === null) await state.storage.setAlarm(Date.now() + r.rollout.evaluationIntervalMs);
    });
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname.startsWith(AGG_PREFIX)) return (this.agg ||= new Aggregator(this.state, this.env, null)).fetch(request, url);
    const s = readSettings(this.env);
    const cors = corsHeaders(s.corsOrigin);
    try {
      this.settle(Date.now());
      if (url.pathname === INTERNAL + 'state' && request.method === 'GET') return json(this.workerState());
      if (url.pathname === INTERNAL + 'flags' && request.method === 'GET') return this.flags.answer(request, this.r);
      if (url.pathname === INTERNAL + 'report' && request.method === 'POST') {
        return json(await this.ingest(await readJson(request, REPORT_BODY_MAX)));
      }
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
      if (!(await checkBearer(request, s.adminToken))) {
        return json({ error: 'unauthorized' }, 401, { ...cors, 'www-authenticate': 'Bearer realm="rollgate"' });
      }
      const route = url.pathname.slice(PREFIX.length);
      if (request.method === 'GET' && route === 'status') return json(this.status(), 200, cors);
      if (request.method === 'GET' && /^rollouts(\/\d+)?$/.test(route)) {
        const h = this.history.route(route);
        return json(h.body, h.status, cors);
      }
      if (request.method === 'PUT' && route === 'flags') return json(await this.flags.put(await readText(request, 4 * FLAGS_MAX), this.r), 200, cors);
      if (request.method === 'POST' && ['start', 'pause', 'resume', 'rollback'].includes(route)) {
        const body = await readJson(request);
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw httpError('body must be a JSON object');
        if (route === 'start') return json(await this.start(body), 200, cors);
        const reason = typeof body.reason === 'string' ? body.reason.slice(0, 200) : undefined;
        return json(await this.command(route, reason), 200, cors);
      }
      return json({ error: 'not found' }, 404, cors);
    } catch (e) {
      const rgErr = engine.isRollgateError(e);
      // A command that does not apply to the rollout's status is a conflict, not a bad request.
      const status = e.status || (rgErr ? (e.code === 'rollgate.plan.614' ? 409 : 400) : 500);
      if (status >= 500) log('error', 'coordinator error', { error: String(e.stack || e) });
      const body = { error: engine.describeError(e) };
      if (rgErr) Object.assign(body, { code: e.code, pointer: e.pointer, problems: e.problems });
      else if (e.pointer !== undefined) Object.assign(body, { pointer: e.pointer }, e.code ? { code: e.code } : {});
      return json(body, status, cors);
    }
  }

  /**
   * Evaluates and reschedules itself whatever happens: a failed evaluation is recorded, a failed
   * save is counted (storage.saveErrors in the status) and tried again, and neither stops the loop.
   */
  async alarm() {
    if (this.agg) return this.agg.alarm();
    if (!this.r || !this.r.rollout) return;
    try {
      this.evaluate(Date.now());
    } catch (e) {
      this.record({ actor: 'coordinator', action: 'error', reasons: [engine.describeError(e)] }, true);
    } finally {
      try {
        await this.saver.commit(true); // never throws
        await this.history.save(this); // never throws
      } finally {
        if (this.running()) await this.state.storage.setAlarm(Date.now() + this.r.rollout.evaluationIntervalMs);
      }
    }
  }

  running() {
    const st = this.r && this.r.machine && this.r.machine.status;
    return st === 'running' || st === 'paused';
  }

  // --- what workers read ----------------------------------------------------------------------------

  workerState() {
    const r = this.r;
    if (!r || !r.rollout) return { rollout: null, window: 0, version: 0, status: 'idle', percent: 0, coverage: 0, origins: {} };
    const ro = r.rollout;
    const a = r.action;
    const state = {
      rollout: ro.id,
      window: r.machine.window,
      version: r.version,
      status: a.status,
      percent: a.servingPercent,
      coverage: a.servingCoverage,
      salt: ro.salt,
      origins: ro.origins,
      shadow: ro.shadow,
    };
    if (ro.target) state.target = ro.target; // a guarded flag rollout: arms are the flag's
    // An announced increase: every isolate switches at the same instant (the core's rule).
    if (a.pending) state.next = { percent: a.pending.percent, coverage: a.pending.coverage, window: a.pending.window, at: a.pending.atMs };
    return state;
  }

  /** Applies an announced increase once it is due (the core decides; a new window starts then). */
  settle(now) {
    const r = this.r;
    if (!r || !r.rollout || !r.action || !r.action.pending) return;
    const act = engine.settleRollout(r.rollout.plan, r.machine, now);
    if (act) {
      this.apply(act, now);
      this.saver.touch();
    }
  }

  /** Stores an action of the core: its state, what workers serve, and a fresh window if asked. */
  apply(act, now) {
    const r = this.r;
    const before = r.action;
    r.machine = act.state;
    r.action = {
      action: act.action,
      status: act.status,
      stage: act.stage,
      percent: act.percent,
      coverage: act.coverage,
      servingPercent: act.servingPercent,
      servingCoverage: act.servingCoverage,
      pending: act.pending,
      reasons: capReasons(act.reasons),
    };
    const changed = !before || before.stage !== act.stage || before.status !== act.status ||
      before.servingCoverage !== act.servingCoverage || JSON.stringify(before.pending) !== JSON.stringify(act.pending);
    if (act.newWindow) this.newWindow(now);
    if (changed || act.newWindow) r.version++;
    return changed;
  }

  // --- merging summaries ------------------------------------------------------------------------------

  /**
   * Merges one summary (an isolate's, or an aggregator's merged one) and answers once it is
   * stored. A retry of a merged batch is answered without merging, once that batch is stored.
   */
  async ingest(batch) {
    const id = batch && parseBatchId(batch.batch);
    if (!id || !Array.isArray(batch.windows)) throw httpError('malformed report');
    const r = this.r;
    if (!r) return { ok: true, ignored: 'no rollout' };
    if (this.dedupe.seen(id.source, id.seq)) {
      await this.saver.settled();
      return { ok: true, duplicate: true };
    }
    const now = Date.now();
    this.dedupe.accept(id.source, id.seq, now);
    addCounters(r.counters, batch.counters);
    const src = this.source(String(batch.isolate || id.source).slice(0, ID_MAX), now);
    src.batches++;
    if (batch.sources) src.isolates = batch.sources.isolates | 0;
    const limits = reportLimitsOf(r.rollout && r.rollout.shadow);
    for (const w of batch.windows) {
      if (!r.rollout || w.rollout !== r.rollout.id) continue; // an earlier rollout's traffic
      const current = w.window === r.machine.window;
      if (!current) r.late++;
      for (const arm of ARMS) {
        const a = w.arms && w.arms[arm];
        if (!a) continue;
        src.requests += a.requests | 0;
        const problems = [];
        mergeArm(this.live.total[arm], a, problems, limits, { units: false }); // unit summaries: windows only (bounds.js)
        if (current) mergeArm(this.live.window[arm], a, problems, limits);
        if (problems.length) {
          r.rejectedParts = (r.rejectedParts || 0) + problems.length;
          log('error', 'coordinator rejected part of a summary', { source: id.source, arm, problems });
        }
      }
    }
    await this.saver.commit();
    return { ok: true };
  }

  /** The status' entry of one source (isolate or aggregator); the table keeps the most recent. */
  source(id, now) {
    const t = this.r.isolates;
    if (!t[id]) {
      const ids = Object.keys(t);
      if (ids.length >= ISOLATES_MAX) {
        let oldest = ids[0];
        for (const k of ids) if (t[k].lastAt < t[oldest].lastAt) oldest = k;
        delete t[oldest];
      }
      t[id] = { batches: 0, requests: 0, lastAt: 0 };
    }
    t[id].lastAt = now;
    return t[id];
  }

  // --- deciding --------------------------------------------------------------------------------------

  evaluate(now) {
    this.settle(now);
    const r = this.r;
    const w = this.live.window;
    const before = { stage: r.action.stage, percent: r.action.servingPercent, status: r.action.status };
    const settings = readSettings(this.env);
    const events = eventMetrics(r.rollout.plan, settings); // the plan's metrics with an event source
    const step = engine.rolloutStep(r.rollout.plan, r.machine, {
      baseline: judgeInput(w.stable, events),
      canary: judgeInput(w.canary, events),
      units: { stable: w.stable.newUnits, canary: w.canary.newUnits },
    }, { now, announceMs: settings.announceMs, srmAlpha: r.rollout.srmAlpha });
    r.srm = step.srm;
    if (step.analysis) r.lastAnalysis = step.analysis;
    this.history.window(r, step, w, { ...before, window: r.machine.window }, (x) => (x.sketch ? engine.sketchSummary(x.sketch) : {}), settings.events);
    const counts = { stable: w.stable.requests, canary: w.canary.requests, stableErrors: w.stable.errors, canaryErrors: w.canary.errors };
    const changed = this.apply(step.action, now);
    this.record({
      actor: 'coordinator',
      action: step.action.action,
      from: before,
      verdict: step.analysis ? step.analysis.decision : null,
      score: step.analysis ? step.analysis.score : null,
      reasons: step.action.reasons,
      counts,
    }, changed);
  }

  /** Appends a decision; holds with the same reasons as the previous entry are folded into it. */
  record(entry, changed) {
    const r = this.r;
    const a = r.action || {};
    // percent: the stage's target after the decision (an announced increase is served later).
    const e = { at: new Date().toISOString(), stage: a.stage, percent: a.percent, servingPercent: a.servingPercent, status: a.status, ...entry };
    e.reasons = capReasons(e.reasons);
    const last = r.history[r.history.length - 1];
    if (!changed && last && last.action === e.action && JSON.stringify(last.reasons) === JSON.stringify(e.reasons)) {
      last.repeats = (last.repeats || 1) + 1;
      last.lastAt = e.at;
      last.counts = e.counts;
      return;
    }
    r.history.push(e);
    this.boundHistory();
    log('info', 'rollgate decision', { rollout: r.rollout && r.rollout.id, ...e });
  }

  /** At most HISTORY_MAX entries and BUDGET.history characters: the oldest go first (counted). */
  boundHistory() {
    const h = this.r.history;
    let size = 0;
    let keep = 0;
    for (let i = h.length - 1; i >= 0 && keep < HISTORY_MAX; i--) {
      let n = i === h.length - 1 ? undefined : this.historySize.get(h[i]);
      if (n === undefined) this.historySize.set(h[i], (n = JSON.stringify(h[i]).length + 1));
      if (size + n > BUDGET.history && keep > 0) break;
      size += n;
      keep++;
    }
    if (keep < h.length) {
      this.r.historyDropped = (this.r.historyDropped || 0) + h.length - keep;
      h.splice(0, h.length - keep);
    }
  }

  /** The core opened a new measurement window: the current window's aggregates start over. */
  newWindow(now) {
    this.r.windowStartedAt = now;
    this.r.srm = null;
    freeArms(this.live.window);
    this.live.window = emptyArms();
  }

  // --- control -------------------------------------------------------------------------------------

  async start(body) {
    const spec = validateSpec(body, readSettings(this.env));
    if (spec.target) this.flags.checkTarget(spec.target);
    const now = Date.now();
    const prev = this.r;
    this.history.begin(prev, prev && prev.rollout ? this.status() : null);
    if (this.live) {
      freeArms(this.live.window);
      freeArms(this.live.total);
    }
    const act = engine.startRollout(spec.plan, now);
    this.r = {
      rollout: { ...spec, startedAt: new Date(now).toISOString() },
      machine: null,
      action: null,
      windowStartedAt: now,
      // Versions only grow, across rollouts too: workers compare them.
      version: (prev ? prev.version : 0) + 1,
      history: [],
      historyDropped: 0,
      isolates: {},
      counters: emptyCounters(),
      late: 0,
      srm: null,
      lastAnalysis: null,
    };
    this.live = { window: emptyArms(), total: emptyArms() };
    this.apply(act, now); // window ids restart with each rollout: workers key them by rollout id
    this.record({ actor: 'operator', action: 'start', reasons: [`rollout ${spec.id} started`, ...spec.notes, ...act.reasons] }, true);
    await this.saver.commit(true);
    await this.state.storage.setAlarm(now + spec.evaluationIntervalMs);
    return this.workerState();
  }

  async command(kind, reason) {
    const r = this.r;
    if (!r || !r.rollout) throw httpError('no rollout has been started', 409);
    const now = Date.now();
    const before = { stage: r.action.stage, percent: r.action.servingPercent, status: r.action.status };
    const act = engine.applyCommand(r.rollout.plan, r.machine, kind, now, reason || '');
    this.apply(act, now);
    this.record({ actor: 'operator', action: kind, from: before, reasons: act.reasons }, true);
    await this.saver.commit(true);
    await this.history.save(this);
    if (this.running()) await this.state.storage.setAlarm(now + r.rollout.evaluationIntervalMs);
    return this.workerState();
  }

  // --- reporting -----------------------------------------------------------------------------------

  status() {
    const r = this.r;
    if (!r) return { state: { status: 'idle' }, history: [], storage: this.saver.status(), flags: this.flags.status(r) };
    const a = r.action;
    const events = readSettings(this.env).events;
    const view = (arms) => Object.fromEntries(ARMS.map((x) => [x, armSummary(arms[x], events)]));
    const wire = (arms, f) => Object.fromEntries(ARMS.map((x) => [x, f(arms[x])]));
    return {
      rollout: r.rollout,
      state: {
        status: a.status,
        stage: a.stage,
        percent: a.percent,
        coverage: a.coverage,
        servingPercent: a.servingPercent,
        servingCoverage: a.servingCoverage,
        next: a.pending ? { percent: a.pending.percent, coverage: a.pending.coverage, at: new Date(a.pending.atMs).toISOString() } : null,
        reasons: a.reasons,
        version: r.version,
        window: r.machine.window,
        windowStartedAt: new Date(r.windowStartedAt).toISOString(),
        machine: r.machine,
      },
      metrics: { window: view(this.live.window), total: view(this.live.total) },
      sketches: {
        window: wire(this.live.window, (x) => (x.sketch ? engine.sketchToWire(x.sketch) : null)),
        total: wire(this.live.total, (x) => (x.sketch ? engine.sketchToWire(x.sketch) : null)),
      },
      // Server-Timing sketches by name, per arm (timing.js), for a dashboard to judge or plot.
      timingSketches: { window: wire(this.live.window, (x) => timingToWire(x.timing)), total: wire(this.live.total, (x) => timingToWire(x.timing)) },
      mismatches: {
        window: wire(this.live.window, (x) => (x.report ? engine.reportToWire(x.report) : null)),
        total: wire(this.live.total, (x) => (x.report ? engine.reportToWire(x.report) : null)),
      },
      mismatchVerdicts: {
        window: wire(this.live.window, (x) => verdictsOf(x, r.rollout.shadow)),
        total: wire(this.live.total, (x) => verdictsOf(x, r.rollout.shadow)),
      },
      srm: r.srm,
      lastAnalysis: r.lastAnalysis,
      isolates: r.isolates,
      counters: r.counters,
      serverTiming: timingStatus(readSettings(this.env)), // names collected, stripping (counts: counters.serverTiming)
      lateReports: r.late,
      rejectedParts: r.rejectedParts || 0, // sketches or reports in summaries the core rejected
      // What is stored: size and bound, saves and failed saves, and what the bound trimmed.
      storage: { ...this.saver.status(), trimmed: r.trimmed || {}, historyDropped: r.historyDropped || 0 },
      dedupe: this.dedupe.stats(),
      flags: this.flags.status(r),
      history: r.history,
      series: this.history.series, // window by window (coordinator/history.js)
      blastRadius: blastRadius(this.history.series, armSummary(this.live.total.canary)),
    };
  }

  // --- storage -------------------------------------------------------------------------------------

  /**
   * The record as stored, within bounds.js's budgets: window reports without examples (the
   * totals keep them within their budget), the history and the last analysis bounded.
   */
  serialise() {
    const r = this.r;
    if (!r) return JSON.stringify({ dedupe: this.dedupe.entries() });
    this.boundHistory();
    const trim = {};
    const part = (arms, examples) => objectText(Object.fromEntries(ARMS.map((a) => [a, storedArm(arms[a], examples, trim)])));
    const arms = objectText({ window: part(this.live.window, false), total: part(this.live.total, true) });
    r.trimmed = trim;
    const meta = JSON.stringify({ ...r, lastAnalysis: boundAnalysis(r.lastAnalysis) });
    return `${meta.slice(0, -1)},"arms":${arms},"dedupe":${JSON.stringify(this.dedupe.entries())}}`;
  }
}
