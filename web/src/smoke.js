// Bare page for the browser tests: the package exactly as bundled for the dashboard, on the main
// thread, without any dashboard code in between (the tests call window.rollgate).
import * as rollgate from 'rollgate';

const status = document.getElementById('status');
const ready = (async () => {
  const t0 = performance.now();
  await rollgate.init();
  Object.assign(window, { rollgate });
  if (status) status.textContent = `ready in ${Math.round(performance.now() - t0)} ms (core ${rollgate.version()})`;
  return true;
})().catch((e) => {
  if (status) status.textContent = `failed: ${e.message}`;
  throw e;
});
Object.assign(window, { rollgateReady: ready });
