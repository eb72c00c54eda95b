// rollgate edge — the coordinator's record in Durable Object storage. SPDX-License-Identifier: MIT
//
// Durable Object storage limits one value to 128 KiB; the record (history, sketches, mismatch
// reports) can be larger, so it is stored as JSON text in chunks under KEY#0, KEY#1, ... with the
// chunk count under KEY. One put() call writes them atomically (at most 128 keys per call).
// 40 Ki characters stay under the limit even if every character took 3 bytes.
const CHUNK = 40 * 1024;
const MAX_CHUNKS = 120;

export async function storeChunked(storage, key, value) {
  const text = JSON.stringify(value);
  const n = Math.ceil(text.length / CHUNK) || 1;
  if (n > MAX_CHUNKS) throw new Error(`coordinator state too large to persist (${text.length} bytes)`);
  const entries = { [key]: { chunks: n } };
  for (let i = 0; i < n; i++) entries[`${key}#${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  await storage.put(entries);
}

export async function loadChunked(storage, key) {
  const head = await storage.get(key);
  if (!head || !Number.isInteger(head.chunks)) return null;
  const keys = Array.from({ length: head.chunks }, (_, i) => `${key}#${i}`);
  const parts = await storage.get(keys);
  return JSON.parse(keys.map((k) => parts.get(k)).join(''));
}
