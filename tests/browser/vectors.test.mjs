// The package's shared bucketing vectors (tests/vectors/bucketing.json, made from the reference
// xxHash by tests/vectors/gen/gen_bucketing.py) run in headless Chromium through the package as
// the dashboard bundles it (web/smoke.html): a browser must assign every unit exactly as the
// native core and Node do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDashboard, root } from './helpers.mjs';

const vectors = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'bucketing.json'), 'utf8'));
let env;

before(async () => {
  env = await openDashboard();
  await env.page.goto(`${env.url}smoke.html`);
  await env.page.evaluate(() => window.rollgateReady);
});
after(async () => {
  if (env) await env.close();
});

test('bucketing draws: hashes, fraction and both buckets of every vector', async () => {
  assert.equal(vectors.spec_version, 1);
  const got = await env.page.evaluate((draws) => {
    const hex = (h) => h.toString(16).padStart(16, '0');
    return draws.map((d) => {
      const r = window.rollgate.bucketDraws(d.unit, d.salt);
      return {
        coverage_hash: hex(r.coverageHash),
        variant_hash: hex(r.variantHash),
        fraction: r.fraction,
        single_fraction: window.rollgate.bucket(d.unit, d.salt),
        coverage_bucket: r.coverageBucket,
        variant_bucket: r.variantBucket,
      };
    });
  }, vectors.draws);
  assert.equal(got.length, vectors.draws.length);
  vectors.draws.forEach((d, i) => {
    const g = got[i];
    const what = `${JSON.stringify(d.unit).slice(0, 40)} / ${d.salt.slice(0, 20)} (${d.note})`;
    assert.equal(g.coverage_hash, d.coverage_hash, what);
    assert.equal(g.variant_hash, d.variant_hash, what);
    assert.equal(g.fraction, d.fraction, what);
    assert.equal(g.single_fraction, d.fraction, what);
    assert.equal(g.coverage_bucket, d.coverage_bucket, what);
    assert.equal(g.variant_bucket, d.variant_bucket, what);
  });
});

test('bucketing batch form agrees with the vectors', async () => {
  const bySalt = new Map();
  for (const d of vectors.draws) (bySalt.get(d.salt) ?? bySalt.set(d.salt, []).get(d.salt)).push(d);
  for (const [salt, ds] of bySalt) {
    const got = await env.page.evaluate(([units, s]) => ({
      cov: Array.from(window.rollgate.bucketBatch(units, s, { output: 'coverageBucket' })),
      vb: Array.from(window.rollgate.bucketBatch(units, s, { output: 'variantBucket' })),
      fr: Array.from(window.rollgate.bucketBatch(units, s)),
    }), [ds.map((d) => d.unit), salt]);
    assert.deepEqual(got.cov, ds.map((d) => d.coverage_bucket));
    assert.deepEqual(got.vb, ds.map((d) => d.variant_bucket));
    assert.deepEqual(got.fr, ds.map((d) => d.fraction));
  }
});

test('membership vectors: in coverage and variant under weights', async () => {
  const got = await env.page.evaluate((ms) => ms.map((m) => ({
    in: window.rollgate.inRollout(m.unit, m.salt, m.coverage),
    variant: window.rollgate.pickVariant(m.unit, m.salt, m.weights),
  })), vectors.membership);
  vectors.membership.forEach((m, i) => {
    const what = `${m.unit} / ${m.salt} coverage ${m.coverage} weights ${m.weights}`;
    assert.equal(got[i].in, m.in, what);
    assert.equal(got[i].variant, m.variant, what);
  });
});
