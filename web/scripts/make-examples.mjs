// Writes the dashboard's built-in example data into web/public/examples/ (deterministic: a seeded
// PRNG, so re-running gives the same files). Run: npm run examples --prefix web
// The files are plain inputs (samples, plan, state, mismatch report, status snapshot); every number
// the dashboard shows from them is computed in the browser by the rollgate package.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../public/examples/', import.meta.url));
mkdirSync(out, { recursive: true });

function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261126);
const normal = () => {
  const u = 1 - rand(), v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};
const lognormal = (median, sigma) => median * Math.exp(sigma * normal());
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const bern = (p) => (rand() < p ? 1 : 0);
const write = (name, value) => writeFileSync(out + name, JSON.stringify(value, null, 2) + '\n');

// Canary samples in the judge's own input shape ({metrics: {name: data}} per arm), requests in
// arrival order. Metric names follow rollgate's default plans: latency (ms), errorRate and
// conversion (0/1 outcomes per request / session). The canary is ~6% slower; errors and
// conversion are unchanged.
const n = 1500;
const arm = (latMedian, errRate, convRate) => ({
  metrics: {
    latency: Array.from({ length: n }, () => round(lognormal(latMedian, 0.35))),
    errorRate: Array.from({ length: n }, () => bern(errRate)),
    conversion: Array.from({ length: n }, () => bern(convRate)),
  },
});
const compact = (o) => JSON.stringify(o, null, 1).replace(/\[\s+([^\]]*?)\s+\]/gs, (m, inner) => `[${inner.replace(/\s+/g, '')}]`);
writeFileSync(out + 'canary-samples.json', compact({
  description: 'Example canary window: per-request samples of the baseline and canary, in arrival order (synthetic, web/scripts/make-examples.mjs). units: units assigned to each arm, for the sample-ratio check.',
  units: { baseline: 5060, canary: 4940 },
  expectedSplit: [50, 50],
  baseline: arm(118, 0.0004, 0.12),
  canary: arm(125, 0.0004, 0.12),
}) + '\n');

// A window with a sample-ratio mismatch: 50/50 expected, 5400/4600 observed.
writeFileSync(out + 'canary-samples-srm.json', compact({
  description: 'Example with a sample-ratio mismatch: 50/50 expected, 5400/4600 units observed.',
  units: { baseline: 5400, canary: 4600 },
  expectedSplit: [50, 50],
  baseline: arm(118, 0.0004, 0.12),
  canary: arm(118, 0.0004, 0.12),
}) + '\n');

// CSV form of a small window (long format: group,metric,value).
{
  const rows = ['group,metric,value'];
  const b = arm(118, 0.0004, 0.12), c = arm(119, 0.0004, 0.12);
  for (const [g, a] of [['baseline', b], ['canary', c]])
    for (const [m, xs] of Object.entries(a.metrics)) for (const x of xs.slice(0, 400)) rows.push(`${g},${m},${x}`);
  writeFileSync(out + 'canary-samples.csv', rows.join('\n') + '\n');
}

// Rollout state (rollout.hpp's shape): stage 1 (10%) entered 70 minutes before asOfMs.
const t0 = Date.UTC(2026, 10, 26, 6, 0, 0);
const min = 60_000;
write('rollout-state.json', {
  description: 'Example rollout of new-checkout under the default medium plan: in stage 1 (10%) since 07:20.',
  flag: 'new-checkout',
  asOfMs: t0 + 150 * min,
  state: {
    stage: 1,
    stageStartMs: t0 + 80 * min,
    status: 'running',
    history: [
      { atMs: t0 + 20 * min, action: 'hold', fromStage: 0, toStage: 0, percent: 1, reason: 'minimum window of stage 0 (canary-1): 5 min of 15 min elapsed' },
      { atMs: t0 + 40 * min, action: 'hold', fromStage: 0, toStage: 0, percent: 1, reason: 'the analysis decided HOLD at stage 0 (canary-1)' },
      { atMs: t0 + 60 * min, action: 'hold', fromStage: 0, toStage: 0, percent: 1, reason: 'the analysis decided HOLD at stage 0 (canary-1)' },
      { atMs: t0 + 80 * min, action: 'advance', fromStage: 0, toStage: 1, percent: 10, reason: 'the analysis passed stage 0 (canary-1) after 1 h 5 min' },
      { atMs: t0 + 110 * min, action: 'hold', fromStage: 1, toStage: 1, percent: 10, reason: 'minimum window of stage 1 (canary-10): 30 min of 1 h elapsed' },
    ],
  },
});
console.log('examples written to', out);
