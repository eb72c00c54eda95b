// One rollout served by both CDNs at once through the coordinator's aggregation tier
// (ROLLGATE_AGGREGATORS = 2, docs/edge.md "At scale"): the worker's peer routes send the Fastly
// service's state reads and flushes where an isolate's go (a random aggregator), and the totals
// stay exact end to end, each Fastly flush being a source of one batch at its aggregator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBoth, bothCdns } from './support/two-cdns.mjs';

let ctx;
before(async () => {
  ctx = await startBoth({ vars: { ROLLGATE_AGGREGATORS: '2' } });
});
after(async () => {
  await ctx?.stop();
});

test('through 2 aggregators: the same arm per unit on both CDNs, and exact totals', { timeout: 60000 }, async () => {
  await bothCdns(ctx, 'two-cdns-agg', { perCdnSources: false });
  // Everything reached the coordinator through the aggregators: they are its only sources.
  const sources = Object.keys((await ctx.status()).isolates);
  assert.ok(sources.length > 0 && sources.every((id) => /^agg\d+\./.test(id)), sources.join(', '));
});
