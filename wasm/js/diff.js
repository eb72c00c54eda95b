// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Dark-launch comparison (docs/diff.md): structural diff of two results, a mergeable mismatch
// report that learns noise, and experiment() in the spirit of GitHub's Scientist.
import { mod, lastError } from './runtime.js';
import { invalidArgument } from './errors.js';
import { Owned, disposeSymbol } from './memory.js';
import { jsonText } from './canary.js';

/** Kinds of differences. */
export const DifferenceKind = Object.freeze({
  ValueChanged: 'value_changed', TypeChanged: 'type_changed', KeyAdded: 'key_added', KeyRemoved: 'key_removed',
  ArrayLengthChanged: 'array_length_changed',
});
/** How array elements are paired (a path rule's `arrays`). */
export const ArrayMode = Object.freeze({ Ordered: 'ordered', Set: 'set', Keyed: 'keyed' });

/** @internal Options as the core's JSON text ("" for the defaults). */
export function optionsText(options) {
  if (options === undefined || options === null) return '';
  if (typeof options === 'string') return options;
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidArgument('options must be an object', '/options');
  // docs/diff.md's keys are camelCase, as JS spells them: the object goes to the core unchanged.
  return JSON.stringify(options);
}

function valueText(value, name) {
  if (value === undefined) throw invalidArgument(`${name} is undefined; diff compares JSON values`, `/${name}`);
  return jsonText(value, name) && JSON.stringify(value);
}

function result(text) {
  if (text === '') throw lastError();
  return JSON.parse(text);
}

/**
 * Structural difference of two JSON values (the old path's result first).
 * @returns {{equal: boolean, differences: Array<{path: string, field: string, kind: string, old?: unknown, new?: unknown, truncated?: boolean}>, omitted: number}}
 */
export function diff(oldValue, newValue, options) {
  return result(mod().diffJson(valueText(oldValue, 'old'), valueText(newValue, 'new'), optionsText(options)));
}

/** As diff(), for documents that are already JSON text. */
export function diffText(oldJson, newJson, options) {
  if (typeof oldJson !== 'string' || typeof newJson !== 'string') throw invalidArgument('diffText compares two JSON texts');
  return result(mod().diffJson(oldJson, newJson, optionsText(options)));
}

/** Throws a RollgateError listing every problem of diff options; returns nothing if valid. */
export function validateDiffOptions(options) {
  if (!mod().validateDiffOptions(optionsText(options) || '{}')) throw lastError();
}

function headerBlock(headers) {
  if (headers === undefined || headers === null) return '';
  let entries;
  if (typeof headers.entries === 'function' && !Array.isArray(headers)) entries = [...headers.entries()];
  else if (Array.isArray(headers)) entries = headers;
  else entries = Object.entries(headers);
  let out = '';
  for (const [name, value] of entries) out += `${name}\0${value}\0`;
  return out;
}

function responseArgs(r, name) {
  if (r === null || typeof r !== 'object') throw invalidArgument(`${name} must be {status, headers, body}`, `/${name}`);
  const status = r.status === undefined ? 0 : r.status;
  if (!Number.isInteger(status)) throw invalidArgument(`${name}.status must be an integer`, `/${name}/status`);
  let body = r.body === undefined || r.body === null ? '' : r.body;
  if (body instanceof ArrayBuffer) body = new Uint8Array(body);
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw invalidArgument(`${name}.body must be a string, a Uint8Array or an ArrayBuffer (read a fetch Response first)`, `/${name}/body`);
  }
  const type = r.contentType === undefined ? '' : String(r.contentType);
  return [status, headerBlock(r.headers), body, type];
}

/**
 * Compares two HTTP-like responses {status, headers, body, contentType?}: "/status",
 * "/contentType", "/headers/<name>" and "/body" (structurally when both bodies are JSON).
 * Headers may be a Headers object, [name, value] pairs or a plain object.
 */
export function diffResponses(oldResponse, newResponse, options) {
  return result(mod().diffResponses(...responseArgs(oldResponse, 'old'), ...responseArgs(newResponse, 'new'), optionsText(options)));
}

/**
 * A mergeable, bounded aggregate of comparisons per field, with noise learning (docs/diff.md).
 * Holds WASM memory: dispose() (or `using`) when done.
 */
export class MismatchReport {
  /** @param {{maxPaths?: number, maxExamples?: number, maxExampleLength?: number}} [limits] */
  constructor(limits = {}) {
    let handle = limits && limits.__handle;
    if (!handle) {
      const num = (v, d, n) => {
        if (v === undefined) return d;
        if (!Number.isInteger(v) || v < 0) throw invalidArgument(`${n} must be a non-negative integer`, `/${n}`);
        return v;
      };
      handle = mod().reportCreate(num(limits.maxPaths, 1000, 'maxPaths'), num(limits.maxExamples, 3, 'maxExamples'),
        num(limits.maxExampleLength, 200, 'maxExampleLength'));
      if (handle === null) throw lastError();
    }
    this._h = handle;
    this._owned = new Owned(this, () => handle.delete(), 'MismatchReport');
  }

  /** Diffs the old path's result against the candidate's and records it; returns the diff. */
  add(oldValue, newValue, options) {
    this._owned.check();
    return result(this._h.add(valueText(oldValue, 'old'), valueText(newValue, 'new'), optionsText(options), false));
  }

  /** Records two runs of the OLD path (primary vs secondary): what differs on its own is noise. */
  addNoise(primary, secondary, options) {
    this._owned.check();
    return result(this._h.add(valueText(primary, 'primary'), valueText(secondary, 'secondary'), optionsText(options), true));
  }

  /**
   * One dark-launch sample of HTTP responses ({status, headers, body, contentType?}), diffed and
   * recorded in one call: served vs shadow (the candidate) and, when `secondary` is given (a
   * second request to the served origin), served vs secondary (noise). Paths are diffResponses'
   * ("/status", "/headers/<name>", "/body/..."); options may select headers with
   * `{headers: {ignore: [...], only: [...]}}`. Returns the served-vs-shadow diff.
   */
  addResponses(served, shadow, secondary, options) {
    this._owned.check();
    const noise = secondary === undefined || secondary === null ? [0, '', '', ''] : responseArgs(secondary, 'secondary');
    return result(this._h.addResponses(...responseArgs(served, 'served'), ...responseArgs(shadow, 'shadow'),
      secondary !== undefined && secondary !== null, ...noise, optionsText(options)));
  }

  /** Records a comparison decided by a predicate (equal or not), counted on the whole result. */
  addVerdict(equal, { noise = false } = {}) {
    this._owned.check();
    this._h.addVerdict(Boolean(equal), Boolean(noise));
  }

  /** Records one experiment run's timing (milliseconds, as performance.now() gives them). */
  addRun({ controlMs = 0, candidateMs = 0, candidateThrew = false, slow = false } = {}) {
    this._owned.check();
    this._h.addRun(Math.max(0, Math.round(controlMs * 1e6)), Math.max(0, Math.round(candidateMs * 1e6)), Boolean(candidateThrew), Boolean(slow));
  }

  /** Adds another report's counts, as if this one had seen both streams. */
  merge(other) {
    this._owned.check();
    if (!(other instanceof MismatchReport)) throw invalidArgument('merge: other must be a MismatchReport');
    other._owned.check();
    if (!this._h.merge(other._h)) throw lastError();
    return this;
  }

  /** Verdict per kept field: is it a real regression beyond the learned noise? */
  judge(thresholds = {}) {
    this._owned.check();
    const t = thresholds;
    return result(this._h.judge(t.relative ?? 0.2, t.absolute ?? 0.0003, t.significance ?? 0.01, t.minDifferences ?? 2));
  }

  get comparisons() { this._owned.check(); return this._h.comparisons(); }
  get noiseComparisons() { this._owned.check(); return this._h.noiseComparisons(); }

  /** The report's JSON form ("rollgate.mismatch_report", version 1) as an object. */
  toJSON() {
    this._owned.check();
    return result(this._h.toJson());
  }

  /** Reads and validates a report written by toJSON (text or object). */
  static fromJSON(json) {
    const handle = mod().reportFromJson(typeof json === 'string' ? json : jsonText(json, 'report'));
    if (handle === null) throw lastError();
    return new MismatchReport({ __handle: handle });
  }

  /** Frees the WASM memory now. Idempotent. */
  dispose() {
    this._owned.dispose();
  }

  [disposeSymbol]() {
    this.dispose();
  }
}
