// The dashboard's input handling (web/src/data.js, status.js, pointer.js, plot.js), in Node: the pure parsing a dropped file or a
// polled status goes through before the package sees it. No browser needed; every expectation is
// written from the file formats in docs/dashboard.md and docs/edge.md, not from our own output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './helpers.mjs';
import { parseSamples, detectKind, InputError } from '../../web/src/data.js';
import { readStatus } from '../../web/src/status.js';
import { locatePointer } from '../../web/src/pointer.js';
import { ecdfGrid, cdfFromQuantiles } from '../../web/src/plot.js';

const examples = join(root, 'web', 'public', 'examples');

test('CSV samples: long and wide forms, group aliases, bad rows rejected with their line', () => {
  const long = parseSamples('group,metric,value\nbaseline,latency,10\ncontrol,latency,12\ncanary,latency,11\ntreatment,errors,1\nbaseline,errors,0\n');
  assert.deepEqual(long.baseline, { latency: [10, 12], errors: [0] });
  assert.deepEqual(long.canary, { latency: [11], errors: [1] });
  const wide = parseSamples('arm;latency;errors\nbaseline;10;0\ncanary;11;1\ncanary;12;\n');
  assert.deepEqual(wide.baseline, { latency: [10], errors: [0] });
  assert.deepEqual(wide.canary, { latency: [11, 12], errors: [1] });
  assert.throws(() => parseSamples('group,metric,value\nblue,latency,1\n'), (e) => e instanceof InputError && /line 2/.test(e.message));
  assert.throws(() => parseSamples('group,metric,value\nbaseline,latency,abc\ncanary,latency,1\n'), /not a number/);
  assert.throws(() => parseSamples('group,metric,value\nbaseline,latency,1\n'), /no metric has both/);
  assert.throws(() => parseSamples('metric,value\nlatency,1\n'), /no group column/);
});

test('JSON samples: the judge shape, the per-metric shape, counts and sketches pass through', () => {
  const a = parseSamples(JSON.stringify({ baseline: { metrics: { l: [1, 2], e: { events: 1, total: 9 } } }, canary: { metrics: { l: [3], e: { events: 2, total: 8 } } }, units: { baseline: 5, canary: 6 }, expectedSplit: [50, 50] }));
  assert.deepEqual(a.baseline.e, { events: 1, total: 9 });
  assert.deepEqual(a.units, { baseline: 5, canary: 6 });
  assert.deepEqual(a.expectedSplit, [50, 50]);
  const b = parseSamples(JSON.stringify({ metrics: { l: { baseline: [1], canary: [2] } } }));
  assert.deepEqual(b, { baseline: { l: [1] }, canary: { l: [2] } });
  assert.throws(() => parseSamples('{"baseline": {"metrics": {"l": [1, "x"]}}, "canary": {"metrics": {"l": [1]}}}'), (e) => e.pointer === '/baseline/metrics/l/1');
  assert.throws(() => parseSamples('{"baseline": '), /not valid JSON/);
});

test('every shipped example file is recognised as what the manifest loads it as', () => {
  const manifest = JSON.parse(readFileSync(join(examples, 'manifest.json'), 'utf8'));
  const seen = new Set();
  for (const set of Object.values(manifest.sets)) {
    for (const [kind, file] of Object.entries(set)) {
      if (kind === 'label' || Array.isArray(file) || seen.has(file)) continue;
      seen.add(file);
      const path = file.startsWith('repo/') ? join(root, 'examples', file.slice(5)) : join(examples, file);
      const kindSeen = detectKind(readFileSync(path, 'utf8'), file);
      // A context is only ever loaded by name (it is any JSON object).
      if (kind !== 'context') assert.equal(kindSeen, kind, file);
    }
  }
  assert.equal(detectKind(readFileSync(join(examples, 'canary-samples.csv'), 'utf8'), 'x.csv'), 'samples');
  assert.equal(detectKind(readFileSync(join(examples, 'flags-broken.json'), 'utf8'), 'f.json'), 'flags');
  for (const f of readdirSync(join(root, 'examples', 'plans'))) assert.equal(detectKind(readFileSync(join(root, 'examples', 'plans', f), 'utf8'), f), 'plan', f);
  assert.equal(detectKind('{"metrics": {"latency": [1, 2]}}', 'baseline.json'), 'baselineArm');
  assert.equal(detectKind('{"metrics": {"latency": [1, 2]}}', 'canary.json'), 'canaryArm');
  assert.equal(detectKind('{"hello": 1}', 'x.json'), 'unknown');
});

test('an edge status snapshot: plan, state machine, history, window judged from counts and sketches', () => {
  const sketch = { type: 'ddsketch', count: 3 };
  const snap = {
    rollout: { id: 'r1', plan: { stages: [{ percent: 10 }] }, srmAlpha: 0.001 },
    state: { status: 'running', stage: 0, percent: 10, machine: { stage: 0, stageStartMs: 5, status: 'running', history: [] } },
    metrics: { window: { stable: { requests: 90, errors: 1 }, canary: { requests: 10, errors: 0 } } },
    sketches: { window: { stable: sketch, canary: null } },
    mismatches: { window: { stable: null, canary: { format: 'rollgate.mismatch_report', version: 1 } } },
    srm: { checked: true, failed: false, stableUnits: 88, canaryUnits: 12, canaryPercent: 10, pValue: 0.5, alpha: 0.001 },
    lastAnalysis: { decision: 'HOLD' },
    history: [{ at: '2026-01-01T00:00:00.000Z', action: 'hold', stage: 0, percent: 10, verdict: 'HOLD', reasons: ['a', 'b'] }],
  };
  const s = readStatus(snap);
  assert.deepEqual(s.plan, snap.rollout.plan);
  assert.deepEqual(s.state, snap.state.machine);
  assert.equal(s.history[0].atMs, Date.parse('2026-01-01T00:00:00.000Z'));
  assert.equal(s.history[0].reason, 'a; b');
  assert.deepEqual(s.judgeInput.baseline, { errorRate: { events: 1, total: 90 }, latency: sketch });
  assert.deepEqual(s.judgeInput.canary, { errorRate: { events: 0, total: 10 } });
  assert.deepEqual(s.judgeInput.units, { baseline: 88, canary: 12 }); // SRM on the coordinator's basis
  assert.deepEqual(s.judgeInput.expectedSplit, [90, 10]);
  assert.equal(s.mismatch.length, 1);
  assert.equal(s.analysis.decision, 'HOLD');
  // An idle coordinator: nothing to show, nothing thrown.
  const idle = readStatus({ state: { status: 'idle' }, history: [] });
  assert.equal(idle.plan, null);
  assert.equal(idle.judgeInput, null);
  assert.equal(idle.mismatch, null);
});

test('a JSON Pointer is located in the config text (for selecting a config error)', () => {
  const text = '{\n  "flags": [\n    {"key": "a", "rules": [{"op": "near"}]},\n    {"key": "b/c~d"}\n  ],\n  "x": {"a/b": 7}\n}';
  const at = (p) => {
    const r = locatePointer(text, p);
    return r && text.slice(r[0], r[1]);
  };
  assert.equal(at('/flags/0/rules/0/op'), '"near"');
  assert.equal(at('/flags/1/key'), '"b/c~d"');
  assert.equal(at('/x/a~1b'), '7');
  assert.equal(at(''), text);
  assert.equal(at('/flags/2'), null);
  assert.equal(at('/nope'), null);
  assert.equal(locatePointer('{"a": [1, 2', '/a/5'), null); // truncated text: no crash
});

test('plot helpers: ECDFs are non-decreasing, start at 0 and end at 1', () => {
  const g = ecdfGrid([1, 2, 3, 4, 5], [2, 3, 4, 5, 6], 50);
  for (const ys of [g.baseline, g.canary]) {
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i] >= ys[i - 1]);
    assert.equal(ys[ys.length - 1], 1);
  }
  const ps = [0.1, 0.5, 0.9];
  const q = cdfFromQuantiles([1, 2, 3], [2, 3, 4], ps, 30);
  assert.equal(q.baseline[0], 0.1);
  for (let i = 1; i < q.canary.length; i++) assert.ok(q.canary[i] >= q.canary[i - 1]);
});
