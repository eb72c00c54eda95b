// The evidence of a finished rollout, read from the coordinator's status: the decision that ended
// it (its log entry), the window it was taken on (the coordinator's series, with per-arm counts
// and latency quantiles) and the core's analysis of that window. Nothing is judged again here:
// every number is the coordinator's. Pure: the page and the browser tests use it.

/** @typedef {import('./status.js').HistoryEntry} HistoryEntry */
/** @typedef {import('./status.js').WindowPoint} WindowPoint */

/**
 * @typedef {object} Evidence
 * @property {'rollback' | 'complete'} action
 * @property {HistoryEntry | null} entry       the decision that ended the rollout
 * @property {WindowPoint | null} window       the window it was taken on (null for an operator's command)
 * @property {import('rollgate').Analysis | null} analysis  the core's analysis of that window
 * @property {boolean} byOperator
 */

/**
 * @param {{finished: boolean, history: HistoryEntry[], series: WindowPoint[], analysis: any, summary: Record<string, any> | null}} status
 * @returns {Evidence | null}
 */
export function finishedEvidence(status) {
  if (!status.finished) return null;
  const action = status.summary?.status === 'completed' ? 'complete' : 'rollback';
  const entry = [...status.history].reverse().find((h) => h.action === action) ?? null;
  const byOperator = entry?.actor === 'operator';
  const window = byOperator ? null : [...status.series].reverse().find((w) => w.action === action) ?? null;
  // lastAnalysis is the analysis of the last judged window: the decisive one unless an operator
  // ended the rollout (then it is only the latest evidence, shown as such).
  const analysis = status.analysis && Array.isArray(status.analysis.metrics) ? status.analysis : null;
  return { action, entry, window, analysis, byOperator };
}

/**
 * The words of the evidence: "canary p90 150 ms against 12 ms; 3 errors in 196 requests against
 * 0 in 204" (numbers as the coordinator measured them in that window).
 * @param {WindowPoint} w
 * @param {(x: number | null | undefined) => string} ms
 * @param {(x: number) => string} count
 * @returns {string[]}
 */
export function windowWords(w, ms, count) {
  const out = [];
  if (w.canary.p90 != null || w.stable.p90 != null) out.push(`canary p90 ${ms(w.canary.p90)} against ${ms(w.stable.p90)} on stable`);
  out.push(`canary ${count(w.canary.errors)} error${w.canary.errors === 1 ? '' : 's'} in ${count(w.canary.requests)} requests against ${count(w.stable.errors)} in ${count(w.stable.requests)} on stable`);
  return out;
}
