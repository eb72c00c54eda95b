// Test support (workerd entry module): a front for the real Coordinator class that lets a test or
// another workerd reach any of its objects, internal routes included, by name. Loaded with
// `entry` in workerd-config.mjs beside the real worker.mjs. Never part of a deployment: there,
// the internal routes are reachable only through the Durable Object binding.
// SPDX-License-Identifier: MIT
export { Coordinator } from './worker.mjs';

export default {
  async fetch(request, env) {
    const name = request.headers.get('x-rollgate-object');
    if (!name) return new Response('x-rollgate-object missing', { status: 400 });
    const ns = env.ROLLGATE_COORDINATOR;
    return ns.get(ns.idFromName(name)).fetch(request);
  },
};
