// Reading the package's result objects (and the edge worker's copies of them) into the one shape
// the views use. Pure functions, shared by the page and the worker.

export const num = (x) => (x === undefined || x === null ? null : Number(x));
export const pick = (o, ...names) => {
  if (!o) return undefined;
  for (const n of names) if (o[n] !== undefined) return o[n];
  return undefined;
};

/** The judge's analysis (docs/canary.md, camelCase JSON) in the one shape the views use. */
export function normJudge(r) {
  if (!r) return null;
  const metricsRaw = pick(r, 'metrics', 'results') ?? [];
  const list = Array.isArray(metricsRaw) ? metricsRaw : Object.entries(metricsRaw).map(([name, m]) => ({ name, ...m }));
  const metrics = list.map((m) => {
    const effect = pick(m, 'effect', 'estimate');
    const interval = pick(m, 'interval', 'ci', 'confidenceInterval', 'confidence_interval');
    return {
      name: pick(m, 'name', 'metric', 'key'),
      classification: String(pick(m, 'outcome', 'classification', 'verdict', 'result') ?? ''),
      pValue: num(pick(m, 'pValue', 'p_value', 'p')),
      effect: num(typeof effect === 'object' && effect ? pick(effect, 'estimate', 'value') : effect),
      lower: num(pick(m, 'lower') ?? (Array.isArray(interval) ? interval[0] : pick(interval, 'lower', 'low'))),
      upper: num(pick(m, 'upper') ?? (Array.isArray(interval) ? interval[1] : pick(interval, 'upper', 'high'))),
      relative: pick(m, 'relative', 'relativeEffect', 'relative_effect') ?? null,
      test: pick(m, 'test', 'method') ?? null,
      score: num(pick(m, 'score')),
      weight: num(pick(m, 'weight')),
      group: m.group ?? null,
      reason: pick(m, 'reason', 'message', 'explanation') ?? (Array.isArray(m.reasons) ? m.reasons.join('; ') : null),
      critical: !!m.critical,
      direction: m.direction ?? null,
      kind: m.kind ?? null,
      checks: m.checks ?? [],
      raw: m,
    };
  });
  return {
    decision: String(pick(r, 'decision', 'verdict') ?? '').toUpperCase(),
    score: num(pick(r, 'score')),
    reasons: pick(r, 'reasons', 'messages') ?? [],
    criticalFailures: pick(r, 'criticalFailures', 'critical_failures') ?? [],
    groups: pick(r, 'groups') ?? [],
    srm: pick(r, 'srm', 'sampleRatioMismatch', 'sample_ratio_mismatch') ?? null,
    metrics,
    raw: r,
  };
}

