// Exports of a rollout report: the report as JSON (what the coordinator saved), its window series
// as CSV (one row per window, the numbers the charts draw), and the charts as one PNG. Pure
// formatting: reportCsv is used by the browser tests too.

/** @typedef {import('./status.js').WindowPoint} WindowPoint */

/** @param {unknown} v */
const cell = (v) => {
  if (v == null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The series as CSV: window, time (ISO), stage, traffic %, action, verdict, score, per arm
 * requests / errors / users / p50 / p90 / p99 (ms), then per metric outcome, estimate and interval.
 * @param {WindowPoint[]} series
 */
export function reportCsv(series) {
  const names = [...new Set(series.flatMap((w) => w.metrics.map((m) => m.name)))];
  const arm = ['requests', 'errors', 'units', 'p50_ms', 'p90_ms', 'p99_ms'];
  const head = ['window', 'time', 'stage', 'traffic_percent', 'action', 'verdict', 'score',
    ...['stable', 'canary'].flatMap((a) => arm.map((k) => `${a}_${k}`)),
    ...names.flatMap((n) => [`${n}_outcome`, `${n}_estimate`, `${n}_lower`, `${n}_upper`])];
  const rows = series.map((w) => {
    const a = (/** @type {import('./status.js').ArmPoint} */ x) => [x.requests, x.errors, x.units, x.p50, x.p90, x.p99];
    const ms = names.flatMap((n) => {
      const m = w.metrics.find((x) => x.name === n);
      return [m?.classification, m?.estimate, m?.interval?.[0], m?.interval?.[1]];
    });
    return [w.window, new Date(w.at).toISOString(), w.stage, w.percent, w.action, w.verdict, w.score, ...a(w.stable), ...a(w.canary), ...ms];
  });
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/**
 * Offers a download of `data` as a file.
 * @param {string} name
 * @param {Blob} blob
 */
export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * Every chart canvas in `box`, stacked with its title into one PNG.
 * @param {HTMLElement} box
 * @param {string} title
 * @returns {Promise<Blob>}
 */
export function chartsPng(box, title) {
  const canvases = /** @type {HTMLCanvasElement[]} */ ([...box.querySelectorAll('canvas')]);
  if (!canvases.length) return Promise.reject(new Error('no chart to export'));
  const pad = 28;
  const width = Math.max(...canvases.map((c) => c.width));
  const height = canvases.reduce((h, c) => h + c.height + pad, pad);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext('2d'));
  const css = getComputedStyle(document.documentElement);
  ctx.fillStyle = css.getPropertyValue('--card').trim() || '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = css.getPropertyValue('--ink').trim() || '#000';
  ctx.font = '14px sans-serif';
  ctx.fillText(title, 8, 18);
  let y = pad;
  for (const c of canvases) {
    const label = c.closest('.chart')?.getAttribute('aria-label') ?? '';
    ctx.fillText(label, 8, y + 16);
    ctx.drawImage(c, 0, y + 22);
    y += c.height + pad;
  }
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed'))), 'image/png'));
}
