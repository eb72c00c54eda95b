// The Fastly Compute hostcalls, emulated for one instance (one downstream request), following
// the witx ABI (abi.json) and Viceroy's behaviour where the witx leaves it open. Runs inside the
// harness's worker thread; every call that needs the network or the client connection goes to
// the main thread through `io.call(op, args)`, which blocks until the answer is there, as a
// hostcall blocks the guest in Compute. SPDX-License-Identifier: MIT
//
// Semantics emulated (README "The harness" says how faithfully):
//   - handles are u32 numbers, never reused within an instance, one space for every kind, so a
//     request handle passed as a body is `badf` (Viceroy keeps one table per kind);
//   - sending a request consumes its request and body handles, whatever the outcome; a response
//     handle is consumed by send_downstream or close; later use is `badf`;
//   - out-pointers are checked for bounds (`inval`) and alignment (`badalign`) as wiggle does;
//   - a buffer too small gives `buflen` and the needed size in nwritten_out; multi-value reads
//     use MultiValueWriter's cursor protocol (values ended by '\0', ending cursor -1 when done);
//   - a missing header gives `inval` on get and remove (Viceroy), a missing config item `none`,
//     an unknown config store `badf`, an unknown secret store or secret `none`, an unknown
//     backend `inval` on send; an unreachable backend gives `error`;
//   - cache_override_set records the override on the request (flags pass, ttl,
//     stale_while_revalidate, pci; other bits `inval`); the main thread's readthrough cache
//     (harness.mjs) acts on it;
//   - async_io.select and is_ready take pending requests and bodies (one list may mix them; any
//     other handle is `badf`, an empty list `inval`); a pending request is ready once its
//     response head is in, a body once a read would not block; select answers the index, or
//     u32::MAX when timeout_ms (0: none) passes first.
import { performance } from 'node:perf_hooks';
import { STATUS, ABI } from './abi.mjs';

export class HostError extends Error {
  constructor(status, message) {
    super(message || status);
    this.status = status;
  }
}
const fail = (status, message) => {
  throw new HostError(status, message);
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');
const enc = new TextEncoder();

/** Header names the host owns: framing and connection management (automatic framing mode). */
export const FRAMING = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * The import object for one instance.
 * @param io     {call(op, args): reply} — blocking calls to the main thread
 * @param env    {request: {method, uri, headers: [[name, value]]}, backends: {name: {...}},
 *                configStores: {name: {key: value}}, secretStores: {name: {key: value}}}
 * @returns {imports, session, bind(memory)}
 */
export function createHostcalls(io, env) {
  let memory = null;
  const session = {
    handles: new Map(),
    next: 1,
    calls: 0,
    hostcallMs: 0, // time inside the emulated hostcalls, I/O waits included
    responded: false,
  };
  const add = (kind, value) => {
    const h = session.next++;
    session.handles.set(h, { kind, ...value });
    return h;
  };
  const get = (h, kind) => {
    const e = session.handles.get(h >>> 0);
    if (!e || e.kind !== kind) fail(STATUS.badf, `${h} is not a ${kind} handle`);
    return e;
  };
  const take = (h, kind) => {
    const e = get(h, kind);
    session.handles.delete(h >>> 0);
    return e;
  };

  // --- guest memory -----------------------------------------------------------------------------
  const u8 = () => new Uint8Array(memory.buffer);
  const view = () => new DataView(memory.buffer);
  const bytes = (ptr, len) => {
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > memory.buffer.byteLength) fail(STATUS.inval, 'pointer out of bounds');
    return u8().slice(ptr, ptr + len);
  };
  const str = (ptr, len) => {
    try {
      return utf8.decode(bytes(ptr, len));
    } catch (e) {
      if (e instanceof HostError) throw e;
      fail(STATUS.inval, 'not UTF-8');
    }
  };
  const out = (ptr, size) => {
    ptr >>>= 0;
    if (ptr % size !== 0) fail(STATUS.badalign, 'misaligned out-pointer');
    if (ptr + size > memory.buffer.byteLength) fail(STATUS.inval, 'out-pointer out of bounds');
    return ptr;
  };
  const writeU32 = (ptr, v) => view().setUint32(out(ptr, 4), v >>> 0, true);
  const writeU16 = (ptr, v) => view().setUint16(out(ptr, 2), v, true);
  const writeI64 = (ptr, v) => view().setBigInt64(out(ptr, 8), BigInt(v), true);
  const readU32s = (ptr, n) => {
    ptr >>>= 0;
    n >>>= 0;
    if (ptr % 4 !== 0) fail(STATUS.badalign, 'misaligned list');
    if (ptr + 4 * n > memory.buffer.byteLength) fail(STATUS.inval, 'list out of bounds');
    return Array.from({ length: n }, (_, i) => view().getUint32(ptr + 4 * i, true));
  };
  // A value into a guest buffer of `max` bytes, or `buflen` with the size it needs.
  const writeBuf = (ptr, max, value, nwrittenOut) => {
    if (value.length > max >>> 0) {
      writeU32(nwrittenOut, value.length);
      fail(STATUS.buflen, 'buffer too small');
    }
    ptr >>>= 0;
    if (ptr + value.length > memory.buffer.byteLength) fail(STATUS.inval, 'buffer out of bounds');
    u8().set(value, ptr);
    writeU32(nwrittenOut, value.length);
  };
  // MultiValueWriter: values from `cursor` on, each followed by '\0', as many as fit.
  const writeValues = (values, ptr, max, cursor, endingOut, nwrittenOut) => {
    max >>>= 0;
    let offset = 0;
    let i = cursor >>> 0;
    const chunks = [];
    let finished = true;
    for (; i < values.length; i++) {
      const v = values[i];
      if (offset + v.length + 1 > max) {
        if (offset === 0) {
          if (endingOut >>> 0) writeI64(endingOut, -1);
          writeU32(nwrittenOut, v.length + 1);
          fail(STATUS.buflen, 'buffer too small for one value');
        }
        finished = false;
        break;
      }
      chunks.push(v, Uint8Array.of(0));
      offset += v.length + 1;
    }
    const all = Buffer.concat(chunks);
    ptr >>>= 0;
    if (ptr + all.length > memory.buffer.byteLength) fail(STATUS.inval, 'buffer out of bounds');
    u8().set(all, ptr);
    if (endingOut >>> 0) writeI64(endingOut, finished ? -1 : i);
    writeU32(nwrittenOut, offset);
  };

  // --- headers: an ordered list of [lower-case name, value bytes] ---------------------------------
  const headerName = (ptr, len) => {
    const name = latin1.decode(bytes(ptr, len));
    if (!TOKEN.test(name) || name.length > 65535) fail(STATUS.inval, `invalid header name ${JSON.stringify(name)}`);
    return name.toLowerCase();
  };
  const headerValue = (b) => {
    for (const c of b) if ((c < 0x20 && c !== 0x09) || c === 0x7f) fail(STATUS.inval, 'invalid header value');
    return b;
  };
  const names = (headers) => [...new Set(headers.map(([n]) => n))].map((n) => enc.encode(n));
  const valuesOf = (headers, name) => headers.filter(([n]) => n === name).map(([, v]) => v);
  const headerCalls = (kind) => ({
    header_names_get(h, buf, buf_len, cursor, ending_cursor_out, nwritten_out) {
      writeValues(names(get(h, kind).headers), buf, buf_len, cursor, ending_cursor_out, nwritten_out);
    },
    header_value_get(h, name_ptr, name_len, value, value_max_len, nwritten_out) {
      const e = get(h, kind);
      const v = valuesOf(e.headers, headerName(name_ptr, name_len));
      if (v.length === 0) fail(STATUS.inval, 'no such header');
      writeBuf(value, value_max_len, v[0], nwritten_out);
    },
    header_values_get(h, name_ptr, name_len, buf, buf_len, cursor, ending_cursor_out, nwritten_out) {
      const e = get(h, kind);
      writeValues(valuesOf(e.headers, headerName(name_ptr, name_len)), buf, buf_len, cursor, ending_cursor_out, nwritten_out);
    },
    header_values_set(h, name_ptr, name_len, values_ptr, values_len) {
      const e = get(h, kind);
      const name = headerName(name_ptr, name_len);
      // Values each ended by '\0'; what follows the last '\0' is dropped, as Viceroy does.
      const raw = bytes(values_ptr, values_len);
      const values = [];
      let start = 0;
      for (let i = 0; i < raw.length; i++) {
        if (raw[i] === 0) {
          values.push(headerValue(raw.slice(start, i)));
          start = i + 1;
        }
      }
      e.headers = e.headers.filter(([n]) => n !== name);
      for (const v of values) e.headers.push([name, v]);
    },
    header_insert(h, name_ptr, name_len, value_ptr, value_len) {
      const e = get(h, kind);
      const name = headerName(name_ptr, name_len);
      const value = headerValue(bytes(value_ptr, value_len));
      const at = e.headers.findIndex(([n]) => n === name);
      e.headers = e.headers.filter(([n]) => n !== name);
      e.headers.splice(at < 0 ? e.headers.length : at, 0, [name, value]);
    },
    header_append(h, name_ptr, name_len, value_ptr, value_len) {
      const e = get(h, kind);
      e.headers.push([headerName(name_ptr, name_len), headerValue(bytes(value_ptr, value_len))]);
    },
    header_remove(h, name_ptr, name_len) {
      const e = get(h, kind);
      const name = headerName(name_ptr, name_len);
      if (!e.headers.some(([n]) => n === name)) fail(STATUS.inval, 'no such header');
      e.headers = e.headers.filter(([n]) => n !== name);
    },
  });

  // --- bodies: a list of segments, bytes held here or streams held by the main thread ----------
  const bodySegments = (e) => e.segments.map((s) => (s.bytes ? { bytes: s.bytes } : { stream: s.stream }));

  // --- the downstream request, as Compute hands it to the instance --------------------------------
  const downReq = add('req', {
    method: env.request.method,
    uri: env.request.uri,
    headers: env.request.headers.map(([n, v]) => [n, Buffer.from(v, 'latin1')]),
  });
  const downBody = add('body', { segments: env.request.hasBody ? [{ stream: 'down' }] : [] });

  const sendRequest = (h, b, backend_ptr, backend_len, op) => {
    const req = take(h, 'req');
    const body = take(b, 'body');
    const backend = str(backend_ptr, backend_len);
    if (body.streaming) fail(STATUS.inval, 'a streaming body cannot be sent');
    if (!env.backends[backend]) fail(STATUS.inval, `unknown backend ${backend}`);
    return io.call(op, {
      backend,
      method: req.method,
      uri: req.uri,
      headers: req.headers.map(([n, v]) => [n, latin1.decode(v)]),
      body: bodySegments(body),
      cache: req.cache || null,
    });
  };
  // An async item as the main thread sees it: a pending request or a body's first segment.
  const asyncItem = (h) => {
    const e = session.handles.get(h >>> 0);
    if (e && e.kind === 'pending') return { pending: e.id };
    if (e && e.kind === 'body') {
      if (e.streaming) return { ready: true }; // writes go into the host's buffer at once
      const s = e.segments.find((x) => !x.bytes || x.bytes.length > 0);
      if (!s || s.bytes) return { ready: true }; // bytes held here, or the end: a read does not block
      return { stream: s.stream };
    }
    fail(STATUS.badf, `${h} is not a pending request or a body`);
  };
  const insertResponse = (reply) => {
    const resp = add('resp', { status: reply.status, headers: reply.headers.map(([n, v]) => [n, Buffer.from(v, 'latin1')]) });
    const body = add('body', { segments: [{ stream: reply.stream }] });
    return [resp, body];
  };

  const impl = {
    fastly_abi: {
      init(abi_version) {
        if (BigInt(abi_version) !== 1n) fail(STATUS.error, 'unsupported ABI version');
      },
    },
    fastly_http_req: {
      ...headerCalls('req'),
      body_downstream_get(req_out, body_out) {
        writeU32(req_out, downReq);
        writeU32(body_out, downBody);
      },
      new(req_out) {
        writeU32(req_out, add('req', { method: 'GET', uri: '/', headers: [] }));
      },
      method_get(h, buf, buf_len, nwritten_out) {
        writeBuf(buf, buf_len, enc.encode(get(h, 'req').method), nwritten_out);
      },
      method_set(h, method_ptr, method_len) {
        const e = get(h, 'req');
        const m = str(method_ptr, method_len);
        if (!TOKEN.test(m)) fail(STATUS.inval, 'invalid method');
        e.method = m;
      },
      uri_get(h, buf, buf_len, nwritten_out) {
        writeBuf(buf, buf_len, enc.encode(get(h, 'req').uri), nwritten_out);
      },
      uri_set(h, uri_ptr, uri_len) {
        const e = get(h, 'req');
        const uri = str(uri_ptr, uri_len);
        if (!uri.startsWith('/') && !URL.canParse(uri)) fail(STATUS.inval, 'invalid URI');
        e.uri = uri;
      },
      cache_override_set(h, tag, ttl, stale_while_revalidate) {
        const e = get(h, 'req');
        if ((tag >>> 0) & ~0b1111) fail(STATUS.inval, 'unknown cache override flags');
        e.cache = { pass: (tag & 1) !== 0, ttl: tag & 2 ? ttl >>> 0 : null, swr: tag & 4 ? stale_while_revalidate >>> 0 : null, pci: (tag & 8) !== 0 };
      },
      send(h, b, backend_ptr, backend_len, ok0_out, ok1_out) {
        out(ok0_out, 4);
        out(ok1_out, 4);
        const reply = sendRequest(h, b, backend_ptr, backend_len, 'send');
        if (!reply.ok) fail(STATUS.error, reply.message);
        const [resp, body] = insertResponse(reply);
        writeU32(ok0_out, resp);
        writeU32(ok1_out, body);
      },
      send_async(h, b, backend_ptr, backend_len, ok_out) {
        out(ok_out, 4);
        const reply = sendRequest(h, b, backend_ptr, backend_len, 'sendAsync');
        writeU32(ok_out, add('pending', { id: reply.id }));
      },
      pending_req_wait(h, ok0_out, ok1_out) {
        out(ok0_out, 4);
        out(ok1_out, 4);
        const p = take(h, 'pending');
        const reply = io.call('wait', { id: p.id });
        if (!reply.ok) fail(STATUS.error, reply.message);
        const [resp, body] = insertResponse(reply);
        writeU32(ok0_out, resp);
        writeU32(ok1_out, body);
      },
      close(h) {
        take(h, 'req');
      },
    },
    fastly_http_resp: {
      ...headerCalls('resp'),
      new(resp_out) {
        writeU32(resp_out, add('resp', { status: 200, headers: [] }));
      },
      status_get(h, ok_out) {
        writeU16(ok_out, get(h, 'resp').status);
      },
      status_set(h, status) {
        const e = get(h, 'resp');
        if (status < 100 || status > 999) fail(STATUS.inval, 'invalid status');
        e.status = status;
      },
      send_downstream(h, b, streaming) {
        const resp = take(h, 'resp');
        const body = streaming === 1 ? get(b, 'body') : take(b, 'body');
        if (session.responded) fail(STATUS.error, 'the downstream response was sent already');
        session.responded = true;
        io.call('respond', {
          status: resp.status,
          headers: resp.headers.map(([n, v]) => [n, latin1.decode(v)]),
          body: bodySegments(body),
          streaming: streaming === 1,
        });
        if (streaming === 1) {
          body.segments = [];
          body.streaming = 'downstream';
        }
      },
      close(h) {
        take(h, 'resp');
      },
    },
    fastly_http_body: {
      new(body_out) {
        writeU32(body_out, add('body', { segments: [] }));
      },
      read(h, buf, buf_len, ok_out) {
        const e = get(h, 'body');
        if (e.streaming) fail(STATUS.inval, 'a streaming body cannot be read');
        out(ok_out, 4);
        buf_len >>>= 0;
        while (e.segments.length) {
          const s = e.segments[0];
          if (s.bytes) {
            const n = Math.min(buf_len, s.bytes.length);
            writeBuf(buf, buf_len, s.bytes.subarray(0, n), ok_out);
            s.bytes = s.bytes.subarray(n);
            if (s.bytes.length === 0) e.segments.shift();
            return;
          }
          const reply = io.call('read', { stream: s.stream, max: buf_len });
          if (reply.failed) fail(STATUS.error, reply.failed);
          if (reply.chunk === null) {
            e.segments.shift();
            continue;
          }
          // Bytes beyond the guest's buffer wait, in order, for its next read.
          const n = Math.min(buf_len, reply.chunk.length);
          if (n < reply.chunk.length) e.segments.unshift({ bytes: reply.chunk.subarray(n) });
          writeBuf(buf, buf_len, reply.chunk.subarray(0, n), ok_out);
          return;
        }
        writeU32(ok_out, 0);
      },
      write(h, buf_ptr, buf_len, end, ok_out) {
        const e = get(h, 'body');
        const data = bytes(buf_ptr, buf_len);
        out(ok_out, 4);
        if (e.streaming) {
          io.call('write', { chunk: data });
        } else if (end === 1) {
          e.segments.unshift({ bytes: data });
        } else {
          e.segments.push({ bytes: data });
        }
        writeU32(ok_out, data.length);
      },
      append(dest, src) {
        const d = get(dest, 'body');
        const s = take(src, 'body');
        if (d.streaming) io.call('pipe', { body: bodySegments(s) });
        else d.segments.push(...s.segments);
      },
      close(h) {
        const e = take(h, 'body');
        if (e.streaming) io.call('finish', {});
      },
      abandon(h) {
        const e = take(h, 'body');
        if (e.streaming) io.call('abort', {});
      },
    },
    fastly_config_store: {
      open(name_ptr, name_len, ok_out) {
        const name = str(name_ptr, name_len);
        if (!env.configStores[name]) fail(STATUS.badf, `unknown config store ${name}`);
        writeU32(ok_out, add('config', { name }));
      },
      get(h, key_ptr, key_len, value, value_max_len, ok_out) {
        const store = env.configStores[get(h, 'config').name];
        const key = str(key_ptr, key_len);
        if (!Object.hasOwn(store, key)) fail(STATUS.none, `no item ${key}`);
        writeBuf(value, value_max_len, enc.encode(store[key]), ok_out);
      },
    },
    fastly_secret_store: {
      open(name_ptr, name_len, ok_out) {
        const name = str(name_ptr, name_len);
        if (!env.secretStores[name]) fail(STATUS.none, `unknown secret store ${name}`);
        writeU32(ok_out, add('secretstore', { name }));
      },
      get(store, key_ptr, key_len, ok_out) {
        const s = env.secretStores[get(store, 'secretstore').name];
        const key = str(key_ptr, key_len);
        if (!Object.hasOwn(s, key)) fail(STATUS.none, `no secret ${key}`);
        writeU32(ok_out, add('secret', { value: enc.encode(s[key]) }));
      },
      plaintext(secret, buf, buf_len, nwritten_out) {
        writeBuf(buf, buf_len, get(secret, 'secret').value, nwritten_out);
      },
    },
    fastly_backend: {
      exists(backend_ptr, backend_len, ok_out) {
        writeU32(ok_out, env.backends[str(backend_ptr, backend_len)] ? 1 : 0);
      },
      is_healthy(backend_ptr, backend_len, ok_out) {
        const b = env.backends[str(backend_ptr, backend_len)];
        if (!b) fail(STATUS.inval, 'unknown backend');
        // typenames.witx $backend_health: unknown (no health check configured), healthy, unhealthy.
        writeU32(ok_out, b.health === 'healthy' ? 1 : b.health === 'unhealthy' ? 2 : 0);
      },
    },
    fastly_async_io: {
      select(hs_ptr, hs_len, timeout_ms, ok_out) {
        out(ok_out, 4);
        const handles = readU32s(hs_ptr, hs_len);
        if (handles.length === 0) fail(STATUS.inval, 'select needs at least one handle');
        const items = handles.map(asyncItem);
        const reply = io.call('select', { items, timeoutMs: timeout_ms >>> 0 });
        writeU32(ok_out, reply.index < 0 ? 0xffffffff : reply.index);
      },
      is_ready(handle, ok_out) {
        out(ok_out, 4);
        const reply = io.call('select', { items: [asyncItem(handle)], poll: true });
        writeU32(ok_out, reply.index === 0 ? 1 : 0);
      },
    },
  };

  // Each hostcall returns a fastly_status; HostErrors become their status, anything else is a
  // bug of the harness and traps the instance (as a host fault would).
  const imports = {};
  for (const [module, fns] of Object.entries(impl)) {
    imports[module] = {};
    for (const [name, fn] of Object.entries(fns)) {
      if (!ABI.modules[module]?.[name]) throw new Error(`harness implements ${module}.${name}, which is not in the ABI`);
      const wrapped = function (...args) {
        session.calls++;
        const t0 = performance.now();
        try {
          fn(...args);
          return STATUS.ok;
        } catch (e) {
          if (e instanceof HostError) return e.status;
          throw e;
        } finally {
          session.hostcallMs += performance.now() - t0;
        }
      };
      Object.defineProperty(wrapped, 'length', { value: fn.length });
      imports[module][name] = wrapped;
    }
  }
  return {
    imports,
    session,
    bind(mem) {
      memory = mem;
    },
  };
}
