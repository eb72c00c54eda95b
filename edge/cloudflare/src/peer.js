// rollgate edge — the coordinator's two internal calls, opened to a peer CDN (the Fastly service,
// edge/fastly) that has no Durable Object binding. SPDX-License-Identifier: MIT
//
//   GET  /__rollgate/peer/state?rollout=<name>   → the coordinator's GET  /__rollgate/internal/state
//   POST /__rollgate/peer/report?rollout=<name>  → the coordinator's POST /__rollgate/internal/report
//
// Both need `Authorization: Bearer <ROLLGATE_PEER_TOKEN>` (constant-time compare), a token of its
// own so that a peer can read the state and add summaries but not steer the rollout (that is the
// admin token's). Without ROLLGATE_PEER_TOKEN the routes do not exist (404, as before). Each
// call goes to this worker's own rollout (ROLLGATE_ROLLOUT) exactly where an isolate's would go
// (flush.js upstream: the coordinator, or a random one of its aggregators), through the Durable
// Object stub, so the coordinator cannot tell a peer's summaries from an isolate's; a peer
// configured for another rollout gets 409, never another rollout's state.
import { PREFIX, json } from './http.js';
import { checkBearer } from './crypto.js';
import { upstream } from './flush.js';

export const PEER = PREFIX + 'peer/';

/** Answers /__rollgate/peer/* (the worker routes every path with the PEER prefix here). */
export async function peer(request, s, url) {
  // Unset (or too short: settings.js reports that, and the worker fails open): no such routes.
  if (!s.peerToken || s.peerToken.length < 16) return json({ error: 'not found' }, 404);
  if (!(await checkBearer(request, s.peerToken))) {
    return json({ error: 'unauthorized' }, 401, { 'www-authenticate': 'Bearer realm="rollgate-peer"' });
  }
  const route = url.pathname.slice(PEER.length);
  const method = route === 'state' ? 'GET' : route === 'report' ? 'POST' : null;
  if (!method) return json({ error: 'not found' }, 404);
  if (request.method !== method) return json({ error: `${route} takes ${method}` }, 405, { allow: method });
  const rollout = url.searchParams.get('rollout');
  if (rollout !== s.rolloutName) {
    return json({ error: `this worker coordinates rollout ${JSON.stringify(s.rolloutName)}, not ${JSON.stringify(rollout)}` }, 409);
  }
  if (!s.coordinator || typeof s.coordinator.idFromName !== 'function') {
    return json({ error: 'coordinator binding missing' }, 503);
  }
  try {
    // A peer's call is one isolate's: its own random shard (each Fastly flush is its own source).
    const up = upstream(s, {});
    const init = method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: request.body };
    return await up.stub.fetch('https://coordinator' + up[route], init);
  } catch (e) {
    return json({ error: 'coordinator unavailable', detail: String(e.message || e) }, 503);
  }
}
