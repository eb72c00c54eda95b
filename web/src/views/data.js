// The Data view: files (drop zone, picker), example sets, the package's default plan, the loaded
// inputs, live polling of an edge status URL, and synthetic load.
import { $, input, select, button, el, clear, one } from '../app/dom.js';
import { rpc } from '../app/rpc.js';
import { state, save, KEEP_MAX } from '../app/state.js';
import { fmtBytes } from '../format.js';
import { loadFiles, loadExamples, useDefaultPlan, clearInputs } from '../app/pipeline.js';
import { attach, startPolling, stopPolling, token, setToken } from '../app/live.js';

/** @type {Record<string, string>} */
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

/** The loaded inputs (table) and the header's line naming them. */
export function renderInputs() {
  const tb = clear(one('#inputs-table tbody'));
  for (const [kind, v] of Object.entries(state.inputs))
    tb.append(el('tr', {}, el('td', {}, KIND_LABEL[kind] ?? kind), el('td', {}, `${v.name} (${v.source})${v.text.length > KEEP_MAX ? ' — too big to keep across reloads' : ''}`), el('td', { class: 'num' }, fmtBytes(v.text.length))));
  const src = $('sources');
  const names = Object.values(state.inputs).map((v) => v.name);
  src.textContent = names.length ? `data: ${names.join(' · ')}` : 'no data loaded';
  // Live, the status replaces the files: naming them too would say they are in use.
  if (state.status) src.textContent = `live: ${state.ui.pollUrl ?? 'status snapshot'} (replaces the plan, state, samples and mismatch files)`;
}

// Files
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  loadFiles([...(e.dataTransfer?.files ?? [])]);
});
input('file-input').addEventListener('change', (e) => loadFiles([.../** @type {HTMLInputElement} */ (e.target).files ?? []]));
$('load-examples').addEventListener('click', () => loadExamples('default'));
$('load-srm-example').addEventListener('click', () => loadExamples('srm'));
$('load-repo-canary').addEventListener('click', () => loadExamples('repoCanary'));
// rollgate's defaultPlan(risk), computed by the package in the worker.
$('load-default-plan').addEventListener('click', () => useDefaultPlan(/** @type {import('rollgate').Risk} */ (select('plan-risk').value)));
$('clear-data').addEventListener('click', async () => {
  stopPolling();
  await clearInputs();
});

// Live
attach({
  polling: (on) => {
    button('poll-start').disabled = on;
    button('poll-stop').disabled = !on;
  },
  status: (text) => {
    $('poll-status').textContent = text;
  },
});
$('poll-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.ui.pollUrl = input('poll-url').value;
  state.ui.pollEvery = Number(input('poll-every').value) || 10;
  setToken(input('poll-token').value);
  save();
  startPolling();
});
$('poll-stop').addEventListener('click', stopPolling);

/** Restores the live fields from the stored settings (the token from this tab's session). */
export function restoreLive() {
  if (state.ui.pollUrl) input('poll-url').value = state.ui.pollUrl;
  if (state.ui.pollEvery) input('poll-every').value = String(state.ui.pollEvery);
  input('poll-token').value = token();
}

// Synthetic load: the config's metrics, generated and judged in the worker.
$('synth-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const n = Number(input('synth-n').value);
  const out = $('synth-status');
  if (!(n >= 10 && n <= 2_000_000)) {
    out.textContent = 'samples per arm: between 10 and 2,000,000';
    return;
  }
  button('synth-run').disabled = true;
  out.textContent = 'analysing…';
  try {
    const config = state.inputs.canaryConfig?.text ?? (await (await fetch('./examples/synthetic-config.json')).text());
    const t0 = performance.now();
    const a = await rpc('synth', { n, shift: Number(input('synth-shift').value) || 0, config }, `Generating and analysing ${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} samples`);
    const wall = performance.now() - t0;
    state.analysis = a;
    state.next = null;
    out.textContent = `${n.toLocaleString('en-US')} + ${n.toLocaleString('en-US')} samples: analysed in ${Math.round(a.ms)} ms in the worker (judge ${Math.round(a.msJudge)} ms), ${Math.round(wall)} ms end to end. Decision: ${a.verdict.decision}.`;
    out.dataset.ms = String(Math.round(a.ms));
    out.dataset.wall = String(Math.round(wall));
  } catch (err) {
    out.textContent = `failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    button('synth-run').disabled = false;
  }
});
