// The page helper track() (wasm/js/track.js): batching, the wire format the edge's events
// endpoint reads ({events: [{name, value?}]}, a text/plain body), sendBeacon when the page is
// hidden, validation, and an explicit error where there is no page. Runs on a fake browser
// environment, so every send can be inspected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracker, EVENTS_PATH } from '../../wasm/js/track.js';

function fakeEnv({ beacon = true } = {}) {
  const sent = [];
  const listeners = {};
  const timers = [];
  const env = {
    document: {
      visibilityState: 'visible',
      addEventListener: (type, fn) => { listeners[type] = fn; },
    },
    addEventListener: (type, fn) => { listeners[type] = fn; },
    navigator: beacon ? { sendBeacon: (url, blob) => { sent.push({ via: 'beacon', url, blob }); return true; } } : {},
    fetch: async (url, init) => { sent.push({ via: 'fetch', url, init }); return { ok: true }; },
    setTimeout: (fn) => { timers.push(fn); return timers.length; },
    clearTimeout: () => {},
  };
  return { env, sent, listeners, timers };
}

test('events are batched and sent in the wire format, by fetch with keepalive when full', async () => {
  const { env, sent } = fakeEnv();
  const t = createTracker({ env, maxBatch: 3 });
  t.track('view');
  t.track('purchase', 31.5);
  assert.equal(sent.length, 0);
  assert.equal(t.pending, 2);
  t.track('purchase', 2);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].via, 'fetch');
  assert.equal(sent[0].url, EVENTS_PATH);
  assert.equal(sent[0].init.keepalive, true);
  assert.equal(sent[0].init.headers['content-type'], 'text/plain');
  assert.deepEqual(JSON.parse(sent[0].init.body), { events: [{ name: 'view' }, { name: 'purchase', value: 31.5 }, { name: 'purchase', value: 2 }] });
});

test('a hidden page sends what is queued with sendBeacon, as text/plain', async () => {
  const { env, sent, listeners } = fakeEnv();
  const t = createTracker({ env });
  t.track('purchase', 10);
  env.document.visibilityState = 'hidden';
  listeners.visibilitychange();
  assert.equal(sent.length, 1);
  assert.equal(sent[0].via, 'beacon');
  assert.equal(sent[0].blob.type, 'text/plain');
  assert.deepEqual(JSON.parse(await sent[0].blob.text()), { events: [{ name: 'purchase', value: 10 }] });
  assert.equal(t.pending, 0);
  listeners.pagehide();
  assert.equal(sent.length, 1, 'nothing left to send');
});

test('the timer flushes a partial batch; without sendBeacon, fetch is used', () => {
  const { env, sent, timers } = fakeEnv({ beacon: false });
  const t = createTracker({ env });
  t.track('signup');
  assert.equal(timers.length, 1);
  timers[0]();
  assert.equal(sent.length, 1);
  assert.equal(sent[0].via, 'fetch');
});

test('bad names and values are refused with an id and a pointer; no page is an explicit error', () => {
  const { env } = fakeEnv();
  const t = createTracker({ env });
  for (const v of [Number.NaN, Infinity, '3']) {
    assert.throws(() => t.track('purchase', v), (e) => e.code === 'rollgate.js.804' && e.pointer === '/value');
  }
  for (const n of ['', 'a b', 'x'.repeat(65), 7]) {
    assert.throws(() => t.track(n), (e) => e.code === 'rollgate.js.804' && e.pointer === '/name');
  }
  assert.equal(t.pending, 0);
  assert.throws(() => createTracker({ env: {} }), (e) => e.code === 'rollgate.metrics.010');
});
