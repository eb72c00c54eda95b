// rollgate edge — an isolate's side of delivery: which Durable Object it reads the rollout state
// from and flushes its summaries to (the rollout's coordinator, or one of its aggregators), and
// the in-order, retried delivery of its batches. Used by worker.js, and by the simulation test
// that runs a thousand isolates' worth of it. SPDX-License-Identifier: MIT
import { INTERNAL } from './http.js';
import { batchRequests } from './metrics.js';
import { DEDUPE_HORIZON_MS } from './coordinator/dedupe.js';

/** A batch is re-sent for at most this long, well within the time its receiver remembers it. */
export const RETRY_MS = DEDUPE_HORIZON_MS / 2;

/** The Durable Object name of aggregator `shard` of a rollout. */
export const aggregatorName = (rollout, shard) => `${rollout}:agg:${shard}`;

/**
 * Where this isolate's state reads and flushes go. With `s.aggregators` > 0, to one aggregator,
 * picked at random once per isolate (isolate ids are random, so shards stay even), and always
 * the same one: each receiver sees an isolate's batches in order, which is what dedupe needs.
 */
export function upstream(s, acc) {
  const ns = s.coordinator;
  if (s.aggregators > 0) {
    if (acc.shard === undefined) acc.shard = Math.floor(Math.random() * s.aggregators);
    const shard = acc.shard % s.aggregators;
    const q = `?shard=${shard}`; // the aggregator learns its shard from its first request
    return { stub: ns.get(ns.idFromName(aggregatorName(s.rolloutName, shard))), state: INTERNAL + 'agg/state' + q, report: INTERNAL + 'agg/report' + q };
  }
  return { stub: ns.get(ns.idFromName(s.rolloutName)), state: INTERNAL + 'state', report: INTERNAL + 'report' };
}

/** Gives up a batch re-sent for longer than RETRY_MS, counting it and its requests. */
function dropStale(acc, now) {
  while (acc.pending.length && now - acc.pending[0].sentAt > RETRY_MS) {
    const lost = acc.pending.shift();
    acc.counters.droppedBatches++;
    acc.counters.droppedRequests += batchRequests(lost);
    acc.dirty = true;
  }
}

/**
 * Sends the isolate's summaries. At most one batch is undelivered at a time: it is re-sent with
 * the same id until its receiver has stored it (answers 2xx), and meanwhile what is counted stays
 * in the accumulator, merged, to become the next batch (sent right after it). So an outage of the
 * receiver costs neither counts nor memory, however long it lasts (up to RETRY_MS). Callers run
 * one flush at a time. Returns the error that stopped it, or null.
 */
export async function flush(acc, s) {
  dropStale(acc, Date.now());
  let up;
  try {
    up = upstream(s, acc);
  } catch (e) {
    return e; // no usable binding (counted as a settings problem already)
  }
  // The undelivered batch, if any, then what was counted until now (at most two sends).
  for (let round = 0; round < 2; round++) {
    if (acc.pending.length === 0) {
      if (!acc.dirty) break;
      acc.pending.push(acc.take());
    }
    const batch = acc.pending[0];
    try {
      const r = await up.stub.fetch('https://coordinator' + up.report, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      if (!r.ok) throw new Error(`coordinator answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
      acc.pending.shift();
    } catch (e) {
      acc.count('flushErrors');
      return e;
    }
  }
  return null;
}
