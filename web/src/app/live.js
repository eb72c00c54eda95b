// Live: polling an edge coordinator's GET /__rollgate/status with the bearer token. Each new
// snapshot replaces the plan, state, samples and mismatch files (app/pipeline.js setStatus). The
// token is kept for this tab only (sessionStorage), never in localStorage or a URL.
//
// Staleness: a snapshot is stale once no poll has succeeded for staleAfterMs() (three poll
// intervals, at least 5 s). A 1 s ticker checks, independently of a poll that hangs, so a
// coordinator that goes away is reported within staleAfterMs() + 1 s.
import { setStatus } from './pipeline.js';
import { state, save, emit } from './state.js';
import { $ } from './dom.js';
import { fmtTime, fmtDuration } from '../format.js';

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
/** @type {number | null} when the last poll succeeded */
let lastOkMs = null;
let lastError = '';
/** @type {ReturnType<typeof setInterval> | undefined} */
let ticker;

/** How long without a successful poll makes the shown snapshot stale. */
export const staleAfterMs = () => Math.max(5000, 3 * Math.max(1, state.ui.pollEvery ?? 10) * 1000);

/** Shows or hides the stale banner (every second while polling). */
function checkStale() {
  const box = $('stale');
  const since = lastOkMs ?? startedMs;
  const stale = timer !== undefined && since != null && Date.now() - since > staleAfterMs();
  document.body.dataset.stale = String(stale);
  box.hidden = !stale;
  if (stale) {
    box.textContent = `Stale: no answer from the coordinator for ${fmtDuration(Date.now() - (since ?? 0))}${lastOkMs ? ` — what you see is the snapshot of ${fmtTime(lastOkMs)}` : ' — nothing was received yet'}.${lastError ? ` Last error: ${lastError}` : ''}`;
  }
}
/** @type {number | null} */
let startedMs = null;

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
  startedMs = Date.now();
  lastOkMs = null;
  timer = setInterval(pollOnce, Math.max(1, state.ui.pollEvery ?? 10) * 1000);
  ticker = setInterval(checkStale, 1000);
  pollOnce();
}

/** Polls at once (after a command), whether or not polling is on. */
export async function pollNow() {
  if (!state.ui.pollUrl) return;
  inFlight = false;
  await pollOnce();
}

export function stopPolling() {
  clearInterval(timer);
  clearInterval(ticker);
  timer = undefined;
  checkStale();
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
    // A poll that hangs is given up after an interval (and 2 s): the next one starts afresh.
    const every = Math.max(1, state.ui.pollEvery ?? 10) * 1000;
    const res = await fetch(state.ui.pollUrl ?? '', { headers: t ? { authorization: `Bearer ${t}` } : {}, cache: 'no-store', signal: AbortSignal.timeout(every + 2000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}${res.status === 401 || res.status === 403 ? ' (check the token)' : ''}`);
    const text = await res.text();
    lastOkMs = Date.now();
    lastError = '';
    ui.status(`Last poll ${fmtTime(lastOkMs)}: ok.`);
    checkStale();
    // An unchanged snapshot changes nothing but the clock: the views show "as of" now.
    if (text === lastSnapshot && state.status) {
      state.status.nowMs = lastOkMs;
      emit('changed', undefined);
      return;
    }
    lastSnapshot = text;
    await setStatus(text, lastOkMs);
  } catch (e) {
    // A TypeError is fetch's word for "no answer": the coordinator is down or unreachable, or
    // (rarely, with an answer) its CORS setting does not allow this page's origin.
    const what = e instanceof Error && e.name === 'TimeoutError' ? 'no answer in time'
      : e instanceof TypeError ? 'no answer (the coordinator is down or unreachable; if it does answer other clients, check that ROLLGATE_CORS_ORIGIN allows this page, docs/edge.md)'
      : e instanceof Error ? e.message : String(e);
    lastError = what;
    ui.status(`Last poll ${fmtTime(Date.now())} failed: ${what}`);
    checkStale();
  } finally {
    inFlight = false;
  }
}
