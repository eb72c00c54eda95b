// The dashboard page: inputs (files, examples, live status polling), persisted state, tabs, and
// the rendering of each view. Every computation about the data is sent to the Web Worker
// (src/worker.js → src/engine.js → the rollgate package); this file only formats results.
import { detectKind, parseJSON, readStatus, InputError, locatePointer } from './data.js';
import * as charts from './charts.js';
import { fmt, fmtP, fmtPct, fmtDuration, fmtTime, el, clear, classify, decisionOf } from './format.js';

// ------------------------------------------------------------------------------------------------
// Worker RPC with a progress indicator

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
const busy = { bar: document.getElementById('busy-bar'), box: document.getElementById('busy'), label: document.getElementById('busy-label'), text: document.getElementById('busy-text'), jobs: 0 };

worker.onmessage = ({ data }) => {
  const job = pending.get(data.id);
  if (!job) return;
  if (data.progress) {
    const { done, total, label } = data.progress;
    busy.bar.max = total || 1;
    busy.bar.value = done;
    busy.text.textContent = `${label}: ${total > 100 ? `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}` : `${Math.round((100 * done) / (total || 1))}%`}`;
    return;
  }
  pending.delete(data.id);
  if (job.title && --busy.jobs === 0) busy.box.hidden = true;
  if (data.error) job.reject(Object.assign(new Error(data.error.message), data.error));
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

function rpc(method, args, title) {
  const id = nextId++;
  if (title) {
    busy.jobs++;
    busy.box.hidden = false;
    busy.label.textContent = title;
    busy.bar.removeAttribute('value');
    busy.text.textContent = '';
  }
  const p = new Promise((resolve, reject) => pending.set(id, { resolve, reject, title }));
  worker.postMessage({ id, method, args });
  return p;
}

// ------------------------------------------------------------------------------------------------
// State: inputs by kind, UI settings; kept in localStorage (the token in sessionStorage only)

const STORE = 'rollgate.dashboard.v1';
const state = {
  inputs: {}, // kind -> {name, text, source}
  ui: {},
  analysis: null, // last canary analysis (worker result)
  next: null, // nextAction result
  status: null, // last edge status snapshot (readStatus)
  mismatch: null,
};
try {
  Object.assign(state, JSON.parse(localStorage.getItem(STORE) ?? '{}'));
} catch {
  /* a damaged store is ignored */
}
state.analysis = state.next = state.status = state.mismatch = null;
try {
  if (state.inputs.status) state.status = readStatus(JSON.parse(state.inputs.status.text));
} catch {
  delete state.inputs.status;
}

// Inputs above this size are not kept across reloads: local storage holds about 5 MB per origin,
// and serialising megabytes on every change would stall the page.
const KEEP_MAX = 1_000_000;
function save() {
  const inputs = Object.fromEntries(Object.entries(state.inputs).filter(([, v]) => v.text.length <= KEEP_MAX));
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
// Tabs (arrow keys move between tabs; the view is kept in the URL hash)

const tabs = [...document.querySelectorAll('[role="tab"]')];
const views = Object.fromEntries(tabs.map((t) => [t.dataset.view, document.getElementById(t.getAttribute('aria-controls'))]));
let current = null;

function show(view, focus = false) {
  if (!views[view]) view = 'rollout';
  current = view;
  for (const t of tabs) {
    const on = t.dataset.view === view;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    views[t.dataset.view].hidden = !on;
    if (on && focus) t.focus();
  }
  if (location.hash !== `#${view}`) history.replaceState(null, '', `#${view}`);
  renderView(view);
}
tabs.forEach((t, i) => {
  t.addEventListener('click', () => show(t.dataset.view));
  t.addEventListener('keydown', (e) => {
    const k = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (k) show(tabs[(i + k + tabs.length) % tabs.length].dataset.view, true);
    else if (e.key === 'Home') show(tabs[0].dataset.view, true);
    else if (e.key === 'End') show(tabs[tabs.length - 1].dataset.view, true);
  });
});
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
// Charts are drawn at the width of their box: redraw the view when the window's width changes.
let resizeTimer = null;
let lastWidth = window.innerWidth;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    renderView(current);
  }, 200);
});

function renderView(view) {
  ({ rollout: renderRollout, canary: renderCanary, dark: renderDark, bucketing: () => {}, flags: () => {}, data: renderInputs })[view]?.();
}

// ------------------------------------------------------------------------------------------------
// Engine status

function setEngine(text, ok) {
  const e = document.getElementById('engine-status');
  e.textContent = text;
  e.className = `engine ${ok ? 'ok' : ok === false ? 'bad' : ''}`;
}

// ------------------------------------------------------------------------------------------------
// Inputs

const KIND_LABEL = {
  samples: 'metric samples',
  canaryConfig: 'canary config',
  plan: 'rollout plan',
  rollout: 'rollout state',
  flags: 'flag config',
  context: 'evaluation context',
  mismatch: 'mismatch report',
  status: 'edge status',
  baselineArm: 'baseline arm (waiting for the canary arm)',
  canaryArm: 'canary arm (waiting for the baseline arm)',
};

async function addInput(name, text, source = 'file', kindHint) {
  // Big files are recognised in the worker (JSON.parse of megabytes would block the page).
  let kind = kindHint ?? (text.length > 500_000 ? await rpc('detect', { text, name }, `Reading ${name}`) : detectKind(text, name));
  if (kind === 'unknown') throw new InputError(`${name}: not recognised (expected samples, a canary config, a plan, a rollout state, a flag config, a mismatch report or a status snapshot)`);
  if (kind === 'baselineArm' || kind === 'canaryArm') {
    // One arm of the judge's input ({"metrics": {...}}): kept until the other arm arrives.
    state.inputs[kind] = { name, text, source };
    const b = state.inputs.baselineArm, c = state.inputs.canaryArm;
    if (!b || !c) return kind;
    delete state.inputs.baselineArm;
    delete state.inputs.canaryArm;
    kind = 'samples';
    name = `${b.name} + ${c.name}`;
    text = `{"baseline": ${b.text}, "canary": ${c.text}}`;
  }
  state.inputs[kind] = { name, text, source };
  if (kind === 'status') state.status = readStatus(JSON.parse(text));
  if (kind === 'flags') setPlayground(text);
  if (kind === 'context') document.getElementById('flags-context').value = text;
  save();
  return kind;
}

async function loadFiles(files) {
  const kinds = new Set();
  const fileErrors = [];
  for (const f of files) {
    try {
      kinds.add(await addInput(f.name, await f.text(), 'file'));
    } catch (e) {
      fileErrors.push(e.message);
    }
  }
  await recompute(kinds, fileErrors);
}

async function loadExamples(which = 'default') {
  const manifest = await (await fetch('./examples/manifest.json')).json();
  state.status = null;
  delete state.inputs.status;
  const set = manifest.sets[which] ?? manifest.sets.default;
  for (const k of Object.keys(state.inputs)) if (state.inputs[k].source === 'example') delete state.inputs[k];
  delete state.inputs.canaryConfig; // a set without one judges with the plan's stage config
  const get = async (file) => {
    const res = await fetch(`./examples/${file}`);
    if (!res.ok) throw new Error(`examples/${file}: HTTP ${res.status}`);
    return res.text();
  };
  for (const [kind, file] of Object.entries(set)) {
    if (kind === 'label') continue;
    if (Array.isArray(file)) {
      // [baseline, canary]: the judge's two input documents, combined into one samples input
      const [b, c] = await Promise.all(file.map(get));
      await addInput(file.join(' + '), `{"baseline": ${b}, "canary": ${c}}`, 'example', kind);
    } else {
      await addInput(file, await get(file), 'example', kind);
    }
  }
  if (!set.rollout) delete state.inputs.rollout;
  if (!set.plan) delete state.inputs.plan;
  save();
  await recompute(new Set(Object.keys(state.inputs)));
}

function renderInputs() {
  const tb = document.querySelector('#inputs-table tbody');
  clear(tb);
  for (const [kind, v] of Object.entries(state.inputs))
    tb.append(el('tr', {}, el('td', {}, KIND_LABEL[kind] ?? kind), el('td', {}, `${v.name} (${v.source})${v.text.length > KEEP_MAX ? ' — too big to keep across reloads' : ''}`), el('td', { class: 'num' }, `${(v.text.length / 1024).toFixed(1)} KiB`)));
  const src = document.getElementById('sources');
  const names = Object.values(state.inputs).map((v) => v.name);
  src.textContent = names.length ? `data: ${names.join(' · ')}` : 'no data loaded';
  if (state.status) src.textContent = `live: ${state.ui.pollUrl ?? 'status snapshot'} (replaces the plan, state, samples and mismatch files) · ${src.textContent}`;
}

// ------------------------------------------------------------------------------------------------
// Recomputing what depends on the inputs

function json(kind) {
  const v = state.inputs[kind];
  return v ? parseJSON(v.text, v.name) : null;
}

// Recomputations run one after another, in the order asked: a slow analysis of an earlier input
// can never land after (and overwrite) a later one's result.
let recomputeChain = Promise.resolve();
function recompute(...args) {
  recomputeChain = recomputeChain.then(() => recomputeNow(...args));
  return recomputeChain;
}

async function recomputeNow(kinds = new Set(Object.keys(state.inputs)), fileErrors = []) {
  renderInputs();
  const errBox = document.getElementById('data-error');
  const errors = [];
  // Each step on its own: a bad mismatch report must not hide the canary analysis, and so on.
  const step = async (fn) => {
    try {
      await fn();
    } catch (e) {
      errors.push(e.pointer && !e.message.includes(e.pointer) ? `${e.message} (at ${e.pointer})` : e.message);
    }
  };
  if (['samples', 'canaryConfig', 'status', 'plan', 'rollout'].some((k) => kinds.has(k))) {
    await step(analyse);
    await step(decideNext);
  }
  if (kinds.has('mismatch') || kinds.has('status')) await step(loadMismatch);
  state.error = errors[0] ?? null;
  errBox.textContent = [...fileErrors, ...errors].join(' · ');
  renderView(current);
  document.body.dataset.ready = 'true';
  document.body.dataset.recomputed = String(++recomputes);
}
let recomputes = 0;

async function analyse() {
  state.analysis = null; // never show a stale verdict if this one fails
  const samples = state.inputs.samples;
  const cfg = state.inputs.canaryConfig ? state.inputs.canaryConfig.text : null;
  const { plan, rstate } = planAndState();
  const stage = rstate?.stage ?? 0;
  const args = { config: cfg, plan: cfg ? null : plan, stage };
  // A live status (polled or dropped) takes precedence over sample files.
  if (state.status?.judgeInput && (cfg || plan)) {
    state.analysis = await rpc('analyse', { ...args, samples: state.status.judgeInput }, 'Analysing the live window');
  } else if (samples && (cfg || plan)) {
    state.analysis = await rpc('analyse', { ...args, samplesText: samples.text, samplesName: samples.name }, 'Analysing canary samples');
  } else {
    state.analysis = null;
  }
}

function planAndState() {
  const st = state.status;
  const rollout = json('rollout');
  const rstate = st?.state ?? rollout?.state ?? null;
  return {
    plan: st?.plan ?? json('plan') ?? null,
    rstate,
    // the coordinator's decision log (with verdicts) when live, else the state machine's own
    history: st?.history?.length ? st.history : rstate?.history ?? [],
    flag: st ? st.flag : rollout?.flag ?? null,
    // "now" of a saved state is when it was saved; of a live status, when it was read.
    nowMs: st ? st.nowMs : rollout?.asOfMs ?? Date.now(),
  };
}

async function decideNext() {
  const { plan, rstate, nowMs } = planAndState();
  state.next = null;
  if (plan && rstate) {
    try {
      state.next = (await rpc('rollout', { plan, state: rstate, analysis: state.analysis?.verdict.raw ?? null, nowMs })).next;
    } catch (e) {
      state.next = { action: '', reasons: [`next action unavailable: ${e.message}`] };
    }
  }
}

async function loadMismatch() {
  state.mismatch = null;
  const rep = state.status?.mismatch ?? json('mismatch') ?? null; // a report, or the edge's list of reports
  state.mismatch = rep ? await rpc('mismatch', { report: rep }) : null;
}

// ------------------------------------------------------------------------------------------------
// Rollout view

/** A metric of a canary config, in words: "latency (critical): Mann-Whitney ≤ +10%/5; p99 ≤ 500". */
function metricWords(m) {
  const parts = [];
  if (m.compare !== false && m.allowedChange) {
    const a = m.allowedChange;
    const lim = [a.relative != null ? `${+(a.relative * 100).toFixed(3)}%` : null, a.absolute != null ? String(a.absolute) : null].filter(Boolean).join(' / ');
    parts.push(`allowed ${m.direction === 'decrease' ? 'drop' : m.direction === 'either' ? 'change' : 'rise'} ${lim}`);
  }
  for (const g of m.gates ?? []) parts.push(`${g.stat} ${g.max != null ? `≤ ${g.max}` : `≥ ${g.min}`}`);
  return `${m.name}${m.critical ? ' (critical)' : ''}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

function stageInfo(plan, s, i) {
  const percent = s.percent ?? s.percentage ?? s.traffic ?? null;
  const minMs = s.minDurationMs ?? s.min_duration_ms ?? s.minWindowMs ?? null;
  const maxMs = s.maxDurationMs ?? s.max_duration_ms ?? null;
  const byName = Object.fromEntries((plan.canary?.metrics ?? []).map((m) => [m.name, m]));
  const g = s.gates ?? [];
  let gates;
  if (Array.isArray(g)) gates = g.map((x) => (typeof x === 'string' ? (byName[x] ? metricWords(byName[x]) : x) : metricWords(x)));
  else if (g && Array.isArray(g.metrics)) gates = g.metrics.map(metricWords);
  else gates = [];
  return { index: i, name: s.name ?? '', percent, minMs, maxMs, gates };
}

const ACTION_DECISION = { advance: 'PASS', complete: 'PASS', hold: 'HOLD', rollback: 'ROLLBACK' };

function renderRollout() {
  const { plan, rstate, history, flag, nowMs } = planAndState();
  const stages = plan ? (plan.stages ?? []).map((s, i) => stageInfo(plan, s, i)) : [];
  const stageIdx = rstate?.stage ?? null;
  const verdict = state.analysis?.verdict ?? (state.status?.analysis ? { decision: decisionOf(state.status.analysis), reasons: state.status.analysis.reasons ?? [] } : null);
  const nx = state.next;

  // Decision of the current stage (the judge's), its reasons, and what the state machine does next
  const d = document.getElementById('decision');
  const decision = verdict?.decision || '';
  d.className = `decision ${decision}`;
  d.textContent = decision || (state.error ? 'analysis failed' : 'no analysis yet');
  d.dataset.decision = decision;
  const ul = clear(document.getElementById('decision-reasons'));
  const reasons = [...(verdict?.reasons ?? [])];
  if (state.error && !verdict) reasons.push(state.error);
  if (state.analysis?.srm && state.analysis.srm.pValue < state.analysis.srm.alpha) reasons.unshift(`sample-ratio mismatch (p = ${fmtP(state.analysis.srm.pValue)}): the split is off, check assignment before trusting the comparison`);
  for (const r of reasons) ul.append(el('li', {}, typeof r === 'string' ? r : r.message ?? JSON.stringify(r)));
  const chips = clear(document.getElementById('decision-metrics'));
  for (const m of state.analysis?.verdict.metrics ?? []) {
    const cls = outcomeClass(m);
    chips.append(el('span', { class: `badge ${cls}`, title: m.reason ?? '' }, `${m.name}: ${m.classification}${outcomeNote(m, cls)}`), ' ');
  }
  const na = document.getElementById('next-action');
  na.dataset.action = nx?.action ?? '';
  na.textContent = nx?.action
    ? `Next action: ${nx.action}${nx.percent != null ? ` (traffic ${fmtPct(nx.percent)})` : ''} — ${(nx.reasons ?? []).join('; ')}`
    : nx?.reasons?.length ? nx.reasons.join('; ') : '';

  // Where the rollout is
  const where = clear(document.getElementById('rollout-where'));
  const cur = stageIdx != null ? stages[stageIdx] : null;
  const started = rstate?.stageStartMs ?? rstate?.stage_start_ms ?? null;
  const elapsed = started != null ? nowMs - started : null;
  const rows = [
    ['Flag / plan', `${flag ?? '—'}${plan?.name ? ` · ${plan.name}` : ''}`],
    ['Status', rstate?.status ?? state.status?.summary?.status ?? '—'],
    ['Stage', cur ? `${stageIdx}${cur.name ? ` (${cur.name})` : ''} — stages 0 to ${stages.length - 1}` : stageIdx != null ? String(stageIdx) : '—'],
    ['Traffic', fmtPct(cur?.percent)],
    ['In stage since', started != null ? `${fmtTime(started)} (${fmtDuration(elapsed)})` : '—'],
    ['Minimum window', cur?.minMs != null ? `${fmtDuration(cur.minMs)}${elapsed != null ? (elapsed >= cur.minMs ? ' — complete' : ` — ${fmtDuration(cur.minMs - elapsed)} left`) : ''}` : '—'],
    ['Maximum', cur?.maxMs != null ? fmtDuration(cur.maxMs) : '—'],
    ['As of', fmtTime(nowMs)],
  ];
  for (const [k, v] of rows) where.append(el('dt', {}, k), el('dd', {}, v));

  // Plan
  const tb = clear(document.querySelector('#plan-table tbody'));
  if (!stages.length) tb.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No plan loaded.')));
  for (const s of stages) {
    const status = stageIdx == null ? '' : s.index < stageIdx ? 'done ✓' : s.index === stageIdx ? 'current ◀' : 'pending';
    tb.append(
      el('tr', { class: s.index === stageIdx ? 'current' : '', 'aria-current': s.index === stageIdx ? 'step' : null },
        el('td', {}, `${s.index}${s.name ? ` · ${s.name}` : ''}`), el('td', {}, fmtPct(s.percent)),
        el('td', {}, `${fmtDuration(s.minMs)}${s.maxMs != null ? ` (max ${fmtDuration(s.maxMs)})` : ''}`),
        el('td', {}, s.gates.length ? el('ul', { class: 'reasons', style: 'margin:0' }, ...s.gates.map((g) => el('li', {}, g))) : 'none'),
        el('td', {}, status)),
    );
  }

  // Timeline: each recorded action, then "now" at the current traffic
  const hist = history
    .map((h) => ({ t: +(h.atMs ?? h.t ?? new Date(h.time ?? h.at)), percent: +(h.percent ?? 0), decision: h.verdict ? decisionOf(h.verdict) : ACTION_DECISION[h.action] ?? decisionOf(h), action: h.action ?? '', stage: h.toStage ?? h.stage, note: h.reason ?? h.note ?? '' }))
    .filter((h) => Number.isFinite(h.t));
  const points = [...hist];
  if (cur && nowMs > (hist.at(-1)?.t ?? 0)) points.push({ t: nowMs, percent: cur.percent, decision: decision || '', action: 'now', stage: stageIdx, note: nx?.action ? `now: ${nx.action}` : 'now' });
  const chartEl = document.getElementById('timeline-chart');
  if (points.length) charts.timeline(chartEl, points);
  else chartEl.textContent = 'No decision history yet.';
  const ht = clear(document.querySelector('#history-table tbody'));
  for (const h of points)
    ht.append(el('tr', {}, el('td', {}, fmtTime(h.t)), el('td', {}, h.stage != null ? String(h.stage) : ''), el('td', {}, fmtPct(h.percent)), el('td', {}, h.decision ? el('span', { class: `badge ${classify(h.decision)}` }, `${h.decision}${h.action && h.action !== 'now' ? ` (${h.action})` : ''}`) : ''), el('td', {}, h.note)));
}

// ------------------------------------------------------------------------------------------------
// Canary view

function renderCanary() {
  const a = state.analysis;
  // Re-rendering (a live poll) keeps the check tables the reader opened open.
  const openChecks = new Set([...document.querySelectorAll('#metric-cards article details[open]')].map((d) => d.closest('article').dataset.metric));
  const cards = clear(document.getElementById('metric-cards'));
  const warn = document.getElementById('srm-warning');
  warn.hidden = true;
  const dec = document.getElementById('canary-decision');
  if (!a) {
    dec.textContent = '—';
    dec.className = 'decision small';
    cards.append(el('p', { class: state.error ? 'error card' : 'muted card', role: state.error ? 'alert' : null }, state.error ? `The analysis failed: ${state.error}` : 'Load metric samples and a canary config or a plan (Data tab) to analyse a canary.'));
    return;
  }
  const v = a.verdict;
  dec.textContent = v.decision;
  dec.className = `decision small ${v.decision}`;
  document.getElementById('canary-score').textContent = v.score != null ? fmt(v.score, 1) : '—';
  document.getElementById('canary-n').textContent = `${a.n.baseline.toLocaleString('en-US')} baseline · ${a.n.canary.toLocaleString('en-US')} canary`;
  document.getElementById('canary-ms').textContent = `${Math.round(a.ms)} ms`;
  const srmEl = document.getElementById('canary-srm');
  if (a.srm) {
    const bad = a.srm.pValue < a.srm.alpha;
    srmEl.textContent = `${a.srm.counts.join(' : ')} (expected ${a.srm.weights.join(' : ')}), p = ${fmtP(a.srm.pValue)} ${bad ? `< ${a.srm.alpha}: mismatch` : `≥ ${a.srm.alpha}: ok`}`;
    if (bad) {
      warn.hidden = false;
      warn.textContent = `Sample-ratio mismatch: ${a.srm.counts[0].toLocaleString('en-US')} baseline vs ${a.srm.counts[1].toLocaleString('en-US')} canary units where ${a.srm.weights.join(':')} was expected (χ² = ${fmt(a.srm.statistic, 2)}, p = ${fmtP(a.srm.pValue)}). The split is off, so the comparison below may be biased: check the assignment before trusting it.`;
    }
  } else srmEl.textContent = 'no unit counts';
  const rl = clear(document.getElementById('canary-reasons'));
  for (const r of v.reasons ?? []) rl.append(el('li', {}, typeof r === 'string' ? r : r.message ?? JSON.stringify(r)));

  const byName = Object.fromEntries(a.metrics.map((m) => [m.name, m]));
  const judged = v.metrics.length ? v.metrics : a.metrics.map((m) => ({ name: m.name }));
  for (const jm of judged) {
    const m = byName[jm.name];
    const cls = outcomeClass(jm);
    const card = el('article', { class: 'card', 'data-metric': jm.name });
    const stats = el('div', {},
      el('h3', {}, jm.name, ' ', el('span', { class: `badge ${cls}` }, el('span', { 'data-role': 'classification' }, jm.classification || '—'), outcomeNote(jm, cls)),
        jm.critical ? el('span', { class: 'badge neutral', title: 'a failure of this metric rolls back at once' }, 'critical') : ''),
      el('dl', { class: 'kv' },
        el('dt', {}, 'Effect (canary − baseline)'), el('dd', { 'data-role': 'effect' }, jm.effect != null ? fmt(jm.effect, 4) : '—'),
        el('dt', {}, `Interval (${fmt(100 * (1 - (a.alpha ?? 0.05)), 1)}%)`), el('dd', { 'data-role': 'interval' }, jm.lower != null ? `[${fmt(jm.lower, 4)}, ${fmt(jm.upper, 4)}]` : '—'),
        el('dt', {}, 'p-value'), el('dd', { 'data-role': 'p-value' }, fmtP(jm.pValue)),
        el('dt', {}, 'Score'), el('dd', { 'data-role': 'score' }, groupScore(v, jm)),
        ...(jm.test ? [el('dt', {}, 'Test'), el('dd', {}, String(jm.test))] : []),
        ...(jm.reason ? [el('dt', {}, 'Why'), el('dd', {}, String(jm.reason))] : []),
      ),
      m ? summaryTable(m) : '',
    );
    const dist = el('div', {}, el('p', { class: 'chart-title' }, m?.binary ? 'Rates' : 'Distributions (ECDF)'), el('div', { class: 'chart', role: 'img', 'aria-label': `Empirical CDF of ${jm.name}: baseline dashed, canary solid` }));
    const seq = el('div', {}, el('p', { class: 'chart-title' }, 'Sequential test: evidence over time'), el('div', { class: 'chart', role: 'img', 'aria-label': `Always-valid p-value of ${jm.name} as samples arrived` }));
    card.append(el('div', { class: 'metric' }, stats, dist, seq));
    if (jm.checks?.length) card.append(checksTable(jm, openChecks.has(jm.name)));
    cards.append(card);
    if (m?.ecdf) charts.ecdfOverlay(dist.lastChild, m.ecdf, jm.name);
    else if (m?.binary) dist.lastChild.append(rateBars(m));
    if (m?.sequential?.length === 1 && m.sequential[0].single) {
      const l = m.sequential[0];
      seq.lastChild.append(el('p', {}, `One look at the totals (counts have no arrival order): always-valid p = ${fmtP(l.pValue)}, difference in [${fmt(l.lower, 4)}, ${fmt(l.upper, 4)}]${l.reject ? ' — significant' : ''}.`));
    } else if (m?.sequential?.length) {
      charts.evidence(seq.lastChild, m.sequential);
      const last = m.sequential[m.sequential.length - 1];
      seq.append(el('p', { class: 'legend-note' }, `After ${last.n.toLocaleString('en-US')} samples: p = ${fmtP(last.pValue)}${last.lower != null ? `, difference in [${fmt(last.lower, 3)}, ${fmt(last.upper, 3)}]` : ''}${last.reject ? ' — significant' : ''}.`));
    } else seq.lastChild.textContent = m?.sequentialError ?? (m?.form === 'sketch' ? 'Not available: this metric arrived as a quantile sketch (the sequential test needs samples or counts).' : 'No sequential test for this metric.');
  }
}

/** Every check the judge ran for a metric (shift, quantiles, rate, gates) with its numbers. */
function checksTable(jm, open = false) {
  const f = (x) => (x == null ? '—' : fmt(x, 4));
  return el('details', { class: 'checks', open: open ? '' : null }, el('summary', {}, `${jm.checks.length} check${jm.checks.length === 1 ? '' : 's'}: ${jm.checks.map((c) => `${c.label} ${c.classification ?? c.outcome}`).join(' · ')}`),
    el('table', { class: 'table compact' },
      el('thead', {}, el('tr', {}, ...['check', 'outcome', 'baseline', 'canary', 'estimate', 'interval', 'allowed / bound', 'p-value', 'why'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...jm.checks.map((c) => {
        const outcome = c.classification ?? c.outcome;
        const cls = outcomeClass({ classification: outcome, direction: jm.direction });
        return el('tr', {}, el('td', {}, `${c.check} · ${c.label}`), el('td', {}, el('span', { class: `badge ${cls}` }, outcome)), el('td', { class: 'num' }, f(c.baseline)), el('td', { class: 'num' }, f(c.canary)), el('td', { class: 'num' }, f(c.estimate)),
          el('td', { class: 'num' }, c.lower != null ? `[${f(c.lower)}, ${f(c.upper)}]` : '—'), el('td', { class: 'num' }, f(c.allowed)), el('td', { class: 'num' }, fmtP(c.pValue)), el('td', {}, c.reason ?? ''));
      }))));
}

/** Pass / fail colour of an outcome: High or Low is a failure only in the metric's bad direction. */
function outcomeClass(m) {
  const o = String(m.classification);
  if (o === 'Pass') return 'pass';
  if (o === 'NoData' || !o) return 'hold';
  const bad = m.direction === 'either' || (o === 'High' && m.direction !== 'decrease') || (o === 'Low' && m.direction === 'decrease');
  return bad ? 'fail' : 'pass';
}
function outcomeNote(m, cls) {
  if (m.classification === 'High' || m.classification === 'Low') return cls === 'fail' ? ' — worse' : ' — better';
  if (m.classification === 'NoData') return ' — not judged';
  return '';
}

/** A metric's score: its group's score (Kayenta scores groups), with the metric's weight. */
function groupScore(v, jm) {
  if (jm.score != null) return fmt(jm.score, 2);
  const g = v.groups.find((x) => x.name === jm.group);
  const parts = [];
  if (g) parts.push(`group ${g.name}: ${g.score == null ? 'no data' : fmt(g.score, 1)} (weight ${fmt(g.weight, 1)})`);
  if (jm.critical) parts.push('critical');
  return parts.join(' · ') || '—';
}

/** Two labelled bars for a rate metric (baseline hatched, canary solid), scaled to the larger rate. */
function rateBars(m) {
  const rb = m.baseline.mean, rc = m.canary.mean;
  const max = Math.max(rb, rc) || 1;
  const bar = (label, r, cls) => el('div', { class: 'ratebar' }, el('span', { class: 'ratebar-label' }, label),
    el('span', { class: `ratebar-fill ${cls}`, style: `width:${Math.max(1, Math.round((160 * r) / max))}px`, 'aria-hidden': 'true' }),
    el('span', { class: 'ratebar-value' }, fmtPct(100 * r)));
  return el('div', { class: 'ratebars' }, bar('baseline', rb, 'base'), bar('canary', rc, 'can'));
}

function summaryTable(m) {
  const n = (x) => (Number.isFinite(x) ? x.toLocaleString('en-US') : '—');
  if (m.binary) {
    const row = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, n(s.n)), el('td', { class: 'num' }, n(Math.round(s.mean * s.n))), el('td', { class: 'num' }, fmtPct(100 * s.mean)));
    return el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, el('td', {}, ''), el('th', { class: 'num' }, 'n'), el('th', { class: 'num' }, 'events'), el('th', { class: 'num' }, 'rate'))),
      el('tbody', {}, row('baseline', m.baseline), row('canary', m.canary)));
  }
  const row = (name, s) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'num' }, n(s.n)), el('td', { class: 'num' }, fmt(s.mean, 2)), el('td', { class: 'num' }, fmt(s.median, 2)), el('td', { class: 'num' }, fmt(s.p90, 2)));
  return el('table', { class: 'table' },
    el('thead', {}, el('tr', {}, el('td', {}, ''), el('th', { class: 'num' }, 'n'), el('th', { class: 'num' }, 'mean'), el('th', { class: 'num' }, 'median'), el('th', { class: 'num' }, 'p90'))),
    el('tbody', {}, row('baseline', m.baseline), row('canary', m.canary)));
}

// ------------------------------------------------------------------------------------------------
// Dark launch view

function renderDark() {
  const rep = state.mismatch;
  const tb = clear(document.querySelector('#dark-table tbody'));
  const sum = document.getElementById('dark-summary');
  if (!rep) {
    sum.textContent = 'No mismatch report loaded (drop one on the Data tab, or poll an edge worker).';
    return;
  }
  const rows = [...rep.verdicts].sort((a, b) => b.real - a.real || b.rate - a.rate || a.field.localeCompare(b.field));
  const real = rows.filter((r) => r.real);
  const ex = rep.experiments;
  sum.textContent = `${Number(rep.comparisons).toLocaleString('en-US')} old-vs-new comparisons, ${Number(rep.noiseComparisons).toLocaleString('en-US')} old-vs-old (noise) comparisons; ${rows.length} field${rows.length === 1 ? '' : 's'} differed, ${real.length} beyond noise${real.length ? `: ${real.map((r) => r.field).join(', ')}` : ''}.`
    + (ex?.runs ? ` Candidate: ${ex.candidateExceptions} exception${ex.candidateExceptions === 1 ? '' : 's'}, ${ex.slow} slow run${ex.slow === 1 ? '' : 's'} of ${Number(ex.runs).toLocaleString('en-US')}; mean time ${fmt(ex.candidateNs / ex.runs / 1e6, 2)} ms vs ${fmt(ex.controlNs / ex.runs / 1e6, 2)} ms.` : '');
  for (const r of rows) {
    const examples = rep.fields?.[r.field]?.examples ?? [];
    const exNode = examples.length
      ? el('div', { class: 'examples' }, ...examples.map((e) => el('div', {}, el('code', {}, short(e.old || '(absent)')), ' → ', el('code', {}, short(e.new || '(absent)')))))
      : el('span', { class: 'muted' }, '—');
    tb.append(el('tr', { 'data-field': r.field, 'data-real': String(r.real) },
      el('td', {}, el('code', {}, r.field || '(root)')),
      el('td', { class: 'num' }, `${Number(r.differed).toLocaleString('en-US')} / ${Number(r.comparisons).toLocaleString('en-US')}`),
      el('td', { 'data-role': 'rate' }, fmtPct(100 * r.rate), el('span', { class: 'meter', style: `width:${Math.round(Math.min(1, r.rate) * 90)}px`, 'aria-hidden': 'true' })),
      el('td', { 'data-role': 'noise' }, fmtPct(100 * r.noiseRate), el('span', { class: 'meter noise', style: `width:${Math.round(Math.min(1, r.noiseRate) * 90)}px`, 'aria-hidden': 'true' })),
      el('td', {}, el('span', { class: `badge ${r.real ? 'fail' : 'pass'}`, 'data-role': 'verdict' }, r.real ? 'real difference' : 'within noise'), el('div', { class: 'legend-note' }, `p = ${fmtP(r.pValue)}`)),
      el('td', {}, exNode)));
  }
}
const short = (v) => {
  const s = v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

// ------------------------------------------------------------------------------------------------
// Bucketing view

const $ = (id) => document.getElementById(id);
function bucketParams() {
  const weightsIn = $('bk-weights').value.split(/[,\s]+/).filter(Boolean).map(Number);
  if (!weightsIn.length || weightsIn.some((w) => !(w >= 0)) || !weightsIn.some((w) => w > 0)) throw new InputError('weights: give one or more non-negative numbers, not all zero');
  const sum = weightsIn.reduce((a, b) => a + b, 0);
  // Largest-remainder rounding to integers summing to 100000 (the package's unit).
  const raw = weightsIn.map((w) => (w * 100000) / sum);
  const weights = raw.map(Math.floor);
  let rest = 100000 - weights.reduce((a, b) => a + b, 0);
  raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0]).forEach(([, i]) => rest-- > 0 && weights[i]++);
  const coverage = Math.round(Number($('bk-coverage').value) * 1000);
  if (!(coverage >= 0 && coverage <= 100000)) throw new InputError('coverage: a percentage between 0 and 100');
  return { salt: $('bk-salt').value, coverage, weights };
}

function saveBucketUI() {
  state.ui.bucket = { n: $('bk-n').value, prefix: $('bk-prefix').value, salt: $('bk-salt').value, coverage: $('bk-coverage').value, weights: $('bk-weights').value, source: document.querySelector('input[name="bk-source"]:checked').value, unit: $('unit-id').value };
  save();
}

$('bucket-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('bk-error').textContent = '';
  saveBucketUI();
  const btn = $('bk-run');
  btn.disabled = true;
  try {
    const p = bucketParams();
    const paste = document.querySelector('input[name="bk-source"]:checked').value === 'paste';
    const n = Number($('bk-n').value);
    if (!paste && !(n >= 1 && n <= 2_000_000)) throw new InputError('how many: between 1 and 2,000,000');
    const args = paste ? { ...p, idsText: $('bk-ids').value } : { ...p, generate: { n, prefix: $('bk-prefix').value } };
    const r = await rpc('bucketRun', args, 'Bucketing units');
    renderBuckets(r, p);
  } catch (err) {
    $('bk-error').textContent = err.message;
  } finally {
    btn.disabled = false;
  }
});

function renderBuckets(r, p) {
  $('bk-results').hidden = false;
  const s = clear($('bk-summary'));
  const item = (label, value, role) => el('div', {}, el('span', { class: 'label' }, label), el('span', { class: 'big-num', 'data-role': role }, value));
  s.append(
    item('Units', r.total.toLocaleString('en-US'), 'total'),
    item('Inside coverage', `${r.inside.toLocaleString('en-US')} (${fmtPct((100 * r.inside) / r.total)})`, 'inside'),
    item('Bucketed in', `${Math.round(r.ms)} ms`, 'ms'),
  );
  const uni = r.uniformity;
  s.append(el('div', { 'data-role': 'uniformity' }, el('span', { class: 'label' }, 'Uniformity χ²'),
    `${fmt(uni.statistic, 2)} on ${uni.df} df, p = ${fmtP(uni.pValue)} `,
    el('span', { class: `badge ${uni.pValue < 0.001 ? 'fail' : 'pass'}` }, uni.pValue < 0.001 ? 'not uniform' : 'consistent with uniform')));
  if (r.split)
    s.append(el('div', { 'data-role': 'split' }, el('span', { class: 'label' }, 'Split χ²'), `${fmt(r.split.statistic, 2)}, p = ${fmtP(r.split.pValue)} `,
      el('span', { class: `badge ${r.split.pValue < 0.001 ? 'fail' : 'pass'}` }, r.split.pValue < 0.001 ? 'off the weights' : 'matches the weights')));
  const tb = clear($('bk-table').tBodies[0]);
  p.weights.forEach((w, i) => {
    const exp = (r.inside * w) / 100000;
    tb.append(el('tr', {}, el('td', {}, `variant ${i}`), el('td', { class: 'num' }, fmtPct(w / 1000)), el('td', { class: 'num', 'data-role': `count-${i}` }, r.variantCounts[i].toLocaleString('en-US')), el('td', { class: 'num' }, fmt(exp, 1)), el('td', { class: 'num' }, fmtPct(r.inside ? (100 * r.variantCounts[i]) / r.inside : 0))));
  });
  tb.append(el('tr', {}, el('td', {}, 'outside coverage'), el('td', { class: 'num' }, fmtPct(100 - p.coverage / 1000)), el('td', { class: 'num', 'data-role': 'outside' }, (r.total - r.inside).toLocaleString('en-US')), el('td', { class: 'num' }, fmt((r.total * (100000 - p.coverage)) / 100000, 1)), el('td', {}, '')));
  charts.bars($('bk-chart'), r.binCounts, r.total / r.binCounts.length, 'coverage bucket');
}

$('unit-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  saveBucketUI();
  const out = clear($('unit-result'));
  try {
    const p = bucketParams();
    const r = await rpc('bucketOne', { unit: $('unit-id').value, ...p });
    const rows = [
      ['Fraction', r.fraction != null ? r.fraction.toFixed(6) : '—'],
      ['Coverage bucket', `${r.coverageBucket} of 100000`],
      ['Inside coverage', r.in ? `yes (bucket ${r.coverageBucket} < ${p.coverage})` : `no (bucket ${r.coverageBucket} ≥ ${p.coverage})`],
      ['Variant bucket', r.variantBucket != null ? String(r.variantBucket) : '—'],
      ['Variant', r.in ? `variant ${r.variant}` : `none: not in rollout (would get variant ${r.variant} once covered)`],
    ];
    for (const [k, v] of rows) out.append(el('dt', {}, k), el('dd', { 'data-role': k.toLowerCase().replace(/ /g, '-') }, v));
  } catch (err) {
    out.append(el('dt', {}, 'Error'), el('dd', { class: 'error' }, err.message));
  }
});

// ------------------------------------------------------------------------------------------------
// Flag playground

function setPlayground(text) {
  $('flags-config').value = text;
  let keys = [];
  try {
    const o = JSON.parse(text);
    keys = Array.isArray(o.flags) ? o.flags.map((f) => f.key ?? f.name).filter(Boolean) : Object.keys(o.flags ?? {});
  } catch {
    /* shown on evaluate */
  }
  const sel = clear($('flags-key'));
  sel.append(el('option', { value: '' }, 'all flags'), ...keys.map((k) => el('option', { value: k }, k)));
}

$('flags-file').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (!f) return;
  const text = await f.text();
  state.inputs.flags = { name: f.name, text, source: 'file' };
  setPlayground(text);
  save();
  await evaluatePlayground();
});
// Example contexts (the repository's examples/contexts): pick one to evaluate it.
fetch('./examples/manifest.json')
  .then((r) => r.json())
  .then((m) => {
    for (const [label, file] of Object.entries(m.contexts ?? {})) $('flags-context-example').append(el('option', { value: file }, label));
  })
  .catch(() => {});
$('flags-context-example').addEventListener('change', async (e) => {
  if (!e.target.value) return;
  $('flags-context').value = await (await fetch(`./examples/${e.target.value}`)).text();
  await evaluatePlayground();
});
$('flags-form').addEventListener('submit', (e) => {
  e.preventDefault();
  evaluatePlayground();
});

/** A problem's JSON Pointer; for config problems a button that selects that value in the editor. */
function pointerButton(where, pointer) {
  const label = pointer ? pointer : '(whole document)';
  if (where !== 'config' || pointer == null) return el('code', { class: 'ptr' }, label);
  const b = el('button', { type: 'button', class: 'ptr-link', title: 'Select this value in the configuration' }, el('code', { class: 'ptr' }, label));
  b.addEventListener('click', () => {
    const ta = $('flags-config');
    const at = locatePointer(ta.value, pointer);
    if (!at) return;
    ta.focus();
    ta.setSelectionRange(at[0], at[1]);
    // Scroll the selection into view: put the caret line near the top.
    const line = ta.value.slice(0, at[0]).split('\n').length;
    ta.scrollTop = Math.max(0, (line - 3) * parseFloat(getComputedStyle(ta).lineHeight || '18'));
  });
  return b;
}

async function evaluatePlayground() {
  const configText = $('flags-config').value;
  const contextText = $('flags-context').value;
  state.ui.playground = { config: configText, context: contextText };
  save();
  const errs = clear($('flags-errors'));
  const table = $('flags-table');
  const r = await rpc('evalFlags', { configText, contextText, flagKey: $('flags-key').value || null });
  if (r.error) {
    table.hidden = true;
    const problems = r.error.problems?.length ? r.error.problems : [{ code: r.error.code, pointer: r.error.pointer, message: r.error.message }];
    errs.append(el('p', { class: 'error' }, r.where === 'config' ? `The configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):` : `${r.where} error:`),
      el('ul', { class: 'problems' }, ...problems.map((p) => el('li', { 'data-pointer': p.pointer ?? '' }, p.code ? el('strong', {}, `[${p.code}] `) : '', pointerButton(r.where, p.pointer), ' ', p.message))));
    return;
  }
  table.hidden = false;
  const tb = clear(table.tBodies[0]);
  for (const row of r.rows)
    tb.append(el('tr', { 'data-flag': row.key }, el('td', {}, el('code', {}, row.key)), el('td', {}, el('code', {}, typeof row.value === 'string' ? row.value : JSON.stringify(row.value))), el('td', {}, row.variant ?? '—'), el('td', {}, el('span', { class: 'badge neutral', 'data-role': 'reason' }, row.reason ?? '—'), row.ruleIndex != null && row.ruleIndex >= 0 ? ` rule ${row.ruleIndex}` : ''), el('td', {}, row.errorCode ? `${row.errorCode}${row.errorMessage ? `: ${row.errorMessage}` : ''}` : '')));
}

// ------------------------------------------------------------------------------------------------
// Data view: drop zone, pickers, examples, polling, synthetic load

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  loadFiles([...e.dataTransfer.files]);
});
$('file-input').addEventListener('change', (e) => loadFiles([...e.target.files]));
$('load-examples').addEventListener('click', () => loadExamples('default'));
$('load-srm-example').addEventListener('click', () => loadExamples('srm'));
$('load-repo-canary').addEventListener('click', () => loadExamples('repoCanary'));
$('load-default-plan').addEventListener('click', async () => {
  // rollgate's defaultPlan(risk), computed by the package in the worker.
  const risk = $('plan-risk').value;
  const plan = await rpc('defaultPlan', { risk });
  await addInput(`defaultPlan('${risk}')`, JSON.stringify(plan, null, 2), 'package', 'plan');
  await recompute(new Set(['plan']));
});
$('clear-data').addEventListener('click', async () => {
  stopPolling();
  state.inputs = {};
  state.analysis = state.next = state.mismatch = state.status = null;
  save();
  await recompute(new Set());
});

let pollTimer = null;
$('poll-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.ui.pollUrl = $('poll-url').value;
  state.ui.pollEvery = Number($('poll-every').value) || 10;
  sessionStorage.setItem('rollgate.token', $('poll-token').value);
  save();
  startPolling();
});
$('poll-stop').addEventListener('click', stopPolling);

function startPolling() {
  stopPolling();
  $('poll-start').disabled = true;
  $('poll-stop').disabled = false;
  state.ui.polling = true;
  save();
  pollOnce();
  pollTimer = setInterval(pollOnce, Math.max(1, state.ui.pollEvery ?? 10) * 1000);
}
function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
  $('poll-start').disabled = false;
  $('poll-stop').disabled = true;
  if (state.ui.polling) {
    state.ui.polling = false;
    save();
  }
  $('poll-status').textContent = 'Not polling.';
}
let polling = false;
let lastSnapshot = null;
async function pollOnce() {
  if (polling) return;
  polling = true;
  const status = $('poll-status');
  try {
    const token = sessionStorage.getItem('rollgate.token') || '';
    const res = await fetch(state.ui.pollUrl, { headers: token ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}${res.status === 401 || res.status === 403 ? ' (check the token)' : ''}`);
    const text = await res.text();
    status.textContent = `Last poll ${new Date().toLocaleTimeString()}: ok.`;
    // An unchanged snapshot changes nothing on the page: skip the work (and any flicker).
    if (text === lastSnapshot && state.status) return;
    lastSnapshot = text;
    state.status = readStatus(JSON.parse(text));
    await recompute(new Set(['status']));
  } catch (e) {
    const hint = e instanceof TypeError ? ' (network error, or the worker does not allow this origin: ROLLGATE_CORS_ORIGIN, docs/edge.md)' : '';
    status.textContent = `Last poll ${new Date().toLocaleTimeString()} failed: ${e.message}${hint}`;
  } finally {
    polling = false;
  }
}

$('synth-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const n = Number($('synth-n').value);
  const out = $('synth-status');
  if (!(n >= 10 && n <= 2_000_000)) {
    out.textContent = 'samples per arm: between 10 and 2,000,000';
    return;
  }
  $('synth-run').disabled = true;
  out.textContent = 'analysing…';
  try {
    const config = state.inputs.canaryConfig?.text ?? (await (await fetch('./examples/synthetic-config.json')).text());
    const t0 = performance.now();
    const a = await rpc('synth', { n, shift: Number($('synth-shift').value) || 0, config }, `Generating and analysing ${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} samples`);
    const wall = performance.now() - t0;
    state.analysis = a;
    state.next = null;
    out.textContent = `${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} samples: analysed in ${Math.round(a.ms)} ms in the worker (judge ${Math.round(a.msJudge)} ms), ${Math.round(wall)} ms end to end. Decision: ${a.verdict.decision}.`;
    out.dataset.ms = String(Math.round(a.ms));
    out.dataset.wall = String(Math.round(wall));
  } catch (err) {
    out.textContent = `failed: ${err.message}`;
  } finally {
    $('synth-run').disabled = false;
  }
});

// ------------------------------------------------------------------------------------------------
// Start-up

function restoreUI() {
  const b = state.ui.bucket;
  if (b) {
    for (const [id, k] of [['bk-n', 'n'], ['bk-prefix', 'prefix'], ['bk-salt', 'salt'], ['bk-coverage', 'coverage'], ['bk-weights', 'weights'], ['unit-id', 'unit']]) if (b[k] != null) $(id).value = b[k];
    const radio = document.querySelector(`input[name="bk-source"][value="${b.source}"]`);
    if (radio) radio.checked = true;
  }
  if (state.inputs.flags) setPlayground(state.inputs.flags.text);
  if (state.ui.playground) {
    $('flags-config').value = state.ui.playground.config;
    $('flags-context').value = state.ui.playground.context;
  }
  if (state.inputs.context && !state.ui.playground) $('flags-context').value = state.inputs.context.text;
  if (state.ui.pollUrl) $('poll-url').value = state.ui.pollUrl;
  if (state.ui.pollEvery) $('poll-every').value = state.ui.pollEvery;
  $('poll-token').value = sessionStorage.getItem('rollgate.token') ?? '';
}

const started = performance.now();
window.__dashboard = { ready: null, state };
window.__dashboard.ready = (async () => {
  restoreUI();
  show(location.hash.slice(1) || 'rollout');
  try {
    const { version } = await rpc('init', {});
    setEngine(`engine ready${version ? ` · rollgate ${version}` : ''}`, true);
  } catch (e) {
    setEngine(`engine failed: ${e.message}`, false);
    throw e;
  }
  if (!Object.keys(state.inputs).length) await loadExamples('default');
  else await recompute();
  if (state.inputs.flags || state.ui.playground) await evaluatePlayground();
  if (state.ui.polling && state.ui.pollUrl) startPolling();
  window.__dashboard.loadMs = performance.now() - started;
  document.body.dataset.loaded = 'true';
})();
