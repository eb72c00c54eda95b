// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// Origin and business metrics (docs/canary.md "Unit-level metrics", docs/edge.md "Server-Timing"
// and "Events"): the core's Server-Timing parser, its per-arm unit summaries, and which of a
// plan's gated metrics a client's sources can measure. Rules live in the core; this file only
// converts arguments and results.
import { mod, lastError, callJson, onReady } from './runtime.js';
import { invalidArgument } from './errors.js';
import { jsonText } from './canary.js';
import { Owned, disposeSymbol } from './memory.js';

function nameList(names, pointer) {
  if (names === undefined) return [];
  if (!Array.isArray(names)) throw invalidArgument(`${pointer.slice(1)} must be an array of strings`, pointer);
  names.forEach((n, i) => {
    if (typeof n !== 'string' || n.includes('\0')) throw invalidArgument(`${pointer.slice(1)}[${i}] must be a string`, `${pointer}/${i}`);
  });
  return names;
}

function whole(value, fallback, pointer) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw invalidArgument(`${pointer.slice(1)} must be a non-negative integer, got ${value}`, pointer);
  return value;
}

/**
 * A Server-Timing reader with checked options: `{names?: string[], maxNames?: number,
 * maxLength?: number}` (defaults: the core's, 8 names and 4096 bytes). `parse(header)` never throws: malformed metrics are counted.
 */
export class ServerTimingReader {
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw invalidArgument('options must be an object');
    const names = nameList(options.names, '/names');
    // -1: the core's defaults (server_timing_options), not restated here.
    const handle = mod().timingReaderCreate(names.join('\0'), whole(options.maxNames, -1, '/maxNames'),
      whole(options.maxLength, -1, '/maxLength'));
    if (handle === null) throw lastError();
    this._h = handle;
    this._owned = new Owned(this, () => handle.delete(), 'ServerTimingReader');
  }

  /**
   * @param {string|null|undefined} header the Server-Timing value (several joined with ", ")
   * @returns {{entries: {name: string, dur: number}[], metrics: number, malformed: number,
   *   ignored: number, dropped: number}}
   */
  parse(header) {
    this._owned.check();
    if (header === null || header === undefined || header === '') {
      return { entries: [], metrics: 0, malformed: 0, ignored: 0, dropped: 0 };
    }
    if (typeof header !== 'string') throw invalidArgument(`header must be a string, got ${typeof header}`, '/header');
    return JSON.parse(this._h.parse(header));
  }

  dispose() { this._owned.dispose(); }
  [disposeSymbol]() { this.dispose(); }
}

/** One-off parse (validates the options each call: keep a ServerTimingReader on hot paths). */
export function parseServerTiming(header, options = {}) {
  const r = new ServerTimingReader(options);
  try {
    return r.parse(header);
  } finally {
    r.dispose();
  }
}

/**
 * The units of one arm in one window (units.hpp): exposure and per-unit events, mergeable across
 * isolates, bounded (exact up to maxUnits, then a consistent hash sample). Its JSON is what the
 * judge reads as a metric's data.
 */
export class UnitSummary {
  /** @param {{maxUnits?: number}} [options] */
  constructor(options = {}) {
    let handle;
    if (options && options.__handle) {
      handle = options.__handle;
    } else {
      handle = mod().unitsCreate(whole(options.maxUnits, -1, '/maxUnits')); // -1: the core's default
      if (handle === null) throw lastError();
    }
    this._h = handle;
    this._owned = new Owned(this, () => handle.delete(), 'UnitSummary');
  }

  /** The unit was served in this window. */
  expose(unit) {
    this._owned.check();
    if (typeof unit !== 'string') throw invalidArgument('unit must be a string', '/unit');
    this._h.expose(unit);
    return this;
  }

  /**
   * Records one event of a unit; `value` (a finite number) adds to the unit's value, else the
   * event counts 1. Returns false when the core refused it (bad name, value, too many names).
   */
  record(unit, name, value) {
    this._owned.check();
    if (typeof unit !== 'string' || typeof name !== 'string') throw invalidArgument('unit and name must be strings');
    const has = value !== undefined && value !== null;
    if (has && typeof value !== 'number') return false;
    return this._h.record(unit, name, has ? value : 1, has);
  }

  merge(other) {
    this._owned.check();
    if (!(other instanceof UnitSummary)) throw invalidArgument('merge: other must be a UnitSummary');
    other._owned.check();
    if (!this._h.merge(other._h)) throw lastError();
    return this;
  }

  /** `{exposed, converted, sum, samplingRate}` of one event name. */
  metric(name) {
    this._owned.check();
    return callJson((n) => this._h.metric(n), String(name));
  }

  get records() { this._owned.check(); return this._h.records(); }
  get level() { this._owned.check(); return this._h.level(); }

  toJSON() {
    this._owned.check();
    const text = this._h.toJson();
    if (text === '') throw lastError();
    return JSON.parse(text);
  }

  /** Parses the JSON form (text or object), validating it as untrusted input. */
  static fromJSON(json) {
    const handle = mod().unitsFromJson(jsonText(json, 'summary'));
    if (handle === null) throw lastError();
    return new UnitSummary({ __handle: handle });
  }

  dispose() { this._owned.dispose(); }
  [disposeSymbol]() { this.dispose(); }
}

/**
 * The plan's gated metrics that a client with these sources measures (the core decides):
 * `{requests?: boolean (true), serverTiming?: string[], events?: string[]}`. Pass the result to
 * validatePlan(plan, {measurable}) to refuse a plan gating on a metric with no source.
 */
/**
 * The metrics measured from the requests a client serves (measurableFrom's `requests`), from the
 * core: ['errorRate', 'latency']. Read by init() (a live binding); undefined before.
 */
export let REQUEST_METRICS;
onReady(() => {
  // The full module's binding (the flags-only module has none: then nothing to read).
  const names = mod().requestMetrics;
  if (typeof names === 'function') REQUEST_METRICS = Object.freeze(names().split('\0'));
});

export function measurableFrom(plan, sources = {}) {
  const timing = nameList(sources.serverTiming, '/serverTiming');
  const events = nameList(sources.events, '/events');
  const requests = sources.requests === undefined ? true : Boolean(sources.requests);
  return callJson(mod().measurableFrom, jsonText(plan, 'plan'), requests, timing.join('\0'), events.join('\0'));
}

/**
 * Reads a metric event batch as the edge's events endpoint receives it (docs/edge.md, "Events"):
 * `text` is the raw body, `options` `{backEnd?: boolean (false: a browser, whose unit is the
 * edge's cookie), accept: string[] (the event names counted)}`. Returns `[{name, value,
 * hasValue, unit}]` (a back end's unit per event, its own or the batch's; "" for a browser), or
 * throws a RollgateError with every problem: rollgate.json.1xx, rollgate.metrics.020-024.
 */
export function parseEventBatch(text, options = {}) {
  if (typeof text !== 'string') throw invalidArgument('text must be a string (the raw body)', '/text');
  if (options === null || typeof options !== 'object') throw invalidArgument('options must be an object');
  const accept = nameList(options.accept, '/accept');
  return callJson(mod().parseEventBatch, text, options.backEnd === true, accept.join('\0'));
}
