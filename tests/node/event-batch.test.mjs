// Metric event batches in the WASM package: parseEventBatch against tests/vectors/event_batch.json
// (tests/vectors/gen/gen_event_batch.py, from docs/edge.md "Events"; the native tests read the
// same file), and the page helper's batch bound agreeing with the core's.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flavours, load, vectors } from './support.mjs';
import { MAX_BATCH } from '../../wasm/js/track.js';

const v = vectors('event_batch.json');

test("track()'s MAX_BATCH is the core's kMaxEvents (the edge refuses larger batches)", () => {
  assert.equal(MAX_BATCH, v.limits.maxEvents);
});

for (const flavour of flavours) {
  describe(`event batches [${flavour}]`, () => {
    let r;
    before(async () => { r = await load(flavour); });

    test('every event_batch.json body reads as the contract says', () => {
      assert.ok(v.cases.length >= 25);
      for (const c of v.cases) {
        const run = () => r.parseEventBatch(c.text, { backEnd: c.sender === 'back_end', accept: c.accepted });
        if (c.expected.events) {
          assert.deepEqual(run(), c.expected.events, c.name);
        } else if (c.expected.error) {
          assert.throws(run, (e) => e instanceof r.RollgateError && e.code === c.expected.error, c.name);
        } else {
          assert.throws(run, (e) => {
            assert.ok(e instanceof r.RollgateError, c.name);
            assert.deepEqual(e.problems.map((p) => ({ code: p.code, pointer: p.pointer })), c.expected.problems, c.name);
            return true;
          }, c.name);
        }
      }
    });

    test('bad arguments are refused with a pointer, and the module keeps working', () => {
      assert.throws(() => r.parseEventBatch({ events: [] }, { accept: [] }), (e) => e.pointer === '/text');
      assert.throws(() => r.parseEventBatch('{"events":[]}', { accept: 'purchase' }), (e) => e.pointer === '/accept');
      assert.deepEqual(r.parseEventBatch('{"events":[{"name":"purchase"}]}', { accept: ['purchase'] }),
        [{ name: 'purchase', value: 1, hasValue: false, unit: '' }]);
    });
  });
}
