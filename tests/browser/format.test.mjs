// The dashboard's pure helpers in Node (issue 14): units and the one time format, the evidence of a
// finished rollout read from a coordinator status, and the report CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtTime, fmtMs, fmtRate, fmtPp, fmtBytes, fmtDiff, unitOf, statusWords, outcomeNote } from '../../web/src/format.js';
import { readStatus } from '../../web/src/status.js';
import { finishedEvidence, windowWords } from '../../web/src/evidence.js';
import { reportCsv } from '../../web/src/export.js';
import { metricWords, stageStatus } from '../../web/src/views/plan.js';

test('units: ms, rates in %, differences of rates in percentage points, sizes', () => {
  assert.equal(fmtMs(150), '150 ms');
  assert.equal(fmtMs(12.345), '12.3 ms');
  assert.equal(fmtRate(0.00067), '0.067%');
  assert.equal(fmtRate(0), '0%');
  assert.equal(fmtPp(-6.67e-4), '−0.067 pp');
  assert.equal(fmtPp(0.4444), '+44.44 pp');
  assert.equal(fmtDiff(138.2, 'ms'), '+138.2 ms');
  assert.equal(fmtBytes(27744.9 * 1024), '27.09 MiB');
  assert.equal(fmtBytes(812), '812 B');
  assert.equal(unitOf({ name: 'latency' }), 'ms');
  assert.equal(unitOf({ name: 'errorRate', kind: 'rate' }), 'rate');
  assert.equal(statusWords('rolledBack'), 'rolled back');
  assert.equal(outcomeNote({ classification: 'NoData', baselineCount: 1500, canaryCount: 1500 }, 'hold'), ' — inconclusive, too few samples');
  assert.equal(outcomeNote({ classification: 'NoData', baselineCount: 0, canaryCount: 0 }, 'hold'), ' — not judged, no data');
  assert.equal(metricWords({ name: 'latency', critical: true, allowedChange: { relative: 0.25, absolute: 25 }, gates: [{ stat: 'p90', max: 500 }] }), 'latency (critical): allowed rise 25% or 25 ms; p90 ≤ 500 ms');
  assert.equal(metricWords({ name: 'errorRate', kind: 'rate', allowedChange: { absolute: 0.0005 }, gates: [{ stat: 'rate', max: 0.05 }] }), 'errorRate: allowed rise 0.05 pp; rate ≤ 5%');
});

test('one time format: seconds in UTC, the date only when it is not today', () => {
  const t = Date.UTC(2026, 11, 1, 14, 3, 7);
  assert.equal(fmtTime(t, t + 1000), '14:03:07 UTC');
  assert.equal(fmtTime(t, t + 86_400_000), '2026-12-01 14:03:07 UTC');
  assert.equal(fmtTime('2026-12-01T14:03:08.500Z', t), '14:03:08 UTC');
});

test('plan status words after a rollback and a completion', () => {
  assert.deepEqual([0, 1, 2].map((i) => stageStatus(i, 1, 'rolledBack')), ['done ✓', 'rolled back here ✕', 'not reached']);
  assert.deepEqual([0, 1].map((i) => stageStatus(i, 1, 'completed')), ['done ✓', 'done ✓']);
  assert.equal(stageStatus(1, 1, 'paused'), 'current, paused ‖');
});

const arm = (requests, errors, p90) => ({ requests, errors, units: 0, p50: null, p90, p99: null });
const w = (window, action, stable, canary) => ({ at: 1000 * window, window, stage: 2, percent: 50, action, verdict: action === 'rollback' ? 'ROLLBACK' : 'HOLD', score: null, reasons: [], stable, canary, metrics: [{ name: 'latency', classification: action === 'rollback' ? 'High' : 'Pass', critical: true, direction: 'increase', estimate: 138, interval: [120, 160] }], srm: null });

test('the evidence of a rollback: the decisive entry, its window (not the empty current one) and analysis', () => {
  const status = readStatus({
    rollout: { id: 'r', plan: { stages: [] } },
    state: { status: 'rolledBack', stage: 2, servingPercent: 0, machine: { stage: 2, status: 'rolledBack', history: [] } },
    metrics: { window: { stable: { requests: 0, errors: 0 }, canary: { requests: 0, errors: 0 } } },
    srm: { checked: false },
    history: [{ at: '2026-12-01T10:00:00Z', action: 'hold', actor: 'coordinator', reasons: ['min window'] }, { at: '2026-12-01T10:00:10Z', action: 'rollback', actor: 'coordinator', verdict: 'ROLLBACK', stage: 2, reasons: ['latency failed'] }],
    series: [w(4, 'hold', arm(200, 0, 12), arm(190, 0, 13)), w(5, 'rollback', arm(204, 0, 12), arm(196, 3, 150))],
    lastAnalysis: { decision: 'ROLLBACK', score: 0, metrics: [] },
  });
  assert.equal(status.finished, true);
  assert.equal(status.judgeInput?.units, undefined, 'no sample-ratio input for a window the core did not check');
  const ev = finishedEvidence(status);
  assert.equal(ev?.entry?.reason, 'latency failed');
  assert.equal(ev?.window?.window, 5);
  assert.equal(ev?.byOperator, false);
  assert.deepEqual(windowWords(/** @type {any} */ (ev?.window), fmtMs, (n) => n.toLocaleString('en-US')), ['canary p90 150 ms against 12 ms on stable', 'canary 3 errors in 196 requests against 0 in 204 on stable']);
  // A running rollout has no evidence; its checked window keeps its SRM input.
  const running = readStatus({ state: { status: 'running', stage: 0 }, metrics: { window: { stable: { requests: 9, errors: 0 }, canary: { requests: 1, errors: 0 } } }, srm: { checked: true, stableUnits: 9, canaryUnits: 1, canaryPercent: 10, alpha: 0.001 } });
  assert.equal(finishedEvidence(running), null);
  assert.deepEqual(running.judgeInput?.units, { baseline: 9, canary: 1 });
  assert.deepEqual(running.judgeInput?.expectedSplit, [90, 10]);
});

test('report CSV: one row per window, every arm and metric column, quoted where needed', () => {
  const csv = reportCsv([w(5, 'rollback', arm(204, 0, 12), arm(196, 3, 150))]).trim().split('\n');
  assert.equal(csv.length, 2);
  assert.equal(csv[0], 'window,time,stage,traffic_percent,action,verdict,score,stable_requests,stable_errors,stable_units,stable_p50_ms,stable_p90_ms,stable_p99_ms,canary_requests,canary_errors,canary_units,canary_p50_ms,canary_p90_ms,canary_p99_ms,latency_outcome,latency_estimate,latency_lower,latency_upper');
  assert.equal(csv[1], '5,1970-01-01T00:00:05.000Z,2,50,rollback,ROLLBACK,,204,0,0,,12,,196,3,0,,150,,High,138,120,160');
});
