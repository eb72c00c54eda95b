// Live: polling an edge coordinator's GET /__rollgate/status with the bearer token. Each new
// snapshot replaces the plan, state, samples and mismatch files (app/pipeline.js setStatus). The
// token is kept for this tab only (sessionStorage), never in localStorage or a URL.
import { setStatus } from './pipeline.js';
import { state, save } from './state.js';

const TOKEN = 'rollgate.token';

/** @returns {string} the bearer token of this tab */
export const token = () => sessionStorage.getItem(TOKEN) ?? '';
/** @param {string} value */
export const setToken = (value) => sessionStorage.setItem(TOKEN, value);

/**
 * What the page shows of the polling: the Data view's controls and status line.
 * @typedef {{polling: (on: boolean) => void, status: (text: string) => void}} PollUi
 */

/** @type {PollUi} */
let ui = { polling: () => {}, status: () => {} };
/** @type {ReturnType<typeof setInterval> | undefined} */
let timer;
let inFlight = false;
/** @type {string | null} */
let lastSnapshot = null;

/** @param {PollUi} view */
export function attach(view) {
  ui = view;
}

/** Polls state.ui.pollUrl every state.ui.pollEvery seconds, starting now. */
export function startPolling() {
  stopPolling();
  ui.polling(true);
  state.ui.polling = true;
  save();
  pollOnce();
  timer = setInterval(pollOnce, Math.max(1, state.ui.pollEvery ?? 10) * 1000);
}

export function stopPolling() {
  clearInterval(timer);
  timer = undefined;
  ui.polling(false);
  if (state.ui.polling) {
    state.ui.polling = false;
    save();
  }
  ui.status('Not polling.');
}

async function pollOnce() {
  if (inFlight) return;
  inFlight = true;
  try {
    const t = token();
    const res = await fetch(state.ui.pollUrl ?? '', { headers: t ? { authorization: `Bearer ${t}` } : {}, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}${res.status === 401 || res.status === 403 ? ' (check the token)' : ''}`);
    const text = await res.text();
    ui.status(`Last poll ${new Date().toLocaleTimeString()}: ok.`);
    // An unchanged snapshot changes nothing on the page: skip the work (and any flicker).
    if (text === lastSnapshot && state.status) return;
    lastSnapshot = text;
    await setStatus(text);
  } catch (e) {
    const hint = e instanceof TypeError ? ' (network error, or the worker does not allow this origin: ROLLGATE_CORS_ORIGIN, docs/edge.md)' : '';
    ui.status(`Last poll ${new Date().toLocaleTimeString()} failed: ${e instanceof Error ? e.message : String(e)}${hint}`);
  } finally {
    inFlight = false;
  }
}
