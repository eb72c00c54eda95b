// The harness's emulated hostcalls, called directly: handle semantics, status codes, buffers
// and the multi-value cursor protocol as the witx ABI and Viceroy define them. These are what
// a guest relies on; a harness that got them wrong would let a broken service pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostcalls } from './support/hostcalls.mjs';
import { STATUS } from './support/abi.mjs';

function host({ calls = [], reply = () => ({}) } = {}) {
  const io = {
    call(op, args) {
      calls.push({ op, args });
      return reply(op, args);
    },
  };
  const env = {
    request: { method: 'POST', uri: 'http://example.com/p?q=1', headers: [['host', 'example.com'], ['x-a', '1'], ['x-a', '2'], ['cookie', 'c=1']], hasBody: true },
    backends: { stable: {}, sick: { health: 'unhealthy' }, fine: { health: 'healthy' } },
    configStores: { cfg: { key: 'value' } },
    secretStores: { sec: { s: 'shh' } },
  };
  const h = createHostcalls(io, env);
  const memory = new WebAssembly.Memory({ initial: 1 });
  h.bind(memory);
  const mem = new Uint8Array(memory.buffer);
  const dv = new DataView(memory.buffer);
  const put = (at, s) => {
    const b = Buffer.from(s);
    mem.set(b, at);
    return [at, b.length];
  };
  const u32 = (at) => dv.getUint32(at, true);
  const i64 = (at) => dv.getBigInt64(at, true);
  const text = (at, n) => Buffer.from(mem.subarray(at, at + n)).toString();
  return { ...h.imports, calls, put, u32, i64, text, mem };
}

test('the downstream request: handles, method, URI, and a header read', () => {
  const x = host();
  assert.equal(x.fastly_abi.init(1n), STATUS.ok);
  assert.equal(x.fastly_abi.init(2n), STATUS.error);
  assert.equal(x.fastly_http_req.body_downstream_get(0, 4), STATUS.ok);
  const req = x.u32(0);
  assert.equal(x.fastly_http_req.method_get(req, 100, 16, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'POST');
  assert.equal(x.fastly_http_req.uri_get(req, 100, 64, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'http://example.com/p?q=1');
  const [n, nl] = x.put(200, 'X-A');
  assert.equal(x.fastly_http_req.header_value_get(req, n, nl, 300, 16, 8), STATUS.ok, 'names are case-insensitive');
  assert.equal(x.text(300, x.u32(8)), '1');
});

test('a buffer too small answers buflen with the size needed; a missing header inval; a bad name inval', () => {
  const x = host();
  x.fastly_http_req.body_downstream_get(0, 4);
  const req = x.u32(0);
  assert.equal(x.fastly_http_req.uri_get(req, 100, 5, 8), STATUS.buflen);
  assert.equal(x.u32(8), 'http://example.com/p?q=1'.length);
  const [m, ml] = x.put(200, 'x-missing');
  assert.equal(x.fastly_http_req.header_value_get(req, m, ml, 300, 16, 8), STATUS.inval);
  assert.equal(x.fastly_http_req.header_remove(req, m, ml), STATUS.inval);
  const [b, bl] = x.put(200, 'bad name');
  assert.equal(x.fastly_http_req.header_value_get(req, b, bl, 300, 16, 8), STATUS.inval);
});

test('out-pointers are checked: misaligned is badalign, out of bounds inval', () => {
  const x = host();
  assert.equal(x.fastly_http_req.body_downstream_get(2, 8), STATUS.badalign);
  assert.equal(x.fastly_http_req.body_downstream_get(65536, 8), STATUS.inval);
  assert.equal(x.fastly_http_body.new(3), STATUS.badalign);
});

test('invalid and wrong-kind handles are badf; a sent request and its body are consumed', () => {
  const x = host({ reply: (op) => (op === 'send' ? { ok: true, status: 200, headers: [['x', 'y']], stream: 'r1' } : {}) });
  x.fastly_http_req.body_downstream_get(0, 4);
  const [req, body] = [x.u32(0), x.u32(4)];
  assert.equal(x.fastly_http_req.method_get(999, 100, 16, 8), STATUS.badf);
  assert.equal(x.fastly_http_req.method_get(body, 100, 16, 8), STATUS.badf, 'a body handle is not a request');
  assert.equal(x.fastly_http_resp.status_set(req, 200), STATUS.badf, 'a request handle is not a response');
  const [be, bel] = x.put(200, 'stable');
  assert.equal(x.fastly_http_req.send(req, body, be, bel, 16, 20), STATUS.ok);
  assert.equal(x.calls.at(-1).op, 'send');
  assert.deepEqual(x.calls.at(-1).args.body, [{ stream: 'down' }]);
  assert.equal(x.fastly_http_req.method_get(req, 100, 16, 8), STATUS.badf, 'the request was consumed');
  assert.equal(x.fastly_http_body.close(body), STATUS.badf, 'the body was consumed');
  const resp = x.u32(16);
  assert.equal(x.fastly_http_resp.status_get(resp, 24), STATUS.ok);
  assert.equal(new DataView(x.mem.buffer).getUint16(24, true), 200);
  assert.equal(x.fastly_http_resp.close(resp), STATUS.ok);
  assert.equal(x.fastly_http_resp.close(resp), STATUS.badf);
});

test('sending to an unknown backend is inval and still consumes the handles; a network failure is error', () => {
  const x = host({ reply: () => ({ ok: false, message: 'ECONNREFUSED' }) });
  x.fastly_http_req.new(0);
  x.fastly_http_body.new(4);
  const [nb, nbl] = x.put(200, 'nowhere');
  assert.equal(x.fastly_http_req.send(x.u32(0), x.u32(4), nb, nbl, 16, 20), STATUS.inval);
  assert.equal(x.fastly_http_req.close(x.u32(0)), STATUS.badf);
  x.fastly_http_req.new(0);
  x.fastly_http_body.new(4);
  const [sb, sbl] = x.put(200, 'stable');
  assert.equal(x.fastly_http_req.send(x.u32(0), x.u32(4), sb, sbl, 16, 20), STATUS.error);
});

test('multi-value reads follow the cursor protocol: values ended by NUL, ending cursor -1 when done', () => {
  const x = host();
  x.fastly_http_req.body_downstream_get(0, 4);
  const req = x.u32(0);
  // All names at once.
  assert.equal(x.fastly_http_req.header_names_get(req, 100, 256, 0, 40, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'host\0x-a\0cookie\0');
  assert.equal(x.i64(40), -1n);
  // A buffer that holds one name at a time: cursor 1, then 2, then done.
  assert.equal(x.fastly_http_req.header_names_get(req, 100, 6, 0, 40, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'host\0');
  assert.equal(x.i64(40), 1n);
  assert.equal(x.fastly_http_req.header_names_get(req, 100, 6, 1, 40, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'x-a\0');
  assert.equal(x.i64(40), 2n);
  // Too small for even one value: buflen and the size it needs.
  assert.equal(x.fastly_http_req.header_names_get(req, 100, 3, 2, 40, 8), STATUS.buflen);
  assert.equal(x.u32(8), 'cookie\0'.length);
  // All values of one name, then set them on a new request in the same form.
  const [n, nl] = x.put(200, 'x-a');
  assert.equal(x.fastly_http_req.header_values_get(req, n, nl, 100, 64, 0, 40, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), '1\x002\0');
  x.fastly_http_req.new(16);
  assert.equal(x.fastly_http_req.header_values_set(x.u32(16), n, nl, 100, x.u32(8)), STATUS.ok);
  assert.equal(x.fastly_http_req.header_values_get(x.u32(16), n, nl, 300, 64, 0, 40, 8), STATUS.ok);
  assert.equal(x.text(300, x.u32(8)), '1\x002\0');
});

test('header insert replaces, append adds, remove removes every value', () => {
  const x = host();
  x.fastly_http_resp.new(0);
  const resp = x.u32(0);
  const [n, nl] = x.put(200, 'set-cookie');
  const [a, al] = x.put(220, 'a=1');
  const [b, bl] = x.put(230, 'b=2');
  x.fastly_http_resp.header_append(resp, n, nl, a, al);
  x.fastly_http_resp.header_append(resp, n, nl, b, bl);
  assert.equal(x.fastly_http_resp.header_values_get(resp, n, nl, 100, 64, 0, 40, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'a=1\0b=2\0');
  x.fastly_http_resp.header_insert(resp, n, nl, b, bl);
  x.fastly_http_resp.header_values_get(resp, n, nl, 100, 64, 0, 40, 8);
  assert.equal(x.text(100, x.u32(8)), 'b=2\0');
  assert.equal(x.fastly_http_resp.header_remove(resp, n, nl), STATUS.ok);
  assert.equal(x.fastly_http_resp.header_value_get(resp, n, nl, 100, 64, 8), STATUS.inval);
  const [bad, badl] = x.put(240, 'a\nb');
  assert.equal(x.fastly_http_resp.header_insert(resp, n, nl, bad, badl), STATUS.inval, 'control characters are refused');
});

test('config and secret stores: open, get, absent items and stores', () => {
  const x = host();
  const [c, cl] = x.put(200, 'cfg');
  assert.equal(x.fastly_config_store.open(c, cl, 0), STATUS.ok);
  const [k, kl] = x.put(220, 'key');
  assert.equal(x.fastly_config_store.get(x.u32(0), k, kl, 100, 64, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'value');
  assert.equal(x.fastly_config_store.get(x.u32(0), k, kl, 100, 2, 8), STATUS.buflen);
  assert.equal(x.u32(8), 5);
  const [m, ml] = x.put(220, 'nope');
  assert.equal(x.fastly_config_store.get(x.u32(0), m, ml, 100, 64, 8), STATUS.none);
  assert.equal(x.fastly_config_store.open(m, ml, 0), STATUS.badf);
  const [s, sl] = x.put(200, 'sec');
  assert.equal(x.fastly_secret_store.open(s, sl, 0), STATUS.ok);
  const [sk, skl] = x.put(220, 's');
  assert.equal(x.fastly_secret_store.get(x.u32(0), sk, skl, 4), STATUS.ok);
  assert.equal(x.fastly_secret_store.plaintext(x.u32(4), 100, 64, 8), STATUS.ok);
  assert.equal(x.text(100, x.u32(8)), 'shh');
  assert.equal(x.fastly_secret_store.get(x.u32(0), m, ml, 4), STATUS.none);
  assert.equal(x.fastly_secret_store.open(m, ml, 0), STATUS.none);
});

test('send_downstream consumes the response, can happen once, and a streaming body writes through', () => {
  const x = host();
  x.fastly_http_resp.new(0);
  x.fastly_http_body.new(4);
  const [d, dl] = x.put(200, 'hello');
  x.fastly_http_body.write(x.u32(4), d, dl, 0, 8);
  assert.equal(x.fastly_http_resp.send_downstream(x.u32(0), x.u32(4), 1), STATUS.ok);
  assert.deepEqual(x.calls.at(-1), { op: 'respond', args: { status: 200, headers: [], body: [{ bytes: Uint8Array.from(Buffer.from('hello')) }], streaming: true } });
  assert.equal(x.fastly_http_resp.status_set(x.u32(0), 404), STATUS.badf, 'the response was consumed');
  assert.equal(x.fastly_http_body.write(x.u32(4), d, dl, 0, 8), STATUS.ok);
  assert.equal(x.calls.at(-1).op, 'write');
  assert.equal(x.fastly_http_body.read(x.u32(4), 100, 16, 8), STATUS.inval, 'a streaming body cannot be read');
  assert.equal(x.fastly_http_body.close(x.u32(4)), STATUS.ok);
  assert.equal(x.calls.at(-1).op, 'finish');
  x.fastly_http_resp.new(0);
  x.fastly_http_body.new(4);
  assert.equal(x.fastly_http_resp.send_downstream(x.u32(0), x.u32(4), 0), STATUS.error, 'only one downstream response');
});

test('body reads drain bytes and remote streams in order, then answer 0', () => {
  const chunks = [Uint8Array.from(Buffer.from('remote')), null];
  const x = host({ reply: (op) => (op === 'read' ? { chunk: chunks.shift() } : {}) });
  x.fastly_http_body.new(0);
  const [d, dl] = x.put(200, 'front');
  x.fastly_http_body.write(x.u32(0), d, dl, 1, 8);
  x.fastly_http_req.body_downstream_get(16, 20);
  assert.equal(x.fastly_http_body.append(x.u32(0), x.u32(20)), STATUS.ok);
  let got = '';
  for (;;) {
    assert.equal(x.fastly_http_body.read(x.u32(0), 100, 3, 8), STATUS.ok);
    const n = x.u32(8);
    if (n === 0) break;
    got += x.text(100, n);
  }
  assert.equal(got, 'frontremote');
  assert.equal(x.fastly_http_body.read(x.u32(20), 100, 3, 8), STATUS.badf, 'the appended body was consumed');
});

test('cache_override_set records pass or a TTL on the request, and the send carries it; unknown flags are inval', () => {
  const calls = [];
  const x = host({ calls, reply: (op) => (op === 'send' ? { ok: true, status: 200, headers: [], stream: 'r1' } : {}) });
  x.fastly_http_req.new(0);
  const req = x.u32(0);
  assert.equal(x.fastly_http_req.cache_override_set(req, 16, 0, 0), STATUS.inval);
  assert.equal(x.fastly_http_req.cache_override_set(req, 2, 5, 0), STATUS.ok);
  x.fastly_http_body.new(4);
  const [be, bel] = x.put(200, 'stable');
  assert.equal(x.fastly_http_req.send(req, x.u32(4), be, bel, 8, 12), STATUS.ok);
  assert.deepEqual(calls.find((c) => c.op === 'send').args.cache, { pass: false, ttl: 5, swr: null, pci: false });
  x.fastly_http_req.new(0);
  assert.equal(x.fastly_http_req.cache_override_set(x.u32(0), 1, 0, 0), STATUS.ok);
  assert.equal(x.fastly_http_req.cache_override_set(999, 1, 0, 0), STATUS.badf);
});

test('async_io.select: pending requests and bodies, the index of the ready one, u32::MAX on timeout; others badf', () => {
  const calls = [];
  let answer = { index: 1 };
  const x = host({ calls, reply: (op) => (op === 'sendAsync' ? { id: 7 } : op === 'select' ? answer : {}) });
  x.fastly_http_req.new(0);
  x.fastly_http_body.new(4);
  const [be, bel] = x.put(200, 'stable');
  assert.equal(x.fastly_http_req.send_async(x.u32(0), x.u32(4), be, bel, 8), STATUS.ok);
  const pending = x.u32(8);
  x.fastly_http_req.body_downstream_get(12, 16);
  const body = x.u32(16);
  const dv = new DataView(x.mem.buffer);
  dv.setUint32(400, pending, true);
  dv.setUint32(404, body, true);
  assert.equal(x.fastly_async_io.select(400, 2, 250, 20), STATUS.ok);
  assert.equal(x.u32(20), 1);
  assert.deepEqual(calls.find((c) => c.op === 'select').args, { items: [{ pending: 7 }, { stream: 'down' }], timeoutMs: 250 });
  answer = { index: -1 };
  assert.equal(x.fastly_async_io.select(400, 2, 250, 20), STATUS.ok);
  assert.equal(x.u32(20), 0xffffffff);
  assert.equal(x.fastly_async_io.select(400, 0, 250, 20), STATUS.inval, 'an empty list');
  dv.setUint32(408, x.u32(12), true); // the downstream request handle: not an async item
  assert.equal(x.fastly_async_io.select(408, 1, 0, 20), STATUS.badf);
  assert.equal(x.fastly_async_io.select(402, 1, 0, 20), STATUS.badalign);
  // A body whose bytes are held by the host is ready without asking the main thread.
  x.fastly_http_body.new(24);
  const held = x.u32(24);
  const [d, dl] = x.put(300, 'abc');
  x.fastly_http_body.write(held, d, dl, 0, 28);
  answer = { index: 0 };
  assert.equal(x.fastly_async_io.is_ready(held, 20), STATUS.ok);
  assert.equal(x.u32(20), 1);
  assert.deepEqual(calls[calls.length - 1].args, { items: [{ ready: true }], poll: true });
});

test('backend.is_healthy: unknown without a health check, healthy, unhealthy; an unknown backend is inval', () => {
  const x = host();
  for (const [name, want] of [['stable', 0], ['fine', 1], ['sick', 2]]) {
    const [p, l] = x.put(200, name);
    assert.equal(x.fastly_backend.is_healthy(p, l, 8), STATUS.ok);
    assert.equal(x.u32(8), want, name);
  }
  const [p, l] = x.put(200, 'nope');
  assert.equal(x.fastly_backend.is_healthy(p, l, 8), STATUS.inval);
});
