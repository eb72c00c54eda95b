// Shared set-up of the Fastly suite: secrets, a rollout state, origins and a harness running the
// service. SPDX-License-Identifier: MIT
import { startFastly } from './harness.mjs';
import { startOrigin } from './origins.mjs';

export const COOKIE_SECRET = 'fastly-test-cookie-secret-0123456789';
export const OVERRIDE_SECRET = 'fastly-test-override-secret-0123456789';

/** A state as the coordinator serves it (docs/edge.md, internal/state); coverage out of 100000. */
export function rolloutState(coverage, extra = {}) {
  return {
    rollout: 'checkout-v2',
    window: 1,
    version: 1,
    status: 'running',
    percent: coverage / 1000,
    coverage,
    salt: 'checkout-v2',
    origins: { stable: 'https://stable.internal', canary: 'https://canary.internal' },
    shadow: null,
    ...extra,
  };
}

export const secrets = () => ({
  rollgate_secrets: { ROLLGATE_COOKIE_SECRET: COOKIE_SECRET, ROLLGATE_OVERRIDE_SECRET: OVERRIDE_SECRET },
});

/**
 * Origins `stable` and `canary`, and the service in the harness with a rollout at `coverage`.
 * `state` (an object or raw text) replaces the state item; `options` go to startFastly.
 */
export async function startService({ coverage = 50000, state, config = {}, options = {} } = {}) {
  const stable = await startOrigin('stable');
  const canary = await startOrigin('canary');
  // state: undefined → a rollout at `coverage`; null → no item (no rollout yet); text or object.
  const text = state === undefined ? JSON.stringify(rolloutState(coverage)) : typeof state === 'string' ? state : JSON.stringify(state);
  const stateItems = state === null ? {} : { default: text };
  const h = await startFastly({
    backends: { stable: stable.url, canary: canary.url },
    configStores: { rollgate_config: { ...config }, rollgate_state: stateItems },
    secretStores: secrets(),
    ...options,
  });
  return {
    h,
    stable,
    canary,
    url: h.url,
    async close() {
      await h.close();
      await stable.close();
      await canary.close();
    },
  };
}
