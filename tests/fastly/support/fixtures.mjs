// Shared set-up of the Fastly suite: secrets, a rollout state, origins, a stand-in coordinator
// and a harness running the service. SPDX-License-Identifier: MIT
import { startFastly } from './harness.mjs';
import { startOrigin } from './origins.mjs';
import { startCoordinator, PEER_TOKEN } from './coordinator.mjs';

export { PEER_TOKEN };
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
  rollgate_secrets: { ROLLGATE_COOKIE_SECRET: COOKIE_SECRET, ROLLGATE_OVERRIDE_SECRET: OVERRIDE_SECRET, ROLLGATE_PEER_TOKEN: PEER_TOKEN },
});

/**
 * Origins `stable` and `canary` (and `shadow` with `shadow: true`), a stand-in coordinator, and
 * the service in the harness with a rollout at `coverage`. `state` (an object or raw text)
 * replaces the state; null means no rollout yet. `options` go to startFastly.
 */
export async function startService({ coverage = 50000, state, config = {}, options = {}, shadow = false } = {}) {
  const stable = await startOrigin('stable');
  const canary = await startOrigin('canary');
  const shadowOrigin = shadow ? await startOrigin('shadow') : null;
  const coordinator = await startCoordinator();
  coordinator.state = state === undefined ? rolloutState(coverage) : state;
  const h = await startFastly({
    backends: { stable: stable.url, canary: canary.url, coordinator: coordinator.url, ...(shadowOrigin ? { shadow: shadowOrigin.url } : {}) },
    configStores: { rollgate_config: { ...config } },
    secretStores: secrets(),
    ...options,
  });
  return {
    h,
    stable,
    canary,
    shadow: shadowOrigin,
    coordinator,
    url: h.url,
    /** A new state from the coordinator, seen at once (the POP's cached one is purged). */
    setState(next) {
      coordinator.state = next;
      h.purgeCache();
    },
    /** Every flush the service has sent so far (after its instances have finished). */
    async reports() {
      await h.idle();
      return coordinator.reports;
    },
    async close() {
      await h.close();
      await stable.close();
      await canary.close();
      await shadowOrigin?.close();
      await coordinator.close();
    },
  };
}
