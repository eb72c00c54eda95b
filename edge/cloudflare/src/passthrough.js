// The benchmark's reference: a worker that only proxies to the stable origin (streaming), with
// none of rollgate's work. SPDX-License-Identifier: MIT
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set('x-forwarded-host', url.host);
    /** @type {RequestInit} */
    const init = { method: request.method, headers, redirect: 'manual' };
    if (request.method !== 'GET' && request.method !== 'HEAD') init.body = request.body;
    try {
      const r = await fetch(new URL(url.pathname + url.search, env.ROLLGATE_STABLE_ORIGIN), init);
      return new Response(r.body, r);
    } catch {
      return new Response('upstream unreachable', { status: 502 });
    }
  },
};
