// A local Fastly Compute host for tests: an HTTP server on loopback that runs the service's
// wasm32-wasi module once per request (node:wasi + the emulated hostcalls of hostcalls.mjs, in
// worker threads), and does its I/O for it: backends are real HTTP origins, the client gets a
// real HTTP response, and bodies stream through without being buffered.
// SPDX-License-Identifier: MIT
//
//   const h = await startFastly({ wasm, backends: {stable: 'http://127.0.0.1:3000'},
//                                 configStores: {...}, secretStores: {...} });
//   await fetch(h.url + '/path');  ...  await h.close();
import { Worker, MessageChannel } from 'node:worker_threads';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import './quiet.mjs';
import { FRAMING, createHostcalls } from './hostcalls.mjs';
import { checkImports } from './abi.mjs';
// Loaded after quiet.mjs: node:wasi warns as it loads.
const { WASI } = await import('node:wasi');

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SERVICE_WASM = join(repo, 'build/fastly/rollgate_fastly.wasm');
export const SELFTEST_WASM = join(repo, 'build/fastly/rollgate_fastly_selftest.wasm');

/** Reads a built module, or throws naming the build step (a suite must not skip into green). */
export function readModule(path = SERVICE_WASM) {
  try {
    return readFileSync(path);
  } catch {
    throw new Error(`${path} is missing: build it with \`bash scripts/bootstrap.sh\` (step "Fastly Compute service")`);
  }
}

/** A readable (client request or backend response) that the guest reads in pieces or has piped. */
class RemoteStream {
  constructor(readable) {
    this.readable = readable;
    this.iterator = readable[Symbol.asyncIterator]();
    this.pending = null;
    this.ended = false;
    this.touched = false;
    this.filling = null;
  }
  /** Resolves once a read would not block: bytes are buffered or the stream has ended. */
  fill() {
    if ((this.pending && this.pending.length > 0) || this.ended) return Promise.resolve();
    this.filling ??= this.iterator.next().then(
      ({ value, done }) => {
        this.filling = null;
        if (done) this.ended = true;
        else this.pending = value;
      },
      (e) => {
        this.filling = null;
        this.ended = true;
        this.error = e;
      },
    );
    return this.filling;
  }
  async read(max) {
    this.touched = true;
    while (!this.pending || this.pending.length === 0) {
      if (this.ended) {
        if (this.error) throw this.error;
        return null;
      }
      await this.fill();
    }
    const n = Math.min(max || 65536, this.pending.length);
    const chunk = new Uint8Array(this.pending.subarray(0, n));
    this.pending = this.pending.subarray(n);
    return chunk;
  }
}

function write(stream, chunk) {
  return new Promise((res, rej) => {
    stream.write(chunk, (e) => (e ? rej(e) : res()));
  });
}

/** Writes body segments ({bytes} or {stream}) to a writable, in order, streaming each. */
async function pipeSegments(ctx, segments, writable) {
  for (const s of segments) {
    if (s.bytes) {
      if (s.bytes.length) await write(writable, s.bytes);
      continue;
    }
    const src = ctx.streams.get(s.stream);
    if (!src) throw new Error(`unknown stream ${s.stream}`);
    for (let c = await src.read(65536); c !== null; c = await src.read(65536)) await write(writable, c);
  }
}

// content-length survives only when the body is one untouched stream whose length it states.
function keepLength(ctx, segments) {
  return segments.length === 1 && segments[0].stream && !ctx.streams.get(segments[0].stream)?.touched;
}

function flatHeaders(pairs, keepContentLength) {
  const out = [];
  for (const [n, v] of pairs) {
    if (FRAMING.has(n)) continue;
    if (n === 'content-length' && !keepContentLength) continue;
    out.push(n, v);
  }
  return out;
}

export async function startFastly(options) {
  const bytes = options.wasm instanceof Uint8Array ? options.wasm : readModule(options.wasm || SERVICE_WASM);
  const problems = checkImports(bytes, hostImportsFor());
  if (problems.length) throw new Error(`the module does not fit the Fastly ABI:\n  ${problems.join('\n  ')}`);
  const module = new WebAssembly.Module(bytes);
  const backends = { ...options.backends };
  for (const [k, v] of Object.entries(backends)) backends[k] = typeof v === 'string' ? { url: v } : v;
  const state = {
    backends,
    configStores: structuredClone(options.configStores || {}),
    secretStores: structuredClone(options.secretStores || {}),
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // The readthrough cache of this "POP": key (Host + URI) → {status, headers, body, expires}, and
  // the fetches in flight per key (request collapsing).
  const cache = new Map();
  const inflight = new Map();
  const logDir = mkdtempSync(join(tmpdir(), 'rollgate-fastly-'));
  const h = {
    logs: [],
    requests: [],
    backendRequests: [], // {backend, method, uri, cache, fromCache}: every send, in order
    traps: [],
    url: null,
    port: null,
    setConfig(store, key, value) {
      state.configStores[store] ??= {};
      if (value === undefined) delete state.configStores[store][key];
      else state.configStores[store][key] = value;
    },
    /** Resolves once every request so far has finished its instance (its logs and stats are in). */
    idle() {
      if (!queue.length && workers.every((e) => !e.ctx)) return Promise.resolve();
      return new Promise((res) => idleWaiters.push(res));
    },
    /** Replaces a whole store (kind: 'configStores' or 'secretStores'). */
    setStore(kind, store, contents) {
      state[kind][store] = structuredClone(contents);
    },
    /** Empties the readthrough cache (a purge of everything). */
    purgeCache() {
      cache.clear();
    },
    removeStore(kind, store) {
      delete state[kind][store];
    },
    setBackend(name, url) {
      if (url === undefined) delete state.backends[name];
      else state.backends[name] = typeof url === 'string' ? { url } : url;
    },
  };

  // --- workers -----------------------------------------------------------------------------------
  const workers = [];
  const queue = [];
  const idleWaiters = [];
  const count = options.workers || 2;
  for (let i = 0; i < count; i++) {
    const w = new Worker(new URL('./worker.mjs', import.meta.url));
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    const entry = { w, port: port1, flag: new Int32Array(flag), ctx: null, ready: null };
    entry.ready = new Promise((res, rej) => {
      w.once('error', rej);
      w.once('message', (m) => (m.type === 'ready' ? res() : rej(new Error('worker did not start'))));
    });
    w.postMessage({ type: 'init', module, port: port2, flag, logFile: join(logDir, `worker-${i}.log`) }, [port2]);
    port1.on('message', (msg) => answer(entry, msg));
    workers.push(entry);
  }
  await Promise.all(workers.map((e) => e.ready));
  for (const e of workers) {
    e.w.on('message', (m) => m.type === 'done' && finish(e, m));
    e.w.on('error', (err) => {
      h.traps.push(String(err));
      if (e.ctx && !e.ctx.responded) fallback(e.ctx, 500, 'harness worker died');
    });
  }

  function reply(entry, message, transfer = []) {
    entry.port.postMessage(message, transfer);
    Atomics.store(entry.flag, 0, 1);
    Atomics.notify(entry.flag, 0);
  }

  async function answer(entry, { op, args }) {
    const ctx = entry.ctx;
    try {
      const r = await ops[op](ctx, args);
      reply(entry, r || {}, r && r.chunk ? [r.chunk.buffer] : []);
    } catch (e) {
      reply(entry, { fault: String(e && e.message ? e.message : e) });
    }
  }

  // Fastly's readthrough cache, for what this service uses of it: a GET or HEAD whose request
  // carries a TTL override (cache_override_set) and no pass is looked up by Host + URI; a miss
  // goes to the backend, concurrent misses for one key share one fetch (request collapsing), and
  // a response of a cacheable status is stored for the TTL. Cached bodies are buffered whole.
  // Requests without an override are not cached here (Fastly would follow the response's
  // Cache-Control); see edge/fastly/README.md, "The harness".
  const CACHEABLE = new Set([200, 203, 300, 301, 302, 404, 410]);
  function startRequest(ctx, args) {
    const c = args.cache;
    const cached = c && !c.pass && c.ttl !== null && (args.method === 'GET' || args.method === 'HEAD');
    const entry = { backend: args.backend, method: args.method, uri: args.uri, cache: c, fromCache: false };
    h.backendRequests.push(entry);
    if (h.backendRequests.length > 100000) h.backendRequests.splice(0, 50000);
    if (!cached) return fetchBackend(ctx, args);
    const host = (args.headers.find(([n]) => n === 'host') || [])[1] || state.backends[args.backend].overrideHost || new URL(state.backends[args.backend].url).host;
    const key = `${host}${args.uri.startsWith('/') ? args.uri : new URL(args.uri).pathname + new URL(args.uri).search}`;
    const serve = (obj) => {
      const id = `r${ctx.nextStream++}`;
      ctx.streams.set(id, new RemoteStream(Readable.from(obj.body.length ? [obj.body] : [])));
      return { ok: true, status: obj.status, headers: obj.headers, stream: id };
    };
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) {
      entry.fromCache = true;
      return serve(hit);
    }
    let fetching = inflight.get(key);
    if (fetching) entry.fromCache = true;
    else {
      fetching = (async () => {
        const own = { streams: new Map(), nextStream: 1 };
        const r = await fetchBackend(own, { ...args, body: args.body });
        if (!r.ok) return r;
        const chunks = [];
        const src = own.streams.get(r.stream);
        try {
          for (let b = await src.read(65536); b !== null; b = await src.read(65536)) chunks.push(Buffer.from(b));
        } catch (e) {
          return { ok: false, message: String(e.message || e) };
        }
        const obj = { status: r.status, headers: r.headers, body: Buffer.concat(chunks), expires: Date.now() + c.ttl * 1000 };
        if (CACHEABLE.has(r.status) && c.ttl > 0) cache.set(key, obj);
        return { ok: true, obj };
      })().finally(() => inflight.delete(key));
      inflight.set(key, fetching);
    }
    return fetching.then((r) => (r.ok ? serve(r.obj) : r));
  }

  function fetchBackend(ctx, args) {
    const backend = state.backends[args.backend];
    const target = new URL(backend.url);
    const path = args.uri.startsWith('/') ? args.uri : (() => {
      const u = new URL(args.uri);
      return u.pathname + u.search;
    })();
    const headers = flatHeaders(args.headers, keepLength(ctx, args.body));
    const hasHost = args.headers.some(([n]) => n === 'host');
    if (backend.overrideHost || !hasHost) {
      for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'host') headers.splice(i, 2);
      headers.push('host', backend.overrideHost || target.host);
    }
    return new Promise((resolveResponse) => {
      const req = httpRequest({ hostname: target.hostname, port: target.port || 80, method: args.method, path, headers, agent });
      req.on('response', (res) => {
        const id = `r${ctx.nextStream++}`;
        ctx.streams.set(id, new RemoteStream(res));
        const pairs = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        resolveResponse({ ok: true, status: res.statusCode, headers: pairs, stream: id });
      });
      req.on('error', (e) => resolveResponse({ ok: false, message: String(e.message || e) }));
      pipeSegments(ctx, args.body, req).then(
        () => req.end(),
        (e) => req.destroy(e),
      );
    });
  }

  const ops = {
    read: async (ctx, { stream, max }) => {
      try {
        return { chunk: await ctx.streams.get(stream).read(max) };
      } catch (e) {
        return { failed: String(e.message || e) };
      }
    },
    // async_io.select / is_ready: the index of the first item ready, -1 on timeout (or, with
    // `poll`, when none is ready now).
    select: async (ctx, { items, timeoutMs, poll }) => {
      const waits = items.map((it, i) => {
        if (it.ready) return Promise.resolve(i);
        if (it.pending !== undefined) {
          const p = ctx.pending.get(it.pending);
          if (p.settled) return Promise.resolve(i);
          return p.then(() => i);
        }
        const s = ctx.streams.get(it.stream);
        if ((s.pending && s.pending.length > 0) || s.ended) return Promise.resolve(i);
        return s.fill().then(() => i);
      });
      // The first ready item in list order wins among those ready now.
      const now = await Promise.race([...waits, new Promise((res) => setImmediate(() => res(-1)))]);
      if (now >= 0 || poll) return { index: now };
      let timer = null;
      const racers = [...waits];
      if (timeoutMs > 0) racers.push(new Promise((res) => (timer = setTimeout(() => res(-1), timeoutMs))));
      const index = await Promise.race(racers);
      clearTimeout(timer);
      return { index };
    },
    send: (ctx, args) => startRequest(ctx, args),
    sendAsync: (ctx, args) => {
      const id = ctx.nextPending++;
      const p = Promise.resolve(startRequest(ctx, args));
      p.then(() => {
        p.settled = true;
      });
      ctx.pending.set(id, p);
      return { id };
    },
    wait: async (ctx, { id }) => {
      const p = ctx.pending.get(id);
      ctx.pending.delete(id);
      return p;
    },
    respond: (ctx, { status, headers, body, streaming }) => {
      ctx.responded = true;
      const res = ctx.res;
      res.writeHead(status, flatHeaders(headers, !streaming && keepLength(ctx, body)));
      ctx.chain = ctx.chain.then(() => pipeSegments(ctx, body, res));
      if (!streaming || ctx.req.method === 'HEAD') {
        ctx.chain = ctx.chain.then(() => res.end(), () => res.destroy());
      }
      return {};
    },
    write: async (ctx, { chunk }) => {
      ctx.chain = ctx.chain.then(() => write(ctx.res, chunk));
      await ctx.chain;
      return {};
    },
    pipe: async (ctx, { body }) => {
      ctx.chain = ctx.chain.then(() => pipeSegments(ctx, body, ctx.res));
      await ctx.chain;
      return {};
    },
    finish: async (ctx) => {
      ctx.chain = ctx.chain.then(() => ctx.res.end());
      await ctx.chain;
      return {};
    },
    abort: (ctx) => {
      ctx.res.destroy();
      return {};
    },
  };

  function fallback(ctx, status, text) {
    ctx.responded = true;
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    ctx.res.writeHead(status, { 'content-type': 'text/plain' });
    ctx.res.end(text);
  }

  function finish(entry, m) {
    const ctx = entry.ctx;
    entry.ctx = null;
    h.requests.push(m.stats);
    if (h.requests.length > 100000) h.requests.splice(0, 50000);
    for (const line of m.logs.split('\n')) {
      if (!line) continue;
      try {
        h.logs.push(JSON.parse(line));
      } catch {
        h.logs.push({ text: line });
      }
    }
    if (m.stats.trap) h.traps.push(m.stats.trap);
    // Compute answers 500 when an instance ends without a response (a trap, or no
    // send_downstream); a streaming body left open is ended with the instance.
    if (!m.responded) fallback(ctx, 500, m.stats.trap ? 'the service trapped' : 'the service sent no response');
    else if (m.streamingOpen) ctx.chain = ctx.chain.then(() => ctx.res.end());
    dispatch();
    if (!queue.length && workers.every((e) => !e.ctx)) idleWaiters.splice(0).forEach((f) => f());
  }

  function dispatch() {
    while (queue.length) {
      const entry = workers.find((e) => !e.ctx);
      if (!entry) return;
      const { req, res } = queue.shift();
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      entry.ctx = {
        req,
        res,
        streams: new Map([['down', new RemoteStream(req)]]),
        nextStream: 1,
        pending: new Map(),
        nextPending: 1,
        responded: false,
        chain: Promise.resolve(),
      };
      const env = {
        request: { method: req.method, uri: `http://${req.headers.host || '127.0.0.1'}${req.url}`, headers, hasBody },
        backends: Object.fromEntries(Object.entries(state.backends).map(([k, b]) => [k, { health: b.health || null }])),
        wasiEnv: { FASTLY_POP: options.pop || 'LCL', FASTLY_HOSTNAME: options.hostname || 'localhost', FASTLY_TRACE_ID: randomBytes(8).toString('hex'), FASTLY_SERVICE_VERSION: '0' },
        configStores: state.configStores,
        secretStores: state.secretStores,
      };
      entry.w.postMessage({ type: 'run', id: 0, env });
    }
  }

  const server = createServer((req, res) => {
    queue.push({ req, res });
    dispatch();
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  h.port = server.address().port;
  h.url = `http://127.0.0.1:${h.port}`;
  h.close = async () => {
    server.closeAllConnections?.();
    await new Promise((res) => server.close(() => res()));
    agent.destroy();
    await Promise.all(workers.map((e) => e.w.terminate()));
    rmSync(logDir, { recursive: true, force: true });
  };
  return h;
}

/** What the harness implements: the emulated fastly_* calls and node:wasi's preview 1. */
export function hostImportsFor() {
  const env = { request: { method: 'GET', uri: 'http://x/', headers: [], hasBody: false }, backends: {}, configStores: {}, secretStores: {} };
  const { imports } = createHostcalls({ call: () => ({}) }, env);
  return { ...imports, wasi_snapshot_preview1: wasiImports() };
}

let wasiCache = null;
function wasiImports() {
  wasiCache ??= new WASI({ version: 'preview1', returnOnExit: true }).wasiImport;
  return wasiCache;
}
