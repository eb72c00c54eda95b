// The History view: every rollout the coordinator has run (GET /__rollgate/rollouts, with this
// tab's token), the current one on top; opening one shows its report as it was saved (outcome,
// stages reached, duration, reason, the per-metric series), exports it (JSON, CSV, PNG) and gives
// a share link "#history/report=<id>@<started>" that reopens the same view: from this browser's
// saved reports, else from the coordinator (the token stays in the tab, never in the link).
import { $, el, clear, one, input } from '../app/dom.js';
import { state } from '../app/state.js';
import { read, adminBase } from '../app/control.js';
import { viewParam } from '../app/router.js';
import { readStatus } from '../status.js';
import { renderSeries } from './series.js';
import { reportCsv, download, chartsPng } from '../export.js';
import { fmtTime, fmtDuration, fmtCount, fmtPct, statusWords } from '../format.js';

/** Saved reports in this browser, by key (at most SAVED_MAX, the oldest go first). */
const SAVED = 'rollgate.reports.v1';
const SAVED_MAX = 10;

/**
 * @typedef {{id: string, startedAt: string, endedAt?: string, durationMs?: number, outcome: string, stagesReached?: number, stages?: number | null, reason?: string, index?: number}} Summary
 * @typedef {{format: string, summary: Summary, status: any}} Report
 */

/** @type {{key: string, report: Report, live: boolean} | null} */
let opened = null;
/** @type {Summary[]} */
let list = [];
let listNote = '';
/** @type {string | null | undefined} the coordinator the list was read from (undefined: never read) */
let fetchedFrom;

/** @param {Summary} s */
const keyOf = (s) => `${s.id}@${s.startedAt}`;

/** @returns {Record<string, Report>} */
function saved() {
  try {
    return JSON.parse(localStorage.getItem(SAVED) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

/** @param {string} key @param {Report} report */
function keep(key, report) {
  const all = saved();
  delete all[key];
  all[key] = report;
  const keys = Object.keys(all);
  for (const k of keys.slice(0, Math.max(0, keys.length - SAVED_MAX))) delete all[k];
  try {
    localStorage.setItem(SAVED, JSON.stringify(all));
  } catch {
    /* full: the report is still shown, only not kept */
  }
}

/** The live rollout as a report (what the coordinator says of it now). @returns {Report | null} */
function liveReport() {
  const st = state.status;
  const raw = /** @type {any} */ (st?.raw);
  if (!st || !raw?.rollout?.id) return null;
  const last = st.history.at(-1);
  return {
    format: 'rollgate.rollout_report',
    summary: {
      id: raw.rollout.id,
      startedAt: raw.rollout.startedAt,
      outcome: st.summary?.status ?? 'running',
      stagesReached: st.summary?.stage,
      stages: st.plan?.stages?.length ?? null,
      durationMs: (last?.lastAtMs ?? last?.atMs ?? st.nowMs) - Date.parse(raw.rollout.startedAt),
      reason: last?.reason ?? '',
    },
    status: raw,
  };
}

async function refreshList() {
  fetchedFrom = adminBase();
  if (!adminBase()) {
    listNote = 'No coordinator: poll its status (Data → Live) to list its rollouts. Saved reports and report files can still be opened.';
    list = [];
  } else {
    try {
      list = (await read('rollouts')).rollouts ?? [];
      listNote = `${list.length} finished rollout${list.length === 1 ? '' : 's'} kept by the coordinator (at most 20).`;
    } catch (e) {
      list = [];
      listNote = `Could not read the coordinator’s history: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  renderHistory();
}

/**
 * Opens a report: shows it, keeps it in this browser and puts its share link in the URL.
 * @param {Report} report
 * @param {boolean} live
 */
function openReport(report, live) {
  const key = keyOf(report.summary);
  opened = { key, report, live };
  keep(key, report);
  history.replaceState(null, '', `#history/report=${encodeURIComponent(key)}`);
  drawReport();
}

/** Resolves a share link's key: this browser's saved reports, the current rollout, the coordinator. @param {string} key */
async function openKey(key) {
  const local = saved()[key];
  if (local) return openReport(local, false);
  const live = liveReport();
  if (live && keyOf(live.summary) === key) return openReport(live, true);
  if (fetchedFrom === undefined) await refreshList();
  const s = list.find((x) => keyOf(x) === key);
  if (s) return openReport(await read(`rollouts/${s.index}`), false);
  $('report-summary').textContent = `The report ${key} is not saved in this browser, and ${adminBase() ? 'the coordinator does not have it' : 'no coordinator is polled (Data → Live, with its token) to ask for it'}.`;
}

export function renderHistory() {
  if (fetchedFrom !== adminBase()) refreshList();
  $('history-status').textContent = listNote;
  const tb = clear(one('#rollouts-table tbody'));
  const live = liveReport();
  /** @type {{s: Summary, open: () => void | Promise<void>}[]} */
  const rows = [];
  if (live && !list.some((x) => keyOf(x) === keyOf(live.summary))) rows.push({ s: live.summary, open: () => openReport(live, true) });
  for (const s of list) rows.push({ s, open: async () => openReport(await read(`rollouts/${s.index}`), false) });
  const local = saved();
  for (const [k, r] of Object.entries(local).reverse()) if (!rows.some((x) => keyOf(x.s) === k)) rows.push({ s: { ...r.summary, reason: `${r.summary.reason ?? ''} (saved in this browser)` }, open: () => openReport(r, false) });
  if (!rows.length) tb.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No rollout yet.')));
  for (const { s, open } of rows) {
    const b = el('button', { type: 'button', 'data-key': keyOf(s) }, 'Open');
    b.addEventListener('click', () => Promise.resolve(open()).catch((e) => ($('report-summary').textContent = `Could not open it: ${e instanceof Error ? e.message : String(e)}`)));
    tb.append(el('tr', { 'data-outcome': s.outcome }, el('td', {}, s.id), el('td', {}, statusWords(s.outcome)), el('td', {}, s.stagesReached != null ? `${s.stagesReached}${s.stages != null ? ` of 0–${s.stages - 1}` : ''}` : '—'),
      el('td', {}, s.startedAt ? fmtTime(s.startedAt) : '—'), el('td', {}, fmtDuration(s.durationMs)), el('td', {}, s.reason ?? ''), el('td', {}, b)));
  }
  const p = viewParam();
  const want = p.startsWith('report=') ? decodeURIComponent(p.slice(7)) : null;
  if (want && opened?.key !== want) {
    opened = null;
    openKey(want).catch((e) => ($('report-summary').textContent = `Could not open ${want}: ${e instanceof Error ? e.message : String(e)}`));
  } else if (opened?.live) {
    const now = liveReport();
    if (now && keyOf(now.summary) === opened.key) {
      opened.report = now;
      drawReport();
    }
  } else if (opened && drawnWidth !== window.innerWidth) drawReport(); // charts take the window's width
}

/** The window's width the report's charts were drawn at. */
let drawnWidth = 0;

function drawReport() {
  if (!opened) return;
  drawnWidth = window.innerWidth;
  const { summary: s, status } = opened.report;
  const st = readStatus(status);
  $('report-title').textContent = `Report: ${s.id} — ${statusWords(s.outcome)}${opened.live ? ' (live)' : ''}`;
  $('report-summary').textContent = `Started ${fmtTime(s.startedAt)}, ${opened.live ? 'running for' : 'lasted'} ${fmtDuration(s.durationMs)}; reached stage ${s.stagesReached ?? '—'}${s.stages != null ? ` of 0–${s.stages - 1}` : ''}.${s.reason ? ` ${s.reason}` : ''}`;
  $('share-out').textContent = '';
  const box = $('series-cards');
  renderSeries(box, st.series);
  // As it was: the blast radius and the decision log of the saved status, under the series.
  const b = st.blastRadius;
  if (b) box.prepend(el('p', { 'data-role': 'report-blast' }, `Blast radius: the canary answered ${fmtCount(b.canaryRequests)} requests${b.afterRegression ? `, ${fmtCount(b.afterRegression.requests)} of them after the regression began (window ${b.regressionWindow}, ${fmtTime(b.regressionAt ?? 0)})` : ''}.`));
  box.append(el('details', {}, el('summary', {}, `Decision log (${st.history.length} entries)`),
    el('div', { class: 'scroll', tabindex: 0 }, el('table', { class: 'table compact' },
      el('thead', {}, el('tr', {}, ...['time', 'by', 'action', 'stage', 'traffic', 'verdict', 'reasons'].map((x) => el('th', { scope: 'col' }, x)))),
      el('tbody', {}, ...st.history.map((e) => el('tr', {}, el('td', {}, fmtTime(e.atMs)), el('td', {}, e.actor ?? ''), el('td', {}, `${e.action ?? ''}${e.repeats > 1 ? ` ×${e.repeats}` : ''}`),
        el('td', {}, e.toStage != null ? String(e.toStage) : ''), el('td', {}, fmtPct(e.percent)), el('td', {}, e.verdict ?? ''), el('td', {}, e.reason))))))));
}

$('history-refresh').addEventListener('click', () => refreshList());
input('report-file').addEventListener('change', async (e) => {
  const f = /** @type {HTMLInputElement} */ (e.target).files?.[0];
  if (!f) return;
  try {
    const r = JSON.parse(await f.text());
    if (r?.format !== 'rollgate.rollout_report' || !r.summary?.id) throw new Error('not a rollgate rollout report (format "rollgate.rollout_report")');
    openReport(r, false);
  } catch (err) {
    $('report-summary').textContent = `${f.name}: ${err instanceof Error ? err.message : String(err)}`;
  }
});
const base = () => (opened ? `rollgate-${opened.report.summary.id}` : 'rollgate-report');
$('export-json').addEventListener('click', () => opened && download(`${base()}.json`, new Blob([JSON.stringify(opened.report, null, 2)], { type: 'application/json' })));
$('export-csv').addEventListener('click', () => opened && download(`${base()}.csv`, new Blob([reportCsv(readStatus(opened.report.status).series)], { type: 'text/csv' })));
$('export-png').addEventListener('click', async () => {
  if (!opened) return;
  try {
    download(`${base()}.png`, await chartsPng($('series-cards'), `rollgate · ${opened.report.summary.id}`));
  } catch (e) {
    $('share-out').textContent = e instanceof Error ? e.message : String(e);
  }
});
$('share-link').addEventListener('click', () => {
  if (!opened) return;
  const link = `${location.origin}${location.pathname}#history/report=${encodeURIComponent(opened.key)}`;
  $('share-out').textContent = `Share link (no token in it; it reopens from this browser’s saved reports, or from the coordinator for anyone holding its token): ${link}`;
  $('share-out').dataset.link = link;
  // (the clipboard may be refused or never answer: the link is shown either way)
  navigator.clipboard?.writeText(link).catch(() => {});
});
