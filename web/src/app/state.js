// The page's state: loaded inputs by kind, UI settings, and the latest results of the worker. The
// inputs and settings are kept in localStorage (`rollgate.dashboard.v1`, an interface: the
// live-rollout demo writes it too, docs/dashboard.md); the token only in sessionStorage.
import { readStatus } from '../status.js';

/** @typedef {import('../data.js').Kind} Kind */
/** @typedef {{name: string, text: string, source: 'file' | 'example' | 'package'}} Input */
/** @typedef {ReturnType<typeof readStatus>} Status */
/** @typedef {Awaited<ReturnType<typeof import('../worker.js').methods.analyse>>} AnalysisView */
/** @typedef {import('rollgate').RolloutAction | {action: '', reasons: string[], percent?: undefined, servingPercent?: undefined}} Next */
/** @typedef {Awaited<ReturnType<typeof import('../worker.js').methods.mismatch>>} MismatchView */

/**
 * @typedef {object} UiSettings
 * @property {string} [pollUrl]
 * @property {number} [pollEvery]  seconds
 * @property {boolean} [polling]   resume polling on load
 * @property {{config: string, context: string}} [playground]
 * @property {Record<string, string>} [bucket]  the bucketing explorer's fields
 * @property {{name: string, bytes: number}[]} [notKept]  inputs too big to keep across reloads
 */

const STORE = 'rollgate.dashboard.v1';

export const state = {
  /** @type {Partial<Record<Kind, Input>>} */
  inputs: {},
  /** @type {UiSettings} */
  ui: {},
  /** @type {AnalysisView | null} the last canary analysis */
  analysis: null,
  /** @type {Next | null} the state machine's next action */
  next: null,
  /** @type {Status | null} the last edge status snapshot */
  status: null,
  /** @type {MismatchView | null} */
  mismatch: null,
  /** @type {Record<string, MismatchView> | null} a live status' reports judged per arm */
  mismatchByArm: null,
  /** @type {string | null} the first error of the last recomputation */
  error: null,
  /** @type {string | null} what the inputs lack (samples without a config), shown on the Data view */
  notice: null,
};

try {
  const stored = JSON.parse(localStorage.getItem(STORE) ?? '{}');
  state.inputs = stored.inputs ?? {};
  state.ui = stored.ui ?? {};
} catch {
  /* a damaged store is ignored */
}
try {
  if (state.inputs.status) state.status = readStatus(JSON.parse(state.inputs.status.text));
} catch {
  delete state.inputs.status;
}

/**
 * Inputs above this size are not kept across reloads: local storage holds about 5 MB per origin,
 * and serialising megabytes on every change would stall the page.
 */
export const KEEP_MAX = 1_000_000;

export function save() {
  const inputs = Object.fromEntries(Object.entries(state.inputs).filter(([, v]) => v.text.length <= KEEP_MAX));
  // What was too big to keep is named, so a reload says so instead of showing other data.
  state.ui.notKept = Object.values(state.inputs).filter((v) => v.text.length > KEEP_MAX).map((v) => ({ name: v.name, bytes: v.text.length }));
  try {
    localStorage.setItem(STORE, JSON.stringify({ inputs, ui: state.ui }));
  } catch {
    try {
      localStorage.setItem(STORE, JSON.stringify({ inputs: {}, ui: state.ui }));
    } catch {
      /* storage unavailable */
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Events between modules (so that, e.g., the input pipeline need not import the views)

/**
 * @typedef {object} Events
 * @property {Input} flags        a flag config was loaded (the playground shows it)
 * @property {Input} context      an evaluation context was loaded
 * @property {undefined} inputs   the set of loaded inputs changed (a recomputation starts)
 * @property {undefined} changed  the results changed: redraw the current view
 */

/** @type {Record<string, ((detail: any) => void)[]>} typed by on() and emit() */
const listeners = {};

/**
 * @template {keyof Events} K
 * @param {K} name
 * @param {(detail: Events[K]) => void} fn
 */
export function on(name, fn) {
  (listeners[name] ??= []).push(fn);
}

/**
 * @template {keyof Events} K
 * @param {K} name
 * @param {Events[K]} detail
 */
export function emit(name, detail) {
  for (const fn of listeners[name] ?? []) fn(detail);
}
