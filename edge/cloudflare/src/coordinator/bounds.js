// rollgate edge — size bounds of everything the coordinator and the aggregators store, whatever
// the responses contain (issue 12 #1). SPDX-License-Identifier: MIT
//
// A Durable Object stores at most 128 KiB per value; storage.js chunks a record into at most 120
// values of 40 Ki characters. Every part of a record has a budget below, in JSON characters, and
// the parts that are evidence rather than decision state (mismatch examples, stored mismatch
// reports, the edge's decision history, the last analysis) are trimmed to it and the trimming is
// counted. Decision state (the rollout, the core's state, counts and latency sketches) is never
// trimmed: its size is bounded by construction (docs/edge.md, "Storage bound").
import * as engine from '../engine.js';

const Ki = 1024;

/** MismatchReport limits a rollout may set at the edge (refused above), and the edge's defaults. */
export const REPORT_CAPS = { maxPaths: 500, maxExamples: 3, maxExampleLength: 200 };
export const REPORT_DEFAULTS = { maxPaths: 200, maxExamples: 2, maxExampleLength: 120 };

/** Budgets of the stored parts, in JSON characters (≤ 3 bytes each in UTF-8). */
export const BUDGET = {
  spec: 64 * Ki, // the rollout as started: refused above (spec.js)
  // The core's state keeps at most 200 transitions (kMaxHistory); each reason is one of its
  // sentences (≈ 250 characters) with at most one stage name, or an operator's reason (≤ 200),
  // and the one rollback may list critical metric names: ≤ 200 × 450 + 2 × spec.
  machine: 256 * Ki,
  action: 8 * Ki, // the last action's reasons, capped by capReasons
  analysis: 64 * Ki, // lastAnalysis: replaced by its decision and score above this
  history: 256 * Ki, // the edge's decision history: oldest entries dropped above this
  sources: 32 * Ki, // ISOLATES_MAX entries of the status' per-source table
  dedupe: 208 * Ki, // DEDUPE_MAX entries of ≤ 104 characters ([id ≤ 64, seq ≤ 16 digits, ms])
  counters: 2 * Ki, // a fixed set of keys (metrics.js emptyCounters)
  // A latency sketch has the edge's parameters (merge refuses others): ≤ 2 signs × 2048 buckets
  // of counts ≤ 2^53 (16 digits and a comma), plus its header.
  sketch: 70 * Ki,
  // A Server-Timing sketch (timing.js) has the edge's timing parameters (engine.newTimingSketch:
  // 2 signs × 512 buckets of ≤ 17 characters, plus its header); at most TIMING_NAMES_MAX per arm.
  timingSketch: 18 * Ki,
  // A unit summary (units.js) has at most EVENT_UNITS_MAX records of ≤ EVENT_NAMES_MAX tallies:
  // a record is ≤ 23 characters (`,["<16 hex>",1]`) and a tally ≤ 36 (`,e,count ≤ 7 digits,sum
  // %.17g ≤ 24`), so ≤ 167 characters a unit. Windows only: the totals carry none (units.js).
  units: 4096 * 168,
  report: 256 * Ki, // a stored mismatch report with examples (the coordinator's totals)
  reportNoExamples: 128 * Ki, // a stored report without examples (windows, aggregators)
};

/** Largest summary a worker or an aggregator may post (HTTP body, bytes). */
export const REPORT_BODY_MAX = 8 << 20;

/** Server-Timing names the edge stores per arm (its storage cap; the core bounds names too). */
export const TIMING_NAMES_MAX = 8;

/** Event names the edge collects (ROLLGATE_EVENTS): its storage cap (the core allows 16 per summary). */
export const EVENT_NAMES_MAX = 4;

/**
 * Exact unit records a unit summary keeps per arm and window at the edge (the core's maxUnits):
 * past it the core keeps a consistent hash sample, which bounds the storage and limits power
 * (docs/edge.md, "Events").
 */
export const EVENT_UNITS_MAX = 4096;

/**
 * A record never exceeds this (checked at every save; see docs/edge.md for the sum): 2 MiB, plus
 * 4 arms' (window and total, stable and canary) Server-Timing sketches, plus the window's 2 unit
 * summaries.
 */
export const RECORD_BOUND = 2048 * Ki + 4 * TIMING_NAMES_MAX * BUDGET.timingSketch + 2 * BUDGET.units;

export const HISTORY_MAX = 500; // entries of the edge's decision history
export const ISOLATES_MAX = 200; // sources (isolates or aggregators) listed in the status
export const DEDUPE_MAX = 2048; // sources whose last batch sequence is remembered
export const ID_MAX = 64; // characters of a source id
const REASONS_MAX = 12;
const REASON_CHARS = 300;

/** Reasons as stored: at most REASONS_MAX of at most REASON_CHARS characters (the rest is said). */
export function capReasons(reasons) {
  if (!Array.isArray(reasons)) return [];
  const cut = (r) => (r.length > REASON_CHARS ? r.slice(0, REASON_CHARS - 1) + '…' : r);
  const out = reasons.slice(0, REASONS_MAX).map((r) => cut(String(r)));
  if (reasons.length > REASONS_MAX) out[REASONS_MAX - 1] = `… and ${reasons.length - REASONS_MAX + 1} more reasons`;
  return out;
}

/** The judge's analysis as stored: whole, or its decision and score when larger than its budget. */
export function boundAnalysis(a) {
  if (!a) return a;
  const text = JSON.stringify(a);
  if (text.length <= BUDGET.analysis) return a;
  return { decision: a.decision, score: a.score, reasons: capReasons(a.reasons), truncated: `${text.length} characters` };
}

/** Why a report's limits (its wire `limits`) exceed what the edge stores, or null. */
export function reportLimitsProblem(limits) {
  if (!limits || typeof limits !== 'object') return 'report without limits';
  for (const [k, cap] of Object.entries(REPORT_CAPS)) {
    if (!(limits[k] <= cap)) return `report limit ${k} ${limits[k]} above the edge's ${cap}`;
  }
  return null;
}

/**
 * A mismatch report in the form it is stored: the core's JSON, without examples when `examples`
 * is false or when it exceeds `budget` (BUDGET.report) with them, and left out (null) when even without
 * examples it exceeds BUDGET.reportNoExamples (field paths are as long as the responses' member
 * names). Returns {text, trimmed: null | 'examples' | 'omitted'}; `text` is JSON or 'null'.
 */
export function storedReport(report, examples, budget = BUDGET.report) {
  if (!report) return { text: 'null', trimmed: null };
  const wire = engine.reportToWire(report);
  let hadExamples = false;
  if (examples) {
    const text = JSON.stringify(wire);
    if (text.length <= budget) return { text, trimmed: null };
  }
  for (const f of Object.values(wire.fields || {})) {
    if (f.examples && f.examples.length) hadExamples = true;
    f.examples = [];
  }
  const text = JSON.stringify(wire);
  if (text.length <= BUDGET.reportNoExamples) return { text, trimmed: examples && hadExamples ? 'examples' : null };
  return { text: 'null', trimmed: 'omitted' };
}

/** A latency sketch as stored (never trimmed: decision state; bounded by its parameters). */
export function storedSketch(sketch) {
  return sketch ? JSON.stringify(engine.sketchToWire(sketch)) : 'null';
}

/**
 * One arm in its wire form (metrics.js) as JSON text for storage: counts, the sketch, and the
 * report as storedReport gives it. `trim` collects what was trimmed.
 */
export function storedArm(a, examples, trim, budget) {
  const { sketch, report, timing, units, unitNames, ...counts } = a;
  const rep = storedReport(report, examples, budget);
  if (rep.trimmed) trim[rep.trimmed] = (trim[rep.trimmed] || 0) + 1;
  const head = JSON.stringify({
    requests: counts.requests,
    newUnits: counts.newUnits,
    statuses: counts.statuses,
    errors: counts.errors,
    networkErrors: counts.networkErrors,
    shadow: counts.shadow,
    exposures: counts.exposures,
  });
  const tm = timing ? objectText(Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, storedSketch(v)]))) : 'null';
  const un = units ? JSON.stringify(engine.unitsToWire(units)) : 'null';
  return `${head.slice(0, -1)},"latency":${storedSketch(sketch)},"mismatches":${rep.text},"timing":${tm},"units":${un}}`;
}

/** Assembles a JSON object's text from members that are JSON texts already. */
export function objectText(members) {
  return '{' + Object.entries(members).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',') + '}';
}
