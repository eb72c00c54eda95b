// Child process of ../overhead.mjs: stable, canary and shadow origins on loopback, each answering a
// small JSON body at once. Sends their URLs to the parent, then serves until killed.
// SPDX-License-Identifier: MIT
import { createServer } from 'node:http';

async function origin(name) {
  const body = (path) => JSON.stringify({ origin: name, path, items: [1, 2, 3], price: 10 });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // A typical Server-Timing header (two metrics with dur and a description), which the
      // rollgate worker parses when ROLLGATE_SERVER_TIMING collects them.
      const cpu = (1 + Math.random()).toFixed(3);
      res.writeHead(200, { 'content-type': 'application/json', 'server-timing': `cpu;dur=${cpu}, db;dur=0.42;desc="primary"` });
      res.end(body(req.url));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${server.address().port}`;
}

const urls = { stable: await origin('stable'), canary: await origin('canary'), shadow: await origin('shadow') };
process.send(urls);
process.on('disconnect', () => process.exit(0));
