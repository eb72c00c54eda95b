// rollgate edge — the coordinator: one Durable Object per rollout, the single source of truth.
// SPDX-License-Identifier: MIT
//
// It holds the rollout (origins, salt, plan) and the plan's state, merges the workers' summaries
// into the current stage's window, and on an alarm judges the window with rollgate's judge and
// steps the plan's pure state machine (advance / hold / roll back / complete), recording every
// decision with its reasons. Workers read its state through GET /__rollgate/internal/state
// (cached a few seconds) and post summaries to POST /__rollgate/internal/report; both paths are
// reachable only through the Durable Object binding (the worker answers 404 to them from outside).
import * as engine from './engine.js';
import { readSettings } from './settings.js';
import { checkBearer } from './crypto.js';
import { ARMS, emptyCounters, newArm } from './metrics.js';
import { INTERNAL, PREFIX, corsHeaders, json, readJson, log } from './http.js';

const KEY = 'rollout';
const HISTORY_MAX = 500;
const SEEN_MAX = 4096;
const DEFAULT_EVAL_MS = 10000;

export class Coordinator {
  constructor(state, env) {
    this.state = state;
    this.env = env;
    this.r = null; // the persisted record (JSON)
    this.live = null; // { window: {stable, canary}, total: {stable, canary} } with live WASM objects
    this.seen = new Set();
    state.blockConcurrencyWhile(async () => {
      await engine.initEngine();
      this.r = await loadChunked(state.storage, KEY);
      this.live = this.r ? this.rehydrate(this.r) : null;
      if (this.r) for (const b of this.r.seen || []) this.seen.add(b);
    });
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  async fetch(request) {
    const url = new URL(request.url);
    const s = readSettings(this.env);
    const cors = corsHeaders(s.corsOrigin);
    try {
      this.settleRamp(Date.now());
      if (url.pathname === INTERNAL + 'state' && request.method === 'GET') return json(this.workerState());
      if (url.pathname === INTERNAL + 'report' && request.method === 'POST') {
        return json(await this.ingest(await readJson(request, 8 << 20)));
      }
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
      if (!(await checkBearer(request, s.adminToken))) {
        return json({ error: 'unauthorized' }, 401, { ...cors, 'www-authenticate': 'Bearer realm="rollgate"' });
      }
      const route = url.pathname.slice(PREFIX.length);
      if (request.method === 'GET' && route === 'status') return json(this.status(), 200, cors);
      if (request.method === 'POST') {
        const body = await readJson(request);
        const reason = typeof body.reason === 'string' ? body.reason.slice(0, 500) : undefined;
        if (route === 'start') return json(await this.start(body), 200, cors);
        if (route === 'pause') return json(await this.control('pause', reason), 200, cors);
        if (route === 'resume') return json(await this.control('resume', reason), 200, cors);
        if (route === 'rollback') return json(await this.control('rollback', reason), 200, cors);
      }
      return json({ error: 'not found' }, 404, cors);
    } catch (e) {
      const rgErr = engine.isRollgateError(e);
      const status = e.status || (rgErr ? 400 : 500);
      if (status >= 500) log('error', 'coordinator error', { error: String(e.stack || e) });
      const body = { error: engine.describeError(e) };
      if (rgErr) Object.assign(body, { code: e.code, pointer: e.pointer, problems: e.problems });
      else if (e.pointer) body.pointer = e.pointer;
      return json(body, status, cors);
    }
  }

  async alarm() {
    if (!this.r || !this.r.rollout) return;
    try {
      this.evaluate(Date.now());
    } catch (e) {
      this.record({ actor: 'coordinator', action: 'error', reasons: [engine.describeError(e)] }, true);
    }
    await this.persist(); // also whatever ingest() left dirty
    if (this.r.status === 'running' || this.r.status === 'paused') {
      await this.state.storage.setAlarm(Date.now() + this.r.rollout.evaluationIntervalMs);
    }
  }

  // --- what workers read ----------------------------------------------------------------------------

  workerState() {
    const r = this.r;
    if (!r || !r.rollout) return { rollout: null, window: 0, version: 0, status: 'idle', percent: 0, origins: {} };
    const ro = r.rollout;
    const state = {
      rollout: ro.id,
      window: r.windowId,
      version: r.version,
      status: r.status,
      percent: r.ramp ? r.ramp.from : r.percent,
      salt: ro.salt,
      origins: ro.origins,
      shadow: ro.shadow,
    };
    // A pending increase: every isolate switches at the same instant (see scheduleRamp).
    if (r.ramp) state.next = { percent: r.percent, window: r.ramp.window, at: r.ramp.at };
    return state;
  }

  /**
   * Isolates cache the state for up to stateTtlMs. If each switched to a higher percentage when
   * its own cache expired, a unit could be served by the canary in an isolate that already has the
   * new percentage and by stable in one that still has the old: it would flip back, breaking
   * stickiness. So an increase takes effect stateTtlMs after it is decided, announced in advance
   * as `next`: by then every isolate has read it, and all switch at the same clock time. Decreases
   * (rollbacks) are never delayed: safety comes before stickiness. The stage window restarts when
   * the new percentage takes effect, so each window's data comes from one percentage only.
   */
  scheduleRamp(from, now) {
    this.r.ramp = { from, at: now + readSettings(this.env).stateTtlMs, window: this.r.windowId + 1 };
  }

  /** Applies a scheduled increase once its time has come. */
  settleRamp(now) {
    const r = this.r;
    if (r && r.ramp && now >= r.ramp.at) {
      r.ramp = null;
      this.newWindow(now);
    }
  }

  // --- merging summaries ------------------------------------------------------------------------------

  async ingest(batch) {
    if (!batch || typeof batch.batch !== 'string' || !Array.isArray(batch.windows)) {
      throw Object.assign(new Error('malformed report'), { status: 400 });
    }
    if (this.seen.has(batch.batch)) return { ok: true, duplicate: true };
    const r = this.r;
    if (!r) return { ok: true, ignored: 'no rollout' };
    this.remember(batch.batch);
    addCounters(r.counters, batch.counters);
    const isoId = String(batch.isolate).slice(0, 64);
    if (!r.isolates[isoId]) forgetOldestIsolate(r.isolates);
    const iso = (r.isolates[isoId] ||= { batches: 0, requests: 0, lastAt: 0 });
    iso.batches++;
    iso.lastAt = Date.now();
    for (const w of batch.windows) {
      if (!r.rollout || w.rollout !== r.rollout.id) continue; // an earlier rollout's traffic
      const current = w.window === r.windowId;
      if (!current) r.late++;
      for (const arm of ARMS) {
        const a = w.arms && w.arms[arm];
        if (!a) continue;
        iso.requests += a.requests | 0;
        const problems = [];
        mergeArm(this.live.total[arm], a, problems);
        if (current) mergeArm(this.live.window[arm], a, problems);
        if (problems.length) {
          r.rejectedParts = (r.rejectedParts || 0) + problems.length;
          log('error', 'coordinator rejected part of a summary', { isolate: batch.isolate, arm, problems });
        }
      }
    }
    // Persist at most once a second under load; the alarm persists whatever is left. A Durable
    // Object is not evicted while isolates keep talking to it, so at most that second is at risk.
    if (Date.now() - (this.persistedAt || 0) >= 1000) await this.persist();
    else this.dirty = true;
    return { ok: true };
  }

  remember(id) {
    this.seen.add(id);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value);
  }

  // --- deciding --------------------------------------------------------------------------------------

  evaluate(now) {
    this.settleRamp(now);
    const r = this.r;
    const w = this.live.window;
    let analysis = null;
    const reasons = [];
    // Sample-ratio mismatch: if the arms did not get their configured shares, the comparison is
    // not trustworthy (broken assignment, a cache serving one arm, bots): never advance then.
    // The sample is the units minted in this window: each exists once globally and falls in
    // canary with probability p on its own. (Requests are not independent: a returning user
    // brings all their requests to one arm, so request shares drift from p without any fault.)
    let srmFailed = false;
    const counts = [w.stable.newUnits, w.canary.newUnits];
    const serving = r.ramp ? r.ramp.from : r.percent; // the percentage this window's units saw
    const shares = [100 - serving, serving];
    const total = counts[0] + counts[1];
    if (serving > 0 && serving < 100 && Math.min(...shares) * total >= 500) {
      // (at least 5 expected units in the smaller arm: the chi-square approximation holds)
      const srm = engine.sampleRatioMismatch(counts, shares);
      r.srm = { basis: 'newUnits', statistic: srm.statistic, pValue: srm.pValue, df: srm.df, counts, shares, alpha: r.rollout.srmAlpha };
      srmFailed = srm.pValue < r.rollout.srmAlpha;
    }
    // At 100% there is no baseline left: the last stage's config holds absolute gates only.
    const judgeable = w.canary.requests > 0 && (w.stable.requests > 0 || r.percent >= 100);
    const config = judgeable && (r.status === 'running' || r.status === 'paused') ? engine.stageCanaryConfig(r.rollout.plan, r.stage) : null;
    if (config) {
      analysis = engine.judge(config, judgeInput(w.stable), judgeInput(w.canary));
      if (srmFailed && analysis.decision === 'PASS') {
        const why = `sample-ratio mismatch (p = ${r.srm.pValue.toExponential(2)} < ${r.rollout.srmAlpha}): holding`;
        analysis = { ...analysis, decision: 'HOLD', reasons: [...(analysis.reasons || []), why] };
        reasons.push(why);
      }
      r.lastAnalysis = analysis;
    }
    const act = engine.nextAction(r.rollout.plan, r.machine, analysis, now);
    const before = { stage: r.stage, percent: r.percent, status: r.status };
    r.machine = act.state;
    r.stage = act.stage;
    r.status = act.status;
    r.percent = act.percent;
    const changed = before.stage !== r.stage || before.percent !== r.percent || before.status !== r.status;
    if (changed) {
      if (r.status === 'running' && r.percent > before.percent && before.percent > 0) {
        this.scheduleRamp(r.ramp ? r.ramp.from : before.percent, now);
        r.version++;
      } else {
        r.ramp = null;
        this.newWindow(now);
      }
    }
    this.record(
      {
        actor: 'coordinator',
        action: act.action,
        from: before,
        verdict: analysis ? analysis.decision : null,
        score: analysis ? analysis.score : null,
        reasons: [...(act.reasons || []), ...reasons],
        counts: { stable: w.stable.requests, canary: w.canary.requests, stableErrors: w.stable.errors, canaryErrors: w.canary.errors },
      },
      changed,
    );
  }

  /** Appends a decision; holds with the same reasons as the previous entry are folded into it. */
  record(entry, changed) {
    const r = this.r;
    const e = { at: new Date().toISOString(), stage: r.stage, percent: r.percent, status: r.status, ...entry };
    const last = r.history[r.history.length - 1];
    if (!changed && last && last.action === e.action && JSON.stringify(last.reasons) === JSON.stringify(e.reasons)) {
      last.repeats = (last.repeats || 1) + 1;
      last.lastAt = e.at;
      last.counts = e.counts;
      return;
    }
    r.history.push(e);
    if (r.history.length > HISTORY_MAX) r.history.splice(0, r.history.length - HISTORY_MAX);
    log('info', 'rollgate decision', { rollout: r.rollout && r.rollout.id, ...e });
  }

  newWindow(now) {
    const r = this.r;
    r.windowId++;
    r.windowStartedAt = now;
    r.version++;
    r.srm = null;
    freeArms(this.live.window);
    this.live.window = emptyArms();
  }

  // --- control -------------------------------------------------------------------------------------

  async start(body) {
    const spec = validateSpec(body, readSettings(this.env));
    const now = Date.now();
    const prev = this.r;
    if (this.live) {
      freeArms(this.live.window);
      freeArms(this.live.total);
    }
    const machine = engine.initialState(now);
    this.r = {
      rollout: { ...spec, startedAt: new Date(now).toISOString() },
      machine,
      stage: 0,
      status: 'running',
      percent: 0,
      windowId: (prev ? prev.windowId : 0) + 1,
      windowStartedAt: now,
      version: (prev ? prev.version : 0) + 1,
      history: [],
      isolates: {},
      counters: emptyCounters(),
      late: 0,
      srm: null,
      lastAnalysis: null,
    };
    this.live = { window: emptyArms(), total: emptyArms() };
    // The plan's first action (hold at stage 0) sets the first percentage.
    const act = engine.nextAction(spec.plan, machine, null, now);
    this.r.machine = act.state;
    this.r.stage = act.stage;
    this.r.status = act.status;
    this.r.percent = act.percent;
    this.record({ actor: 'operator', action: 'start', reasons: [`rollout ${spec.id} started`, ...spec.notes, ...(act.reasons || [])] }, true);
    await this.persist();
    await this.state.storage.setAlarm(now + spec.evaluationIntervalMs);
    return this.workerState();
  }

  async control(kind, reason) {
    const r = this.r;
    if (!r || !r.rollout) throw Object.assign(new Error('no rollout has been started'), { status: 409 });
    const now = Date.now();
    const before = { stage: r.stage, percent: r.percent, status: r.status };
    const final = r.status === 'rolledBack' || r.status === 'completed';
    if (kind === 'pause') {
      if (r.status !== 'running') throw Object.assign(new Error(`cannot pause a ${r.status} rollout`), { status: 409 });
      r.status = 'paused';
    } else if (kind === 'resume') {
      if (r.status !== 'paused') throw Object.assign(new Error(`cannot resume a ${r.status} rollout`), { status: 409 });
      r.status = 'running';
    } else if (kind === 'rollback') {
      if (final && r.status === 'rolledBack') throw Object.assign(new Error('already rolled back'), { status: 409 });
      r.status = 'rolledBack';
      r.percent = 0;
      r.ramp = null;
    }
    r.machine = { ...r.machine, status: r.status };
    r.version++;
    if (kind === 'rollback') this.newWindow(now);
    this.record({ actor: 'operator', action: kind, from: before, reasons: [reason || `${kind} requested by an operator`] }, true);
    await this.persist();
    if (r.status === 'running' || r.status === 'paused') {
      await this.state.storage.setAlarm(now + r.rollout.evaluationIntervalMs);
    }
    return this.workerState();
  }

  // --- reporting -----------------------------------------------------------------------------------

  status() {
    const r = this.r;
    if (!r) return { state: { status: 'idle' }, history: [] };
    const view = (arms) => Object.fromEntries(ARMS.map((a) => [a, armSummary(arms[a])]));
    const wire = (arms, f) => Object.fromEntries(ARMS.map((a) => [a, f(arms[a])]));
    return {
      rollout: r.rollout,
      state: {
        status: r.status,
        stage: r.stage,
        percent: r.percent,
        servingPercent: r.ramp ? r.ramp.from : r.percent,
        next: r.ramp ? { percent: r.percent, at: new Date(r.ramp.at).toISOString() } : null,
        version: r.version,
        window: r.windowId,
        windowStartedAt: new Date(r.windowStartedAt).toISOString(),
        machine: r.machine,
      },
      metrics: { window: view(this.live.window), total: view(this.live.total) },
      sketches: {
        window: wire(this.live.window, (a) => (a.sketch ? engine.sketchToWire(a.sketch) : null)),
        total: wire(this.live.total, (a) => (a.sketch ? engine.sketchToWire(a.sketch) : null)),
      },
      mismatches: {
        window: wire(this.live.window, (a) => (a.report ? engine.reportToWire(a.report) : null)),
        total: wire(this.live.total, (a) => (a.report ? engine.reportToWire(a.report) : null)),
      },
      mismatchVerdicts: {
        window: wire(this.live.window, (a) => verdictsOf(a, r.rollout.shadow)),
        total: wire(this.live.total, (a) => verdictsOf(a, r.rollout.shadow)),
      },
      srm: r.srm,
      lastAnalysis: r.lastAnalysis,
      isolates: r.isolates,
      counters: r.counters,
      lateReports: r.late,
      rejectedParts: r.rejectedParts || 0, // sketches or reports in summaries the core rejected
      history: r.history,
    };
  }

  // --- storage -------------------------------------------------------------------------------------

  async persist() {
    if (!this.r) return;
    const r = this.r;
    r.seen = [...this.seen].slice(-1024);
    r.arms = {
      window: Object.fromEntries(ARMS.map((a) => [a, armToWire(this.live.window[a])])),
      total: Object.fromEntries(ARMS.map((a) => [a, armToWire(this.live.total[a])])),
    };
    this.dirty = false;
    this.persistedAt = Date.now();
    await storeChunked(this.state.storage, KEY, r);
  }

  rehydrate(r) {
    const live = { window: emptyArms(), total: emptyArms() };
    for (const part of ['window', 'total']) {
      for (const a of ARMS) if (r.arms && r.arms[part] && r.arms[part][a]) mergeArm(live[part][a], r.arms[part][a]);
    }
    return live;
  }
}

// --- helpers -------------------------------------------------------------------------------------------

// Durable Object storage limits one value to 128 KiB; the record (history, sketches, mismatch
// reports) can be larger, so it is stored as JSON text in chunks under KEY#0, KEY#1, ... with the
// chunk count under KEY. One put() call writes them atomically (at most 128 keys per call).
// 40 Ki characters stay under the limit even if every character took 3 bytes.
const CHUNK = 40 * 1024;

async function storeChunked(storage, key, value) {
  const text = JSON.stringify(value);
  const n = Math.ceil(text.length / CHUNK) || 1;
  if (n > 120) throw new Error(`coordinator state too large to persist (${text.length} bytes)`);
  const entries = { [key]: { chunks: n } };
  for (let i = 0; i < n; i++) entries[`${key}#${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  await storage.put(entries);
}

async function loadChunked(storage, key) {
  const head = await storage.get(key);
  if (!head || !Number.isInteger(head.chunks)) return null;
  const keys = Array.from({ length: head.chunks }, (_, i) => `${key}#${i}`);
  const parts = await storage.get(keys);
  return JSON.parse(keys.map((k) => parts.get(k)).join(''));
}

function emptyArms() {
  return { stable: newArm(), canary: newArm() };
}

function freeArms(arms) {
  for (const a of ARMS) {
    engine.freeSketch(arms[a].sketch);
    engine.freeReport(arms[a].report);
  }
}

const count = (x) => (Number.isFinite(x) && x >= 0 ? Math.floor(x) : 0);

/**
 * Adds one worker summary (wire form) into a live aggregate. Counts always merge; a sketch or
 * report the core rejects is skipped and counted in `problems` (when given), so one bad part
 * never loses a batch's counts.
 */
function mergeArm(into, a, problems) {
  into.requests += count(a.requests);
  into.newUnits += count(a.newUnits);
  into.errors += count(a.errors);
  into.networkErrors += count(a.networkErrors);
  for (const k of Object.keys(into.statuses)) into.statuses[k] += count(a.statuses && a.statuses[k]);
  for (const k of Object.keys(into.shadow)) into.shadow[k] += count(a.shadow && a.shadow[k]);
  if (a.latency) {
    try {
      const s = engine.sketchFromWire(a.latency);
      if (into.sketch) {
        try {
          into.sketch.merge(s);
        } finally {
          engine.freeSketch(s);
        }
      } else into.sketch = s;
    } catch (e) {
      if (problems) problems.push('latency: ' + engine.describeError(e));
    }
  }
  if (a.mismatches) {
    try {
      const m = engine.reportFromWire(a.mismatches);
      if (into.report) {
        try {
          engine.mergeReport(into.report, m);
        } finally {
          engine.freeReport(m);
        }
      } else into.report = m;
    } catch (e) {
      if (problems) problems.push('mismatches: ' + engine.describeError(e));
    }
  }
}

/** Per-field verdicts of an arm's merged report (real regression or noise), or null. */
function verdictsOf(a, shadow) {
  if (!a.report) return null;
  try {
    return engine.reportVerdicts(a.report, shadow && shadow.thresholds);
  } catch (e) {
    return { error: engine.describeError(e) };
  }
}

function armToWire(a) {
  return {
    requests: a.requests,
    newUnits: a.newUnits,
    statuses: a.statuses,
    errors: a.errors,
    networkErrors: a.networkErrors,
    shadow: a.shadow,
    latency: a.sketch ? engine.sketchToWire(a.sketch) : null,
    mismatches: a.report ? engine.reportToWire(a.report) : null,
  };
}

function armSummary(a) {
  return {
    requests: a.requests,
    newUnits: a.newUnits,
    errors: a.errors,
    errorRate: a.requests ? a.errors / a.requests : null,
    networkErrors: a.networkErrors,
    statuses: a.statuses,
    latencyMs: a.sketch ? engine.sketchSummary(a.sketch) : { count: 0 },
    shadow: a.shadow,
  };
}

/** The judge's view of one arm: {"metrics": {name: data}} (canary.hpp). */
/** The metrics a worker measures and flushes (see judgeInput). */
const MEASURED = new Set(['errorRate', 'latency']);

function unmeasuredIn(plan, stage) {
  const config = engine.stageCanaryConfig(plan, stage);
  return (config.metrics || []).map((m) => m.name).filter((n) => !MEASURED.has(n));
}

/**
 * An explicit plan that gates on a metric the edge never sees would hold every stage until its
 * maximum window and then roll back a healthy canary: refuse it at start, naming the gate.
 */
function requireMeasuredGates(plan, bad) {
  plan.stages.forEach((stage, i) => {
    const missing = unmeasuredIn(plan, i);
    if (missing.length) {
      throw Object.assign(
        bad(`stage ${i} (${stage.name || i}) gates on ${missing.join(', ')}, which the edge does not measure ` +
          `(it measures ${[...MEASURED].join(' and ')}): remove the gate, or judge that metric where it is measured`),
        { pointer: `/plan/stages/${i}/gates` },
      );
    }
  });
}

/**
 * rollgate's default plans also gate on business metrics (conversion) that a backend can
 * measure but an edge proxy cannot. When the coordinator picks the default plan itself, it drops
 * those gates and says so in the start decision, rather than holding on "need more data" forever.
 */
function withoutUnmeasuredGates(plan, notes) {
  const dropped = new Set();
  plan.stages.forEach((_, i) => unmeasuredIn(plan, i).forEach((n) => dropped.add(n)));
  if (!dropped.size) return plan;
  const keep = (m) => !dropped.has(typeof m === 'string' ? m : m.name);
  const out = { ...plan };
  if (out.canary && Array.isArray(out.canary.metrics)) out.canary = { ...out.canary, metrics: out.canary.metrics.filter(keep) };
  out.stages = plan.stages.map((st) => {
    const next = { ...st };
    if (Array.isArray(st.gates)) next.gates = st.gates.filter(keep);
    else if (st.gates && Array.isArray(st.gates.metrics)) next.gates = { ...st.gates, metrics: st.gates.metrics.filter(keep) };
    if (Array.isArray(st.watch)) next.watch = st.watch.filter(keep);
    return next;
  });
  engine.validatePlan(out);
  notes.push(`default plan: dropped the ${[...dropped].join(', ')} gate${dropped.size > 1 ? 's' : ''} (not measured at the edge)`);
  return out;
}

function judgeInput(a) {
  // Names as in rollgate's default plans (errorRate, latency); a custom plan uses the same names.
  const metrics = { errorRate: { events: a.errors, total: a.requests } };
  if (a.sketch && a.sketch.count > 0) metrics.latency = engine.sketchToWire(a.sketch);
  return { metrics };
}

/** Isolates come and go by the thousand: the status lists the most recent ISOLATES_MAX. */
const ISOLATES_MAX = 500;
function forgetOldestIsolate(isolates) {
  const ids = Object.keys(isolates);
  if (ids.length < ISOLATES_MAX) return;
  let oldest = ids[0];
  for (const id of ids) if (isolates[id].lastAt < isolates[oldest].lastAt) oldest = id;
  delete isolates[oldest];
}

function addCounters(into, from) {
  if (!from || typeof from !== 'object') return;
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object') {
      into[k] ||= {};
      addCounters(into[k], v);
    } else if (Number.isFinite(v)) into[k] = (into[k] || 0) + v;
  }
}

function originOf(v, name, required) {
  if (v === undefined || v === null || v === '') {
    if (required) throw Object.assign(new Error(`${name} is required`), { status: 400 });
    return undefined;
  }
  try {
    const u = new URL(String(v));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return u.origin;
  } catch {
    throw Object.assign(new Error(`${name} must be an http(s) URL`), { status: 400 });
  }
}

/** Checks a start request and fills in defaults. Plan problems throw RollgateError (→ 400). */
function validateSpec(body, s) {
  const bad = (m) => Object.assign(new Error(m), { status: 400 });
  if (!body || typeof body !== 'object') throw bad('body must be a JSON object');
  const id = body.id === undefined ? `rollout-${Date.now()}` : body.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(id)) throw bad('id must match [A-Za-z0-9._:-]{1,100}');
  const salt = body.salt === undefined ? id : body.salt;
  if (typeof salt !== 'string' || salt.length === 0 || salt.length > 200) throw bad('salt must be a non-empty string');
  const o = body.origins || {};
  const origins = {
    stable: originOf(o.stable, 'origins.stable', false) || s.stableOrigin,
    canary: originOf(o.canary, 'origins.canary', true),
    shadow: originOf(o.shadow, 'origins.shadow', false),
  };
  let plan = body.plan;
  const notes = [];
  if (plan === undefined) {
    plan = engine.defaultPlan(body.risk || 'medium');
    engine.validatePlan(plan);
    plan = withoutUnmeasuredGates(plan, notes);
  } else {
    engine.validatePlan(plan);
    requireMeasuredGates(plan, bad);
  }
  let shadow = null;
  if (origins.shadow) {
    const sh = body.shadow || {};
    const sampleRate = sh.sampleRate === undefined ? 0.01 : sh.sampleRate;
    if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) throw bad('shadow.sampleRate must be in [0, 1]');
    const methods = sh.methods === undefined ? ['GET', 'HEAD'] : sh.methods;
    if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) throw bad('shadow.methods must be a list of strings');
    const diff = sh.diff === undefined ? {} : sh.diff;
    engine.validateDiffOptions(diff);
    const maxBodyBytes = sh.maxBodyBytes === undefined ? 1048576 : sh.maxBodyBytes;
    if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1 || maxBodyBytes > 16777216) throw bad('shadow.maxBodyBytes out of range');
    const noiseRate = sh.noiseRate === undefined ? 1 : sh.noiseRate;
    if (typeof noiseRate !== 'number' || !(noiseRate >= 0 && noiseRate <= 1)) throw bad('shadow.noiseRate must be in [0, 1]');
    if (sh.report !== undefined) engine.freeReport(engine.newMismatchReport(sh.report)); // validates the limits
    if (sh.thresholds !== undefined) {
      const probe = engine.newMismatchReport(sh.report);
      try {
        engine.reportVerdicts(probe, sh.thresholds); // validates the thresholds
      } finally {
        engine.freeReport(probe);
      }
    }
    shadow = {
      sampleRate,
      noiseRate,
      methods: methods.map((m) => m.toUpperCase()),
      diff,
      report: sh.report,
      thresholds: sh.thresholds,
      maxBodyBytes,
    };
  }
  const evaluationIntervalMs = body.evaluationIntervalMs === undefined ? DEFAULT_EVAL_MS : body.evaluationIntervalMs;
  if (!Number.isInteger(evaluationIntervalMs) || evaluationIntervalMs < 100 || evaluationIntervalMs > 3600000) {
    throw bad('evaluationIntervalMs must be an integer in [100, 3600000]');
  }
  const srmAlpha = body.srmAlpha === undefined ? 0.001 : body.srmAlpha;
  if (typeof srmAlpha !== 'number' || !(srmAlpha > 0 && srmAlpha < 1)) throw bad('srmAlpha must be in (0, 1)');
  return { id, salt, origins, plan, shadow, evaluationIntervalMs, srmAlpha, notes };
}
