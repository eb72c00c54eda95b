// Local HTTP origins for the Fastly suite (Node servers on 127.0.0.1, ephemeral ports).
// SPDX-License-Identifier: MIT
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';

/**
 * An origin that answers JSON {origin, method, path, arm, headers, bodyBytes} and records what
 * it saw. Paths: /stream?chunks=N&gapMs=M streams N chunks M ms apart (the first at once);
 * /status/<code> answers that status; /big?bytes=N answers N bytes (a repeating pattern);
 * /setcookie answers with its own Set-Cookie; anything else answers 200.
 */
export async function startOrigin(name) {
  const o = { name, hits: 0, seen: [] };
  o.server = createServer((req, res) => {
    o.hits++;
    const url = new URL(req.url, 'http://x');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      o.seen.push({ method: req.method, path: url.pathname + url.search, headers: req.headers, body });
      if (url.pathname === '/stream') {
        const n = Number(url.searchParams.get('chunks') || 3);
        const gap = Number(url.searchParams.get('gapMs') || 200);
        res.writeHead(200, { 'content-type': 'text/plain', 'x-origin': name });
        let i = 0;
        const next = () => {
          res.write(`chunk ${i} from ${name}\n`);
          if (++i < n) setTimeout(next, gap);
          else res.end();
        };
        next();
        return;
      }
      if (url.pathname === '/big') {
        const n = Number(url.searchParams.get('bytes') || 1 << 20);
        const big = Buffer.alloc(n);
        for (let i = 0; i < n; i++) big[i] = (i * 31 + 7) & 0xff;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
        res.end(big);
        return;
      }
      const m = /^\/status\/(\d{3})$/.exec(url.pathname);
      const status = m ? Number(m[1]) : 200;
      const text = JSON.stringify({
        origin: name,
        method: req.method,
        path: url.pathname + url.search,
        arm: req.headers['x-rollgate-arm'] || null,
        bodyBytes: body.length,
        bodySha: body.length ? sha256hex(body) : null,
      });
      const headers = { 'content-type': 'application/json', 'x-origin': name, connection: 'keep-alive' };
      if (url.pathname === '/setcookie') Object.assign(headers, { 'set-cookie': 'origin=1; Path=/', 'proxy-connection': 'keep-alive' });
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : text);
    });
  });
  await new Promise((res) => o.server.listen(0, '127.0.0.1', res));
  o.url = `http://127.0.0.1:${o.server.address().port}`;
  o.close = () => new Promise((res) => o.server.close(() => res()));
  return o;
}

function sha256hex(body) {
  return createHash('sha256').update(body).digest('hex');
}

/** A URL where nothing listens: a port that was free a moment ago. */
export async function deadUrl() {
  const s = createServer();
  await new Promise((res) => s.listen(0, '127.0.0.1', res));
  const { port } = s.address();
  await new Promise((res) => s.close(res));
  return `http://127.0.0.1:${port}`;
}
