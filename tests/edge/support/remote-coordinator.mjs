// Test support (workerd entry module): the real worker, whose Durable Objects live in ANOTHER
// workerd process (the one running support/do-front.mjs), as a deployment's coordinator lives in
// another location than most isolates. The local Coordinator class is a stand-in that forwards
// every request to the object of the same name over the ROLLGATE_REMOTE service binding; when that
// process is down, the worker sees its coordinator fail, exactly as in production.
// SPDX-License-Identifier: MIT
export { default } from './worker.mjs';

export class Coordinator {
  constructor(state, env) {
    this.state = state;
    this.env = env;
  }

  async fetch(request) {
    const headers = new Headers(request.headers);
    headers.set('x-rollgate-object', this.state.id.name);
    return this.env.ROLLGATE_REMOTE.fetch(new Request(request, { headers }));
  }
}
