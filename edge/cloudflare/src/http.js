// rollgate edge — small HTTP helpers shared by the worker and the coordinator.
// SPDX-License-Identifier: MIT

export const PREFIX = '/__rollgate/';
export const INTERNAL = '/__rollgate/internal/';

export function corsHeaders(origin) {
  return {
    'access-control-allow-origin': origin || '*',
    'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

export function json(body, status = 200, extra = {}) {
  return new Response(JSON.stringify(body, null, 0), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra },
  });
}

/**
 * Reads a JSON request body of at most `limit` bytes, stopping (and answering 413) as soon as the
 * stream passes the limit rather than after buffering all of it. An empty body reads as {}.
 */
export async function readJson(request, limit = 1 << 20) {
  const bytes = await readLimited(request.body, limit);
  if (bytes === null) throw Object.assign(new Error(`body larger than ${limit} bytes`), { status: 413 });
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw Object.assign(new Error(`body is not JSON: ${e.message}`), { status: 400 });
  }
}

/** Reads a request body of at most `limit` bytes as text (413 past it). */
export async function readText(request, limit) {
  const bytes = await readLimited(request.body, limit);
  if (bytes === null) throw Object.assign(new Error(`body larger than ${limit} bytes`), { status: 413 });
  return new TextDecoder().decode(bytes);
}

/** Reads at most `limit` bytes of a stream; returns null (and cancels) when it is longer. */
export async function readLimited(stream, limit) {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

export function log(level, msg, fields) {
  const line = JSON.stringify({ level, msg, ...fields, at: new Date().toISOString(), src: 'rollgate' });
  if (level === 'error') console.error(line);
  else console.log(line);
}
