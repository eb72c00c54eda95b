// The page's side of the Web Worker (src/worker.js): typed requests with a progress indicator, and
// the engine's status in the header. Every computation about the data goes through rpc().
import { $ } from './dom.js';

/** @typedef {typeof import('../worker.js').methods} Methods */
/** @typedef {import('../engine.js').ErrorInfo} ErrorInfo */

/** An error the worker reported: the package's code, pointer and problems survive the trip. */
export class WorkerError extends Error {
  /** @param {ErrorInfo} info */
  constructor(info) {
    super(info.message);
    this.name = info.name;
    this.code = info.code;
    this.pointer = info.pointer;
    this.detail = info.detail;
    this.problems = info.problems;
  }
}

const worker = new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
/** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void, title?: string}>} */
const pending = new Map();
let nextId = 1;
const busy = {
  /** @type {HTMLProgressElement} */ bar: $('busy-bar'),
  box: $('busy'),
  label: $('busy-label'),
  text: $('busy-text'),
  jobs: 0,
};

/** The header's engine status: ok (green), failed (red) or neither. */
export function setEngine(/** @type {string} */ text, /** @type {boolean | undefined} */ ok) {
  const e = $('engine-status');
  e.textContent = text;
  e.className = `engine ${ok ? 'ok' : ok === false ? 'bad' : ''}`;
}

worker.onmessage = ({ data }) => {
  const job = pending.get(data.id);
  if (!job) return;
  if (data.progress) {
    /** @type {{done: number, total: number, label: string}} */
    const { done, total, label } = data.progress;
    busy.bar.max = total || 1;
    busy.bar.value = done;
    busy.text.textContent = `${label}: ${total > 100 ? `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}` : `${Math.round((100 * done) / (total || 1))}%`}`;
    return;
  }
  pending.delete(data.id);
  if (job.title && --busy.jobs === 0) busy.box.hidden = true;
  if (data.error) job.reject(new WorkerError(data.error));
  else job.resolve(data.result);
};
worker.onerror = (e) => {
  // A dead worker answers nothing more: fail every pending request instead of waiting forever.
  setEngine(`worker failed: ${e.message ?? 'unknown error'}`, false);
  for (const [id, job] of pending) {
    pending.delete(id);
    job.reject(new Error(`the analysis worker failed: ${e.message ?? 'unknown error'}`));
  }
  busy.jobs = 0;
  busy.box.hidden = true;
};

/**
 * Calls a worker method; with a title, the busy indicator shows its progress.
 * @template {keyof Methods} M
 * @param {M} method
 * @param {Parameters<Methods[M]>[0]} args
 * @param {string} [title]
 * @returns {Promise<Awaited<ReturnType<Methods[M]>>>}
 */
export function rpc(method, args, title) {
  const id = nextId++;
  if (title) {
    busy.jobs++;
    busy.box.hidden = false;
    busy.label.textContent = title;
    busy.bar.removeAttribute('value');
    busy.text.textContent = '';
  }
  /** @type {Promise<Awaited<ReturnType<Methods[M]>>>} */
  const p = new Promise((resolve, reject) => pending.set(id, { resolve, reject, title }));
  worker.postMessage({ id, method, args });
  return p;
}
