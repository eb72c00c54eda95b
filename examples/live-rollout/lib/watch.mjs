// Watching the rollout the way an operator would: GET /__rollgate/status with the bearer token,
// every 0.4 s. From what it reads it notes the coordinator's decisions (the first one, the
// rollback and when it happened), starts the scenario's regression 100 ms into the stage that
// reaches --regress-at, counts the canary requests that still arrive once the workers' state
// cache has expired after a rollback, and decides when the run is over. It prints nothing itself:
// `report` (./report.mjs) shows what it sees. SPDX-License-Identifier: MIT

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// How long after a stage is in force the scenario's regression begins (see regressionOnset).
const ONSET_AFTER_MS = 100;

/**
 * When a scenario's regression begins, from one status read `st` (its `state`): with the stage at
 * `regressAt`, 100 ms after that stage is in force. That is the time the coordinator announced for
 * it (state.next.at), or, if no poll saw the announcement, now. So every window of the stage is
 * judged on the bad version. Not earlier: until the announced time the old stage's window is still
 * judged, and a bad request there would roll back the wrong stage. (An onset part-way into a
 * window let that window pass on its healthy part: the conversion scenario then advanced past 10%
 * and was caught at 50%.) Returns {percent, at} (epoch ms), or null while the stage is not reached.
 */
export function regressionOnset(st, regressAt, now = Date.now()) {
  if (!st || st.status !== 'running') return null;
  if (st.next && st.next.percent >= regressAt) return { percent: st.next.percent, at: Date.parse(st.next.at) + ONSET_AFTER_MS };
  const serving = st.servingPercent ?? st.percent;
  return serving >= regressAt ? { percent: serving, at: now + ONSET_AFTER_MS } : null;
}

/** A client of the edge's /__rollgate/ routes: admin(method, route, body) → the JSON answer. */
export function adminClient(edgeUrl, token) {
  return async (method, route, body) => {
    const r = await fetch(`${edgeUrl}/__rollgate/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} /__rollgate/${route}: HTTP ${r.status} ${text.slice(0, 500)}`);
    return JSON.parse(text);
  };
}

/**
 * Polls the status until the rollout has ended (plus a short tail), traffic has stopped, the run's
 * deadline has passed, or `interrupted()` says so.
 * @param {{admin, stages, regression: object|null (null: never regress), regressAt: number,
 *   canary, traffic, stateTtlMs: number, deadline: number (epoch ms), interrupted: () => boolean,
 *   report: {decision(d, at), progress(status, rate), regression(reg, state), unavailable(err)}}} o
 * @returns {Promise<{status, seen: {onset, rollbackAt, firstDecision, afterRollback: () => number|null}}>}
 */
export async function watchRollout({ admin, stages, regression, regressAt, canary, traffic, stateTtlMs, deadline, interrupted, report }) {
  const seenKeys = new Set();
  let status = null;
  let onset = null; // {at, percent, stage}
  let onsetTimer = null;
  let finalAt = null;
  let lastProgress = 0;
  let lastReqs = 0;
  let lastReqsAt = Date.now();
  let rollbackAt = null;
  let firstDecision = null;
  let canaryAfterTtl = null;

  while (!interrupted()) {
    try {
      status = await admin('GET', 'status');
    } catch (e) {
      report.unavailable(e);
    }
    const now = Date.now();
    if (status && status.state) {
      for (const d of status.history || []) {
        const key = `${d.at}|${d.action}|${d.percent}`;
        if (seenKeys.has(key)) continue;
        seenKeys.add(key);
        if (d.action === 'hold' || d.action === 'start') continue;
        const at = Date.parse(d.at);
        if (!firstDecision && d.actor === 'coordinator') firstDecision = { at, action: d.action };
        if (d.action === 'rollback' && !rollbackAt) {
          rollbackAt = at;
          // Workers act on a state at most ROLLGATE_STATE_TTL_MS old: from then on, not one
          // request should reach the canary. Count what does.
          const settle = Math.max(0, at + stateTtlMs + 100 - Date.now());
          setTimeout(() => (canaryAfterTtl = canary.stats.requests), settle);
        }
        report.decision(d, at);
      }
      const st = status.state;
      // An increase takes effect a state TTL after it is decided (the coordinator announces it
      // as state.next, so that every isolate switches at once); until then the old window runs.
      const due = regression && !onset && !onsetTimer ? regressionOnset(st, regressAt, now) : null;
      if (due) { // a timer, not the next poll: the onset is timed to the stage's start
        onsetTimer = setTimeout(() => {
          if (status?.state?.status !== 'running' || interrupted()) return;
          canary.regress(regression);
          onset = { at: Date.now(), percent: due.percent, stage: Math.max(0, stages.findIndex((x) => x.percent === due.percent)) };
          report.regression(regression, { ...status.state, percent: due.percent });
        }, Math.max(0, due.at - Date.now()));
      }
      if (!finalAt && (st.status === 'completed' || st.status === 'rolledBack')) finalAt = now;
      if (now - lastProgress >= 2000 || finalAt === now) {
        const rate = ((traffic.stats.requests - lastReqs) * 1000) / Math.max(1, now - lastReqsAt);
        lastReqs = traffic.stats.requests;
        lastReqsAt = now;
        lastProgress = now;
        report.progress(status, rate);
      }
    }
    // End: a short tail after the final decision shows that traffic has left the canary.
    const tailMs = Math.max(1500, 3 * stateTtlMs);
    if (finalAt && now - finalAt >= tailMs) break;
    if (now > deadline || traffic.stats.stoppedAt) {
      if (!traffic.stats.stoppedAt) break;
      if (now - traffic.stats.stoppedAt > 1500) break; // let the last flush arrive
    }
    await sleep(400);
  }
  clearTimeout(onsetTimer);
  // Read at the end of the run: the count starts a state TTL after the rollback.
  const afterRollback = () => (canaryAfterTtl == null ? null : canary.stats.requests - canaryAfterTtl);
  return { status, seen: { onset, rollbackAt, firstDecision, afterRollback } };
}

/**
 * The workers flush their last counts within ROLLGATE_FLUSH_MS (later on a busy machine, where a
 * flush may also be retried): reads the status until the coordinator's totals reach `answered`
 * (the requests the simulated users had an answer to), or stop changing for 2 s once past it,
 * for 8 s at most. Returns the last one. (Totals that never reach `answered` are what the
 * demo's test must see: it checks that every request is counted once.)
 */
export async function settledStatus({ admin, status, flushMs, answered }) {
  const totalOf = (s) => (s?.metrics?.total?.stable?.requests ?? 0) + (s?.metrics?.total?.canary?.requests ?? 0);
  let last = totalOf(status);
  let changedAt = Date.now();
  for (const until = Date.now() + 8000; Date.now() < until; ) {
    await sleep(flushMs + 150);
    try {
      status = await admin('GET', 'status');
    } catch {} // keep the last status read
    const total = totalOf(status);
    if (total === answered) break;
    if (total !== last) {
      last = total;
      changedAt = Date.now();
    } else if (total > answered && Date.now() - changedAt >= 2000) break;
  }
  return status;
}
