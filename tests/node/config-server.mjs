// A local flag-configuration server for the FlagSource and provider tests: it answers normally
// (with ETag / 304) or, as a test switches `mode`, fails (503), hangs, sends truncated JSON or a
// configuration the core rejects; it can also stream server-sent events. SPDX-License-Identifier: MIT
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './support.mjs';

const base = JSON.parse(readFileSync(join(root, 'examples/configs/storefront.json'), 'utf8'));
/** The storefront configuration with checkout-redesign serving `variation` to everyone. */
export const withDefault = (variation) => ({
  ...base,
  flags: base.flags.map((f) => (f.key === 'checkout-redesign' ? { ...f, rules: [], fallthrough: { variation } } : f)),
});
export const ON = JSON.stringify(withDefault('on'));
export const OFF = JSON.stringify(withDefault('off'));

/** A config server whose behaviour the tests switch: ok | fail | hang | truncate | reject. */
export async function configServer() {
  const srv = { mode: 'ok', body: ON, etag: '"v1"', hits: 0, conditional: 0, streams: new Set() };
  srv.server = createServer((req, res) => {
    srv.hits++;
    if (req.headers.accept === 'text/event-stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': open\n\n');
      srv.streams.add(res);
      req.on('close', () => srv.streams.delete(res));
      return;
    }
    if (srv.mode === 'hang') return; // never answers
    if (srv.mode === 'fail') {
      res.writeHead(503).end('down');
      return;
    }
    if (req.headers['if-none-match'] === srv.etag) {
      srv.conditional++;
      res.writeHead(304, { etag: srv.etag }).end();
      return;
    }
    const body = srv.mode === 'truncate' ? srv.body.slice(0, srv.body.length / 2)
      : srv.mode === 'reject' ? JSON.stringify({ flags: [{ key: 'x', variations: [] }] }) : srv.body;
    res.writeHead(200, { 'content-type': 'application/json', etag: srv.etag }).end(body);
  });
  await new Promise((r) => srv.server.listen(0, '127.0.0.1', r));
  srv.url = `http://127.0.0.1:${srv.server.address().port}/__rollgate/flags`;
  srv.push = (text, id) => {
    for (const res of srv.streams) res.write(`event: config\nid: ${id}\n${text.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`);
  };
  srv.close = () => new Promise((r) => {
    for (const s of srv.streams) s.destroy();
    srv.server.closeAllConnections();
    srv.server.close(r);
  });
  return srv;
}

/** Polls `fn` every 20 ms until it is truthy or `ms` pass. */
export const until = async (fn, ms = 8000) => {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (fn()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};
