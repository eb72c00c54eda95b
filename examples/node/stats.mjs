// Canary statistics with scipy's names and semantics.
// Run: node examples/node/stats.mjs
import { init, stats, QuantileSketch } from 'rollgate';

await init();
const canary = [19, 22, 16, 29, 24];
const baseline = [20, 11, 17, 12];
const mw = stats.mannWhitneyU(canary, baseline, { alternative: 'greater' });
console.log(`Mann-Whitney U = ${mw.statistic}, p = ${mw.pValue.toFixed(6)} (${mw.method})`);
const w = stats.welchT(canary, baseline);
console.log(`Welch t = ${w.statistic.toFixed(6)}, df = ${w.df.toFixed(4)}, p = ${w.pValue.toFixed(6)}`);
const f = stats.fisherExact([[8, 2], [1, 5]]);
console.log(`Fisher exact: odds ratio ${f.oddsRatio}, p = ${f.pValue.toFixed(6)}`);
const s = stats.srm([5023, 4977], [50, 50]);
console.log(`sample-ratio mismatch: chi2 = ${s.statistic.toFixed(4)}, p = ${s.pValue.toFixed(4)}`);

// Latencies from two workers, merged: the same as one sketch of both.
const a = new QuantileSketch().addAll(Float64Array.from({ length: 1000 }, (_, i) => 10 + i / 10));
const b = new QuantileSketch().addAll(Float64Array.from({ length: 1000 }, (_, i) => 20 + i / 10));
a.merge(b);
console.log(`merged sketch: count ${a.count}, p50 ≈ ${a.quantile(0.5).toFixed(1)}, p99 ≈ ${a.quantile(0.99).toFixed(1)}`);
a.dispose();
b.dispose();
