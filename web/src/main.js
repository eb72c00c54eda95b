// The dashboard page: wires the views to the router and the data pipeline, restores the stored
// settings and starts the engine. Every computation about the data is sent to the Web Worker
// (src/worker.js → src/engine.js → the rollgate package); the page only formats results.
//
//   app/     rpc (worker), state (stored inputs, events), router (tabs), pipeline (inputs →
//            results), live (status polling), dom (helpers)
//   views/   one module per view: rollout, canary, dark, bucketing, flags, data
import { rpc, setEngine } from './app/rpc.js';
import { state, on } from './app/state.js';
import { register, show, renderCurrent } from './app/router.js';
import { loadExamples, recompute } from './app/pipeline.js';
import { startPolling } from './app/live.js';
import { renderRollout } from './views/rollout.js';
import { renderCanary } from './views/canary.js';
import { renderDark } from './views/dark.js';
import { restoreBucketing } from './views/bucketing.js';
import { restoreFlags, hasPlayground, evaluatePlayground } from './views/flags.js';
import { renderInputs, restoreLive } from './views/data.js';

register('rollout', renderRollout);
register('canary', renderCanary);
register('dark', renderDark);
register('data', renderInputs);
on('inputs', renderInputs);
on('changed', renderCurrent);

/** @type {{ready: Promise<void> | null, state: typeof state, loadMs?: number}} */
const dashboard = { ready: null, state };
Object.assign(window, { __dashboard: dashboard });

const started = performance.now();
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
  if (!Object.keys(state.inputs).length) await loadExamples('default');
  else await recompute();
  if (hasPlayground()) await evaluatePlayground();
  if (state.ui.polling && state.ui.pollUrl) startPolling();
  dashboard.loadMs = performance.now() - started;
  document.body.dataset.loaded = 'true';
})();
