// rollgate edge — records in Durable Object storage, and grouped saves. SPDX-License-Identifier: MIT
//
// Durable Object storage limits one value to 128 KiB; a record (bounds.js keeps it under
// RECORD_BOUND) is stored as JSON text in chunks under KEY#0, KEY#1, ... with the chunk count
// under KEY. One put() call writes them atomically (at most 128 keys per call). 40 Ki characters
// stay under the limit even if every character took 3 bytes.
import { RECORD_BOUND } from './bounds.js';

const CHUNK = 40 * 1024;
export const MAX_CHUNKS = 120;

/** Stores `text` (JSON) under `key`; throws when it cannot fit. Returns its length. */
export async function storeChunked(storage, key, text) {
  const n = Math.ceil(text.length / CHUNK) || 1;
  if (n > MAX_CHUNKS) throw new Error(`record too large to persist (${text.length} characters)`);
  const entries = { [key]: { chunks: n } };
  for (let i = 0; i < n; i++) entries[`${key}#${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  await storage.put(entries);
  return text.length;
}

export async function loadChunked(storage, key) {
  const head = await storage.get(key);
  if (!head || !Number.isInteger(head.chunks)) return null;
  const keys = Array.from({ length: head.chunks }, (_, i) => `${key}#${i}`);
  const parts = await storage.get(keys);
  return JSON.parse(keys.map((k) => parts.get(k)).join(''));
}

/**
 * Group commit. Work that must be durable before it is acknowledged calls `commit()` and waits:
 * the next save includes it, and saves start at most once per `gapMs`, so one save serves every
 * flush that arrived meanwhile. A failed save is counted and never thrown: what it held stays in
 * memory and the next save tries again (the caller acknowledges anyway; docs/edge.md).
 */
export class Saver {
  /** @param {() => string} serialise the record's JSON text, @param {(text) => Promise} write */
  constructor(serialise, write, gapMs) {
    this.serialise = serialise;
    this.write = write;
    this.gapMs = gapMs;
    this.next = null; // the save not started yet: {promise, resolve}
    this.current = Promise.resolve();
    this.lastStart = 0;
    this.dirty = false;
    this.stats = { saves: 0, saveErrors: 0, lastError: null, savedAt: 0, bytes: 0, bound: RECORD_BOUND, overBound: 0 };
  }

  /** Marks the record changed without waiting for it to be stored (the alarm saves it). */
  touch() {
    this.dirty = true;
  }

  /** Resolves once a save that started after this call has ended (now, or at most gapMs on). */
  commit(immediate = false) {
    this.dirty = true;
    if (this.next) {
      if (immediate) this.next.immediate = true;
      return this.next.promise;
    }
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    const n = (this.next = { promise, resolve, immediate });
    const go = async () => {
      await this.current; // one save at a time
      const wait = n.immediate ? 0 : this.lastStart + this.gapMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.next = null; // changes from here on need a later save
      this.lastStart = Date.now();
      try {
        await this.saveNow();
      } finally {
        resolve();
      }
    };
    this.current = go();
    return promise;
  }

  /** Resolves when the save that is scheduled now (if any) has ended. */
  settled() {
    return this.next ? this.next.promise : this.current;
  }

  async saveNow() {
    this.dirty = false;
    try {
      const text = this.serialise();
      if (text.length > RECORD_BOUND) this.stats.overBound++; // a bug: bounds.js failed to bound it
      this.stats.bytes = await this.write(text);
      this.stats.saves++;
      this.stats.savedAt = Date.now();
    } catch (e) {
      this.dirty = true;
      this.stats.saveErrors++;
      this.stats.lastError = String((e && e.message) || e).slice(0, 300);
      this.stats.lastErrorAt = Date.now();
    }
  }

  status() {
    return { ...this.stats, dirty: this.dirty };
  }
}
