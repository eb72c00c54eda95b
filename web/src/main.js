// The dashboard page: wires the views to the router and the data pipeline, restores the stored
// settings and starts the engine. Every computation about the data is sent to the Web Worker
// (src/worker.js → src/engine.js → the rollgate package); the page only formats results.
//
//   app/     rpc (worker), state (stored inputs, events), router (tabs), pipeline (inputs →
//            results), live (status polling), dom (helpers)
//   views/   one module per view: rollout (+ plan, controls), canary, history (+ series), dark,
//            bucketing, flags, data
import { rpc, setEngine } from './app/rpc.js';
import { state, on, KEEP_MAX } from './app/state.js';
import { $ } from './app/dom.js';
import { fmtBytes } from './format.js';
import { register, show, renderCurrent } from './app/router.js';
import { loadExamples, recompute } from './app/pipeline.js';
import { startPolling } from './app/live.js';
import { renderRollout } from './views/rollout.js';
import { renderCanary } from './views/canary.js';
import { renderHistory } from './views/history.js';
import { renderDark } from './views/dark.js';
import { restoreBucketing } from './views/bucketing.js';
import { restoreFlags, hasPlayground, evaluatePlayground } from './views/flags.js';
import { renderInputs, restoreLive } from './views/data.js';

register('rollout', renderRollout);
register('canary', renderCanary);
register('history', renderHistory);
register('dark', renderDark);
register('data', renderInputs);
on('inputs', renderInputs);
on('changed', renderCurrent);

/** @type {{ready: Promise<void> | null, state: typeof state, loadMs?: number}} */
const dashboard = { ready: null, state };
Object.assign(window, { __dashboard: dashboard });

const started = performance.now();
// Read before anything saves the settings again (save() names what it could not keep now).
const notKept = state.ui.notKept ?? [];
dashboard.ready = (async () => {
  restoreBucketing();
  restoreFlags();
  restoreLive();
  show(location.hash.slice(1) || 'rollout');
  try {
    const { version } = await rpc('init', undefined);
    setEngine(`engine ready · rollgate ${version}`, true);
  } catch (e) {
    setEngine(`engine failed: ${e instanceof Error ? e.message : String(e)}`, false);
    throw e;
  }
  if (!Object.keys(state.inputs).length && !notKept.length) await loadExamples('default');
  else await recompute();
  // Files too big to keep across reloads are named, never silently replaced by the examples.
  if (notKept.length) $('data-notice').textContent = `Not kept across the reload (over ${KEEP_MAX / 1e6} MB): ${notKept.map((f) => `${f.name} (${fmtBytes(f.bytes)})`).join(', ')}. Drop ${notKept.length === 1 ? 'it' : 'them'} again.`;
  if (hasPlayground()) await evaluatePlayground();
  if (state.ui.polling && state.ui.pollUrl) startPolling();
  dashboard.loadMs = performance.now() - started;
  document.body.dataset.loaded = 'true';
})();
