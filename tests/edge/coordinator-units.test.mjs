// Edge suite: the coordinator's storage rules in Node, without workerd (issue 12 #1). The
// Coordinator class runs on a fake Durable Object state whose storage can be made to fail. Proves:
// a failed save never stops the loop (the alarm evaluates and reschedules itself, flushes are
// still acknowledged with their counts merged, the failure is counted and visible, and the next
// save stores everything); every part of the record stays within its budget at its worst (full
// sketches, reports at the edge's caps with long paths, a full history, full source tables), so
// the whole record is under RECORD_BOUND; batches are counted once however they are retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coordinator } from '../../edge/cloudflare/src/coordinator.js';
import * as engine from '../../edge/cloudflare/src/engine.js';
import { BUDGET, RECORD_BOUND, REPORT_CAPS, HISTORY_MAX, ISOLATES_MAX, DEDUPE_MAX, ID_MAX, TIMING_NAMES_MAX, storedReport, storedSketch } from '../../edge/cloudflare/src/coordinator/bounds.js';
import { Dedupe, parseBatchId } from '../../edge/cloudflare/src/coordinator/dedupe.js';
import { loadChunked } from '../../edge/cloudflare/src/coordinator/storage.js';
import { newArm } from '../../edge/cloudflare/src/metrics.js';
import * as h from './support/harness.mjs';

const ENV = {
  ROLLGATE_STABLE_ORIGIN: 'http://stable.test',
  ROLLGATE_ADMIN_TOKEN: h.TOKEN,
  ROLLGATE_COOKIE_SECRET: h.COOKIE_SECRET,
  ROLLGATE_OVERRIDE_SECRET: h.OVERRIDE_SECRET,
  ROLLGATE_FLUSH_MS: '100', // commits at most every 100 ms
};

/** A Durable Object state: key-value storage (which fails while `failing`), one alarm. */
function fakeState() {
  const data = new Map();
  const st = {
    failing: false,
    alarm: null,
    alarms: 0,
    puts: 0,
    data,
    storage: {
      async get(k) {
        if (Array.isArray(k)) return new Map(k.map((x) => [x, data.get(x)]));
        return data.get(k);
      },
      async put(entries) {
        if (st.failing) throw new Error('storage unavailable (test)');
        for (const [k, v] of Object.entries(entries)) data.set(k, structuredClone(v));
        st.puts++;
      },
      async setAlarm(t) {
        st.alarm = t;
        st.alarms++;
      },
      async getAlarm() {
        return st.alarm;
      },
    },
    blockConcurrencyWhile(fn) {
      st.ready = fn();
      return st.ready;
    },
  };
  return st;
}

async function coordinator(state = fakeState()) {
  const c = new Coordinator(state, { ...ENV, ROLLGATE_COORDINATOR: { idFromName() {}, get() {} } });
  await state.ready;
  return { c, state };
}

const call = async (c, method, path, body) => {
  const r = await c.fetch(new Request(`https://coordinator${path}`, {
    method,
    headers: { authorization: `Bearer ${h.TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  return { status: r.status, body: await r.json() };
};

/** One isolate's flush (the worker's wire format), with `n` requests per arm. */
function flush(isolate, seq, rollout, window, n, errors = 0) {
  const arm = (k) => {
    const sk = engine.newSketch();
    for (let i = 0; i < n; i++) sk.add(10 + i);
    const wire = engine.sketchToWire(sk);
    engine.freeSketch(sk);
    return { ...newArm(), requests: n, errors: k === 'canary' ? errors : 0, statuses: { ...newArm().statuses, '2xx': n - (k === 'canary' ? errors : 0), '5xx': k === 'canary' ? errors : 0 }, latency: wire, mismatches: null, sketch: undefined, report: undefined };
  };
  return { isolate, batch: `${isolate}:${seq}`, sentAt: Date.now(), counters: {}, windows: [{ rollout, window, arms: { stable: arm('stable'), canary: arm('canary') } }] };
}

test('issue 12 #1: a failed save never stops the alarm: it evaluates and reschedules, flushes are acknowledged and merged, the failure is counted, and the next save stores everything', async () => {
  const { c, state } = await coordinator();
  const started = await call(c, 'POST', '/__rollgate/start', { id: 'f', origins: { canary: 'http://canary.test' }, plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }), evaluationIntervalMs: 200 });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  state.failing = true;
  const alarmsBefore = state.alarms;
  // Flushes are answered 200 although nothing can be stored: their counts are merged in memory.
  for (let i = 1; i <= 3; i++) {
    const r = await call(c, 'POST', '/__rollgate/internal/report', flush('iso-a', i, 'f', 1, 40, 20));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  // The alarm still evaluates (the failing canary is rolled back) and still reschedules itself.
  await c.alarm();
  let st = (await call(c, 'GET', '/__rollgate/status')).body;
  assert.equal(st.state.status, 'rolledBack', JSON.stringify(st.history.at(-1)));
  assert.equal(st.metrics.total.canary.requests, 120);
  assert.ok(st.storage.saveErrors >= 4, JSON.stringify(st.storage));
  assert.match(st.storage.lastError, /storage unavailable/);
  assert.equal(st.storage.dirty, true);
  // A running rollout's alarm is rescheduled even though its save failed.
  const { c: c2, state: s2 } = await coordinator();
  await call(c2, 'POST', '/__rollgate/start', { id: 'g', origins: { canary: 'http://canary.test' }, plan: h.testPlan({ minDurationMs: 3600000, percents: [50, 100] }), evaluationIntervalMs: 200 });
  s2.failing = true;
  const n = s2.alarms;
  await c2.alarm();
  await c2.alarm();
  assert.equal(s2.alarms, n + 2, 'every alarm set the next one');
  assert.ok(state.alarms >= alarmsBefore);
  // Storage comes back: the next save holds everything merged meanwhile.
  state.failing = false;
  await call(c, 'POST', '/__rollgate/internal/report', flush('iso-a', 4, 'f', 1, 10));
  st = (await call(c, 'GET', '/__rollgate/status')).body;
  assert.equal(st.storage.dirty, false);
  const stored = await loadChunked(state.storage, 'rollout');
  assert.equal(stored.arms.total.canary.requests, 130);
  assert.equal(stored.machine.status, 'rolledBack');
  // A restart from that record goes on with the same totals and the same dedupe table.
  const { c: again } = await coordinator(state);
  const dup = await call(again, 'POST', '/__rollgate/internal/report', flush('iso-a', 4, 'f', 1, 10));
  assert.equal(dup.body.duplicate, true);
  assert.equal((await call(again, 'GET', '/__rollgate/status')).body.metrics.total.canary.requests, 130);
});

test('dedupe: a batch counts once however often or late it is re-sent; a source is forgotten only beyond DEDUPE_MAX', () => {
  assert.deepEqual(parseBatchId('3f1c-uuid:12'), { source: '3f1c-uuid', seq: 12 });
  assert.deepEqual(parseBatchId('agg3.ab12cd34:7'), { source: 'agg3.ab12cd34', seq: 7 });
  for (const bad of ['', 'x', ':1', 'a:0', 'a:-1', 'a:1.5', 'a:x', `${'s'.repeat(ID_MAX + 1)}:1`, 7, null]) assert.equal(parseBatchId(bad), null, String(bad));
  const d = new Dedupe();
  assert.equal(d.seen('a', 1), false);
  d.accept('a', 1, 0);
  assert.equal(d.seen('a', 1), true, 'a retry');
  d.accept('a', 3, 0); // 2 was given up by the isolate
  assert.equal(d.seen('a', 2), true);
  assert.equal(d.seen('a', 4), false);
  const again = new Dedupe(d.entries());
  assert.equal(again.seen('a', 3), true, 'the table survives storage');
  for (let i = 0; i < DEDUPE_MAX; i++) again.accept(`s${i}`, 1, 1);
  assert.equal(again.stats().sources, DEDUPE_MAX);
  assert.equal(again.seen('a', 3), false, 'forgotten: the least recently merged source goes first');
  assert.equal(again.stats().evictedEarly, 1, 'and it is counted, as it was within the horizon');
});

test('report limits above the edge caps are refused at start; the defaults are the edge\'s', async () => {
  const { c } = await coordinator();
  const base = { id: 'caps', origins: { canary: 'http://canary.test', shadow: 'http://shadow.test' }, plan: h.testPlan() };
  for (const [k, cap] of Object.entries(REPORT_CAPS)) {
    const r = await call(c, 'POST', '/__rollgate/start', { ...base, shadow: { report: { [k]: cap + 1 } } });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.pointer, `/shadow/report/${k}`);
  }
  const ok = await call(c, 'POST', '/__rollgate/start', base);
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.shadow.report, { maxPaths: 200, maxExamples: 2, maxExampleLength: 120 });
  const big = await call(c, 'POST', '/__rollgate/start', { ...base, plan: { ...h.testPlan(), description: 'x'.repeat(BUDGET.spec) } });
  assert.equal(big.status, 413, JSON.stringify(big.body));
});

/** A report at the edge's caps, every field with its examples, paths `pathChars` long. */
function fullReport(pathChars) {
  const rep = engine.newMismatchReport(REPORT_CAPS);
  const enc = new TextEncoder();
  // Example texts full of characters JSON escapes: the longest stored form of an example.
  const body = (tag) => {
    const o = {};
    for (let i = 0; i < REPORT_CAPS.maxPaths; i++) o[String(i).padStart(pathChars, 'p')] = `"\\${tag}`.repeat(200);
    return enc.encode(JSON.stringify(o));
  };
  for (let k = 0; k < REPORT_CAPS.maxExamples + 1; k++) {
    engine.compareInto(rep, { status: 200, headers: [['content-type', 'application/json']], body: body('a' + k) }, { status: 200, headers: [['content-type', 'application/json']], body: body('b' + k) }, null, {});
  }
  return rep;
}

/** A sketch with every bucket of both signs used, counts near the 2^53 limit. */
function fullSketch() {
  const s = engine.newSketch();
  for (let i = 0; i < 2048; i++) {
    const v = 1e-9 * 1.0202 ** i;
    s.add(v);
    s.add(-v);
  }
  for (let i = 0; i < 40; i++) s.merge(s); // counts × 2^40
  return s;
}

/** A Server-Timing sketch (the edge's timing parameters) with every bucket of both signs used. */
function fullTimingSketch() {
  const s = engine.newTimingSketch();
  for (let i = 0; i < engine.TIMING_SKETCH_BUCKETS; i++) {
    const v = 1e-3 * 1.0202 ** i;
    s.add(v);
    s.add(-v);
  }
  for (let i = 0; i < 40; i++) s.merge(s); // counts × 2^40
  return s;
}

test('issue 12 #1: every part of the record stays within its budget at its worst, and the whole record under RECORD_BOUND', async () => {
  const sk = fullSketch();
  const sketchChars = storedSketch(sk).length;
  assert.ok(sketchChars <= BUDGET.sketch, `sketch ${sketchChars} > ${BUDGET.sketch}`);
  const tsk = fullTimingSketch();
  const timingChars = storedSketch(tsk).length;
  engine.freeSketch(tsk);
  assert.ok(timingChars <= BUDGET.timingSketch && timingChars > BUDGET.timingSketch / 2, `timing sketch ${timingChars} vs ${BUDGET.timingSketch}`);
  // Reports at the caps with short paths: with examples they exceed the totals' budget, so the
  // examples are dropped (counted); without, they fit.
  const short = fullReport(8);
  const withEx = storedReport(short, true);
  assert.ok(withEx.text.length <= BUDGET.report, `${withEx.text.length}`);
  assert.equal(withEx.trimmed, 'examples');
  const noEx = storedReport(short, false);
  assert.ok(noEx.text.length <= BUDGET.reportNoExamples);
  assert.equal(noEx.trimmed, null, 'windows are stored without examples by rule, not trimmed');
  assert.ok(Object.keys(JSON.parse(noEx.text).fields).length === REPORT_CAPS.maxPaths);
  // Paths as long as member names can be: even without examples too large, so not stored.
  const long = fullReport(2000);
  const omitted = storedReport(long, true);
  assert.equal(omitted.trimmed, 'omitted');
  assert.equal(omitted.text, 'null');

  // A coordinator with everything at its worst.
  const { c } = await coordinator();
  const r0 = await call(c, 'POST', '/__rollgate/start', { id: 'worst', origins: { canary: 'http://canary.test', shadow: 'http://shadow.test' }, shadow: { report: REPORT_CAPS }, plan: h.testPlan({ minDurationMs: 3600000 }) });
  assert.equal(r0.status, 200, JSON.stringify(r0.body));
  for (const part of ['window', 'total']) {
    for (const arm of ['stable', 'canary']) {
      const a = c.live[part][arm];
      a.sketch = fullSketch();
      a.report = fullReport(8);
      // As many Server-Timing names as the edge stores per arm, each sketch full.
      a.timing = Object.fromEntries(Array.from({ length: TIMING_NAMES_MAX }, (_, k) => [`name${k}`, fullTimingSketch()]));
    }
  }
  for (let i = 0; i < HISTORY_MAX + 50; i++) {
    c.record({ actor: 'operator', action: i % 2 ? 'pause' : 'resume', reasons: Array.from({ length: 20 }, () => 'r'.repeat(1000)), counts: { stable: 2 ** 52, canary: 2 ** 52, stableErrors: 2 ** 52, canaryErrors: 2 ** 52 } }, true);
  }
  for (let i = 0; i < ISOLATES_MAX + 10; i++) c.source(String(i).padStart(ID_MAX, 'i'), Date.now() + i);
  for (let i = 0; i < DEDUPE_MAX + 10; i++) c.dedupe.accept(String(i).padStart(ID_MAX, 'd'), Number.MAX_SAFE_INTEGER, Date.now() + i);
  c.r.lastAnalysis = { decision: 'HOLD', score: 50, reasons: ['x'], metrics: Array.from({ length: 2000 }, (_, i) => ({ name: `m${i}`, detail: 'd'.repeat(100) })) };
  const text = c.serialise();
  const rec = JSON.parse(text);
  const size = (v) => JSON.stringify(v).length;
  assert.ok(size(rec.history) <= BUDGET.history, `history ${size(rec.history)}`);
  assert.ok(rec.history.length < HISTORY_MAX, 'the budget, not the count, limited the history');
  assert.ok(size(rec.isolates) <= BUDGET.sources, `sources ${size(rec.isolates)}`);
  assert.ok(size(rec.dedupe) <= BUDGET.dedupe, `dedupe ${size(rec.dedupe)}`);
  assert.ok(size(rec.lastAnalysis) <= BUDGET.analysis && rec.lastAnalysis.truncated);
  assert.ok(size(rec.counters) <= BUDGET.counters);
  assert.ok(size(rec.action) <= BUDGET.action, `action ${size(rec.action)}`);
  assert.ok(size(rec.rollout) <= BUDGET.spec);
  for (const part of ['window', 'total']) {
    for (const arm of ['stable', 'canary']) {
      assert.ok(size(rec.arms[part][arm].latency) <= BUDGET.sketch);
      assert.equal(Object.keys(rec.arms[part][arm].timing).length, TIMING_NAMES_MAX);
      for (const v of Object.values(rec.arms[part][arm].timing)) assert.ok(size(v) <= BUDGET.timingSketch);
      assert.ok(size(rec.arms[part][arm].mismatches) <= (part === 'window' ? BUDGET.reportNoExamples : BUDGET.report));
    }
  }
  assert.deepEqual(c.r.trimmed, { examples: 2 }, 'the totals\' examples were dropped, and counted');
  console.log(`# worst-case record: ${text.length} characters (bound ${RECORD_BOUND}); history ${size(rec.history)}, sketches ${size(rec.arms.total.stable.latency)} each, reports ${size(rec.arms.total.stable.mismatches)} (total) / ${size(rec.arms.window.stable.mismatches)} (window), dedupe ${size(rec.dedupe)}`);
  assert.ok(text.length <= RECORD_BOUND, `${text.length} > ${RECORD_BOUND}`);
});
