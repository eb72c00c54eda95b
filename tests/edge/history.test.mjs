// Edge suite: the coordinator's memory of rollouts for the dashboard (coordinator/history.js), in
// Node without workerd: the series is bounded, a finished rollout is archived once with its
// summary and saved report, a superseded one too, the list is bounded, reports keep within their
// size, the routes answer, storage failures are counted and never thrown, and the blast radius
// counts the canary's reach from the first window with a metric judged worse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RolloutHistory, blastRadius, SERIES_MAX, ROLLOUTS_MAX } from '../../edge/cloudflare/src/coordinator/history.js';
import { loadChunked } from '../../edge/cloudflare/src/coordinator/storage.js';

function storage() {
  const data = new Map();
  return {
    data,
    failing: false,
    async get(k) {
      if (Array.isArray(k)) return new Map(k.map((x) => [x, data.get(x)]));
      return data.get(k);
    },
    async put(entries) {
      if (this.failing) throw new Error('storage down');
      for (const [k, v] of Object.entries(entries)) data.set(k, v);
    },
  };
}

const arm = (requests, errors, p90) => ({ requests, errors, newUnits: Math.round(requests / 2), sketch: { p90 } });
const summary = (a) => ({ p50: a.sketch.p90 / 2, p90: a.sketch.p90, p99: a.sketch.p90 * 2 });
const step = (action, metrics) => ({ action: { action, reasons: [`${action} because`] }, analysis: { decision: action === 'rollback' ? 'ROLLBACK' : 'PASS', score: 100, metrics }, srm: { checked: true, pValue: 0.5, failed: false } });
const metric = (name, classification, estimate) => ({ name, classification, critical: true, direction: 'increase', estimate, interval: [estimate - 1, estimate + 1] });

function record(id, status, history = []) {
  return { rollout: { id, startedAt: '2026-12-01T10:00:00.000Z', plan: { stages: [{}, {}, {}] } }, action: { status, stage: 1, reasons: ['done'] }, history };
}

test('the series keeps what each evaluation saw and decided, at most SERIES_MAX windows', () => {
  const h = new RolloutHistory(storage());
  for (let i = 0; i < SERIES_MAX + 7; i++) h.window(null, step('hold', [metric('latency', 'Pass', 1)]), { stable: arm(100, 1, 12), canary: arm(10, 0, 13) }, { stage: 0, percent: 10, window: i }, summary);
  assert.equal(h.series.length, SERIES_MAX);
  const w = h.series.at(-1);
  assert.equal(w.window, SERIES_MAX + 6);
  assert.deepEqual(w.stable, { requests: 100, errors: 1, units: 50, p50: 6, p90: 12, p99: 24 });
  assert.deepEqual(w.metrics[0], { name: 'latency', classification: 'Pass', critical: true, direction: 'increase', estimate: 1, interval: [0, 2] });
  assert.deepEqual(w.srm, { pValue: 0.5, failed: false });
});

test('a finished rollout is archived once, with its summary and report; the routes answer it', async () => {
  const st = storage();
  const h = new RolloutHistory(st);
  h.window(null, step('rollback', [metric('errorRate', 'High', 0.2)]), { stable: arm(200, 0, 12), canary: arm(196, 3, 150) }, { stage: 1, percent: 50, window: 4 }, summary);
  const r = record('r1', 'rolledBack', [{ at: '2026-12-01T10:00:00.000Z', stage: 0, action: 'start', reasons: ['started'] }, { at: '2026-12-01T10:05:00.000Z', stage: 1, action: 'rollback', actor: 'coordinator', reasons: ['errorRate failed'] }]);
  const coord = { r, status: () => ({ state: { status: 'rolledBack' }, series: h.series }) };
  await h.save(coord);
  await h.save(coord); // archived once only
  assert.equal(h.list.length, 1);
  const { status, body } = h.route('rollouts');
  assert.equal(status, 200);
  assert.deepEqual(body.rollouts, [{ id: 'r1', startedAt: '2026-12-01T10:00:00.000Z', endedAt: '2026-12-01T10:05:00.000Z', durationMs: 300000, outcome: 'rolledBack', stagesReached: 1, stages: 3, reason: 'errorRate failed', index: 0 }]);
  const rep = h.route('rollouts/0').body;
  assert.equal(rep.format, 'rollgate.rollout_report');
  assert.equal(rep.status.series[0].canary.p90, 150);
  assert.equal(h.route('rollouts/1').status, 404);
  // Stored: a restarted coordinator finds the list and knows what it archived.
  const again = new RolloutHistory(st);
  await again.load();
  assert.equal(again.list.length, 1);
  assert.equal(again.isArchived(r.rollout), true);
  assert.equal((await loadChunked(st, 'series')).length, 1);
});

test('a rollout replaced before it finished is archived as superseded; the list is bounded', async () => {
  const h = new RolloutHistory(storage());
  for (let i = 0; i < ROLLOUTS_MAX + 3; i++) {
    const r = record(`r${i}`, 'running');
    r.rollout.startedAt = new Date(Date.UTC(2026, 11, 1, 10, i)).toISOString();
    h.begin(r, { state: { status: 'running' } });
  }
  assert.equal(h.list.length, ROLLOUTS_MAX);
  assert.equal(h.list[0].summary.id, `r${ROLLOUTS_MAX + 2}`);
  assert.equal(h.list[0].summary.outcome, 'superseded');
  assert.equal(h.series.length, 0, 'a new rollout starts a new series');
});

test('a big report loses its heavy parts first, then the oldest windows, to stay within its size', () => {
  const h = new RolloutHistory(storage());
  for (let i = 0; i < SERIES_MAX; i++) h.window(null, step('hold', [metric('latency', 'Pass', 1)]), { stable: arm(1, 0, 1), canary: arm(1, 0, 1) }, { stage: 0, percent: 1, window: i }, summary);
  const big = 'x'.repeat(300 * 1024);
  h.archive(record('big', 'completed'), { sketches: big, mismatchVerdicts: { ok: true }, series: h.series });
  const rep = h.list[0].report;
  assert.equal(rep.status.sketches, undefined);
  assert.deepEqual(rep.status.mismatchVerdicts, { ok: true });
  assert.ok(JSON.stringify(rep).length <= 120 * 1024, String(JSON.stringify(rep).length));
  assert.ok(rep.status.series.length > 10 && rep.status.series.length <= SERIES_MAX);
  assert.equal(rep.status.series.at(-1).window, SERIES_MAX - 1, 'the newest windows are kept');
});

test('a failed save is counted, never thrown, and the next one stores everything', async () => {
  const st = storage();
  const h = new RolloutHistory(st);
  st.failing = true;
  const coord = { r: record('f', 'completed'), status: () => ({}) };
  await h.save(coord);
  assert.equal(h.saveErrors, 1);
  st.failing = false;
  await h.save(coord);
  assert.equal((await loadChunked(st, 'rollouts')).list.length, 1);
});

test('blast radius: the whole run, and from the first window with a metric judged worse', () => {
  const w = (i, cls, requests) => ({ at: 1000 * i, window: i, canary: { requests, units: requests / 2 }, metrics: [metric('latency', cls, 0)] });
  const series = [w(1, 'Pass', 10), w(2, 'High', 20), w(3, 'Pass', 40), w(4, 'High', 80)];
  assert.deepEqual(blastRadius(series, { requests: 500, newUnits: 200 }), { canaryRequests: 500, canaryUnits: 200, regressionAt: 2000, regressionWindow: 2, afterRegression: { requests: 140, units: 70 } });
  // Low is better for an "increase" metric: no regression.
  assert.equal(blastRadius([w(1, 'Low', 10)], null).afterRegression, null);
});

test("an arm whose exposed units sent no event of a configured name shows them exposed and not converted, as the judge read them", async () => {
  const engine = await import('../../edge/cloudflare/src/engine.js');
  await engine.initEngine();
  const { unitsSummary } = await import('../../edge/cloudflare/src/units.js');
  const withUnits = (a, fill) => {
    a.units = engine.newUnits(1000);
    fill(a.units);
    return a;
  };
  // Stable: 4 exposed units, 2 bought. Canary: 3 exposed units, none bought (the window that
  // rolled the conversion demo back at 10%: its canary sent no purchase event at all).
  const stable = withUnits(arm(8, 0, 12), (u) => {
    for (const x of ['s1', 's2', 's3', 's4']) u.expose(x);
    u.record('s1', 'purchase', 20);
    u.record('s2', 'purchase', 30);
  });
  stable.unitNames = ['purchase'];
  const canary = withUnits(arm(6, 0, 12), (u) => {
    for (const x of ['c1', 'c2', 'c3']) u.expose(x);
  });
  try {
    const h = new RolloutHistory(storage());
    h.window(null, step('rollback', [metric('conversion', 'Low', -0.5)]), { stable, canary }, { stage: 1, percent: 10, window: 3 }, summary, ['purchase']);
    const w = h.series[0];
    assert.deepEqual(w.stable.events, { purchase: { exposed: 4, converted: 2, sum: 50 } });
    assert.deepEqual(w.canary.events, { purchase: { exposed: 3, converted: 0, sum: 0 } });
    // The status' arm summary says the same.
    assert.equal(unitsSummary(canary, ['purchase']).purchase.exposed, 3);
    assert.equal(unitsSummary(canary, ['purchase']).purchase.conversion, 0);
    // Without a configured name, only the names the summary holds (none for this canary).
    h.window(null, step('hold', []), { stable, canary }, { stage: 1, percent: 10, window: 4 }, summary);
    assert.equal(h.series[1].canary.events, undefined);
    assert.deepEqual(Object.keys(h.series[1].stable.events), ['purchase']);
  } finally {
    engine.freeUnits(stable.units);
    engine.freeUnits(canary.units);
  }
});
