// rollgate edge — the worker's own settings, read from its bindings (wrangler.toml [vars] and
// secrets). SPDX-License-Identifier: MIT
//
// Settings are validated once per isolate. A problem here must not take the site down: the
// worker then serves everything from ROLLGATE_STABLE_ORIGIN (fail open) and counts it.

const cache = new WeakMap();

/** Problems found in the settings; `settings.problems.length === 0` means usable. */
export function readSettings(env) {
  let s = cache.get(env);
  if (s) return s;
  const problems = [];
  const str = (name, fallback) => {
    const v = env[name];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v !== 'string') {
      problems.push(`${name} must be a string`);
      return fallback;
    }
    return v;
  };
  const int = (name, fallback, min, max) => {
    const raw = str(name, undefined);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  };
  const url = (name, required) => {
    const raw = str(name, undefined);
    if (raw === undefined) {
      if (required) problems.push(`${name} is missing`);
      return undefined;
    }
    try {
      const u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
      return u.origin;
    } catch {
      problems.push(`${name} is not an http(s) URL: ${JSON.stringify(raw)}`);
      return undefined;
    }
  };
  // An optional secret: absent turns its feature off; present, it must be long enough.
  const optionalSecret = (name) => {
    const v = str(name, undefined);
    if (v !== undefined && v.length < 16) problems.push(`secret ${name} is shorter than 16 characters`);
    return v;
  };
  const flag = (name, fallback) => {
    const raw = str(name, undefined);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name} must be true or false, got ${JSON.stringify(raw)}`);
    return fallback;
  };
  const secret = (name) => {
    const v = str(name, undefined);
    if (v === undefined) problems.push(`secret ${name} is missing`);
    else if (v.length < 16) problems.push(`secret ${name} is shorter than 16 characters`);
    return v;
  };

  s = {
    stableOrigin: url('ROLLGATE_STABLE_ORIGIN', true),
    rolloutName: str('ROLLGATE_ROLLOUT', 'default'),
    unitHeader: str('ROLLGATE_UNIT_HEADER', 'x-user-id').toLowerCase(),
    cookieName: str('ROLLGATE_COOKIE', 'rg_unit'),
    cookieMaxAge: int('ROLLGATE_COOKIE_MAX_AGE_S', 31536000, 60, 63072000),
    armHeader: str('ROLLGATE_ARM_HEADER', 'x-rollgate-arm').toLowerCase(),
    overrideHeader: str('ROLLGATE_OVERRIDE_HEADER', 'x-rollgate-override').toLowerCase(),
    stateTtlMs: int('ROLLGATE_STATE_TTL_MS', 5000, 100, 60000),
    // How long an isolate serves the flag configuration it read before asking the coordinator
    // again (If-None-Match): the bound on an update reaching every isolate (flags-delivery.js).
    flagsTtlMs: int('ROLLGATE_FLAGS_TTL_MS', 0, 100, 60000),
    errorRetryMs: int('ROLLGATE_STATE_RETRY_MS', 1000, 50, 60000),
    flushIntervalMs: int('ROLLGATE_FLUSH_MS', 5000, 50, 60000),
    shadowTimeoutMs: int('ROLLGATE_SHADOW_TIMEOUT_MS', 10000, 100, 30000),
    maxDiffBytes: int('ROLLGATE_MAX_DIFF_BYTES', 1048576, 1024, 16777216),
    // 0: every isolate reads state from and flushes to the rollout's coordinator. n > 0: isolates
    // talk to n aggregator objects instead (each isolate to one of them, picked at random once),
    // which merge and forward one summary per interval (docs/edge.md, "At scale").
    aggregators: int('ROLLGATE_AGGREGATORS', 0, 0, 1024),
    corsOrigin: str('ROLLGATE_CORS_ORIGIN', '*'),
    cookieSecret: secret('ROLLGATE_COOKIE_SECRET'),
    overrideSecret: secret('ROLLGATE_OVERRIDE_SECRET'),
    adminToken: secret('ROLLGATE_ADMIN_TOKEN'),
    peerToken: optionalSecret('ROLLGATE_PEER_TOKEN'), // opens /__rollgate/peer/* (peer.js)
    // Server-Timing names recorded per arm (timing.js; the core checks them and bounds how many),
    // and whether users receive the origin's Server-Timing header.
    serverTiming: str('ROLLGATE_SERVER_TIMING', '').split(',').map((n) => n.trim()).filter(Boolean),
    stripServerTiming: flag('ROLLGATE_STRIP_SERVER_TIMING', false),
    // Metric events (events.js, docs/edge.md "Events"): the names POST /__rollgate/events accepts
    // (empty: the endpoint is off), the back ends' bearer token (absent: browsers only), and the
    // events a browser's unit may send per minute to one isolate.
    events: str('ROLLGATE_EVENTS', '').split(',').map((n) => n.trim()).filter(Boolean),
    eventsToken: optionalSecret('ROLLGATE_EVENTS_TOKEN'),
    eventsPerMin: int('ROLLGATE_EVENTS_PER_MIN', 60, 1, 100000),
    coordinator: env.ROLLGATE_COORDINATOR,
    problems,
  };
  // Derived timings (plumbing, not policy). A flush is acknowledged once it is stored: stores are
  // grouped, at most one per commitMs, so a flush waits at most that long for its answer; an
  // aggregator forwards its merged summary as often, and caches the state a quarter of the TTL
  // (a reader's state is then at most stateTtlMs + aggregatorStateMs old: the announcement lead).
  s.commitMs = Math.min(1000, s.flushIntervalMs);
  s.forwardMs = Math.min(1000, s.flushIntervalMs);
  s.aggregatorStateMs = s.aggregators > 0 ? Math.min(1000, Math.floor(s.stateTtlMs / 4)) : 0;
  // Flags follow the rollout state's cadence unless set. An announced increase must reach every
  // reader before it takes effect: isolates reading the state, and (a guarded flag rollout: a
  // ramp step in the served configuration) isolates reading the flag configuration.
  if (!s.flagsTtlMs) s.flagsTtlMs = s.stateTtlMs;
  s.announceMs = Math.max(s.stateTtlMs + s.aggregatorStateMs, s.flagsTtlMs);
  if (!s.coordinator || typeof s.coordinator.idFromName !== 'function') {
    problems.push('binding ROLLGATE_COORDINATOR (Durable Object namespace) is missing');
  }
  cache.set(env, s);
  return s;
}
