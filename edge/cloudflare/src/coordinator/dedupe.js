// rollgate edge — exactly-once batches: the last sequence number merged per source. A batch id is
// "<source>:<seq>" (an isolate's uuid, or an aggregator's name, then a counter from 1). A source
// sends its batches one at a time, in order, and re-sends the same id until it is acknowledged,
// so a batch is new iff its seq is above the source's last: no set of ids to keep, and a retry
// is recognised however late it comes while its source is remembered. SPDX-License-Identifier: MIT
import { DEDUPE_MAX, ID_MAX } from './bounds.js';

/** How long a source must have been silent before forgetting it cannot cost exactness (docs). */
export const DEDUPE_HORIZON_MS = 10 * 60 * 1000;

/** {source, seq} of a batch id, or null when it is not "<source>:<positive integer>". */
export function parseBatchId(id) {
  if (typeof id !== 'string') return null;
  const i = id.lastIndexOf(':');
  const source = id.slice(0, i);
  const seq = Number(id.slice(i + 1));
  if (i < 1 || source.length > ID_MAX || !Number.isSafeInteger(seq) || seq < 1) return null;
  return { source, seq };
}

export class Dedupe {
  /** @param {Array<[string, number, number]>} [entries] stored [source, lastSeq, lastAt] */
  constructor(entries) {
    this.last = new Map(); // source → {seq, at}, least recently merged first
    this.evictedEarly = 0; // sources forgotten within DEDUPE_HORIZON_MS of their last batch
    this.duplicates = 0;
    for (const [source, seq, at] of Array.isArray(entries) ? entries : []) {
      if (typeof source === 'string' && Number.isSafeInteger(seq)) this.last.set(source, { seq, at: Number(at) || 0 });
    }
  }

  /** True when `seq` of `source` was merged already (a retry): counted. */
  seen(source, seq) {
    const e = this.last.get(source);
    if (e && seq <= e.seq) {
      this.duplicates++;
      return true;
    }
    return false;
  }

  /** Records that `seq` of `source` is merged. */
  accept(source, seq, now) {
    this.last.delete(source);
    this.last.set(source, { seq, at: now });
    while (this.last.size > DEDUPE_MAX) {
      const [oldest, e] = this.last.entries().next().value;
      if (now - e.at < DEDUPE_HORIZON_MS) this.evictedEarly++;
      this.last.delete(oldest);
    }
  }

  /** A copy to store (or to restore after a failed commit). */
  entries() {
    return [...this.last].map(([source, e]) => [source, e.seq, e.at]);
  }

  stats() {
    return { sources: this.last.size, duplicates: this.duplicates, evictedEarly: this.evictedEarly };
  }
}
