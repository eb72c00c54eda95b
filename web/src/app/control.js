// Commands to the edge coordinator (POST /__rollgate/{start,pause,resume,rollback}) with the admin
// token this tab holds (sessionStorage, app/live.js): never in a URL, never stored elsewhere. The
// coordinator (and the package's applyCommand behind it) decides whether a command applies; the
// page only sends it and shows the answer or the error, with its id and pointer.
import { state } from './state.js';
import { token } from './live.js';

/** @typedef {'start' | 'pause' | 'resume' | 'rollback'} Command */

/**
 * The coordinator's admin base URL, from the live status URL (".../__rollgate/status").
 * @returns {string | null}
 */
export function adminBase() {
  const u = state.ui.pollUrl;
  if (!u) return null;
  const m = /^(.*\/__rollgate\/)status\/?$/.exec(u);
  return m ? m[1] : null;
}

/**
 * Why the controls are read-only, or null when they can be used.
 * @returns {string | null}
 */
export function readOnlyReason() {
  if (!adminBase()) return 'Read-only: no coordinator. Poll a status URL ending in /__rollgate/status (Data → Live) to control its rollout.';
  if (!token()) return 'Read-only: this tab holds no admin token. Enter the coordinator’s bearer token in Data → Live (it is kept for this tab only).';
  return null;
}

/**
 * @typedef {{ok: true, status: number, body: any} | {ok: false, status: number, error: string, code?: string, pointer?: string}} Answer
 */

/**
 * Sends a command and returns the coordinator's answer (never throws).
 * @param {Command} command
 * @param {Record<string, unknown>} body
 * @returns {Promise<Answer>}
 */
export async function send(command, body) {
  const base = adminBase();
  const t = token();
  if (!base || !t) return { ok: false, status: 0, error: readOnlyReason() ?? 'read-only' };
  try {
    const res = await fetch(`${base}${command}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await res.text();
    /** @type {any} */
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON: shown as text */
    }
    if (res.ok) return { ok: true, status: res.status, body: json };
    return { ok: false, status: res.status, error: json?.error ?? (text || res.statusText), code: json?.code, pointer: json?.pointer };
  } catch (e) {
    return { ok: false, status: 0, error: `the coordinator did not answer (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * Reads an admin GET route (the history of rollouts) with the tab's token.
 * @param {string} route e.g. "rollouts" or "rollouts/0"
 */
export async function read(route) {
  const base = adminBase();
  const t = token();
  if (!base) throw new Error('no coordinator: poll a status URL first (Data → Live)');
  const res = await fetch(`${base}${route}`, { headers: t ? { authorization: `Bearer ${t}` } : {}, cache: 'no-store' });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${json?.error ?? res.statusText}`);
  return json;
}
