// Bare page for the browser tests: the package exactly as bundled for the dashboard, on the main
// thread, without any dashboard code in between.
import * as rollgate from 'rollgate';

const status = document.getElementById('status');
window.rollgateReady = (async () => {
  const t0 = performance.now();
  await rollgate.init();
  window.rollgate = rollgate;
  status.textContent = `ready in ${Math.round(performance.now() - t0)} ms (core ${rollgate.version?.() ?? '?'})`;
  return true;
})().catch((e) => {
  status.textContent = `failed: ${e.message}`;
  throw e;
});
