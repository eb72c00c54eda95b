// Runs the built worker locally on workerd (in-memory coordinator), in front of the origins given
// in the environment, e.g.
//   ROLLGATE_STABLE_ORIGIN=http://127.0.0.1:3000 npm run serve --prefix edge/cloudflare
// then start a rollout with POST /__rollgate/start (docs/edge.md). Dev secrets are used unless set.
// SPDX-License-Identifier: MIT
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeConfig, workerdBin, edgeRoot } from './workerd-config.mjs';

const env = process.env;
const port = Number(env.PORT || 8787);
const vars = {};
for (const [k, v] of Object.entries(env)) if (k.startsWith('ROLLGATE_')) vars[k] = v;
vars.ROLLGATE_STABLE_ORIGIN ||= 'http://127.0.0.1:3000';
for (const s of ['ROLLGATE_COOKIE_SECRET', 'ROLLGATE_OVERRIDE_SECRET', 'ROLLGATE_ADMIN_TOKEN']) {
  if (!vars[s]) {
    vars[s] = `dev-only-${s.toLowerCase()}-change-me`;
    console.log(`${s} not set: using "${vars[s]}" (local use only)`);
  }
}
const file = writeConfig(join(edgeRoot, '.tmp', 'serve.capnp'), { services: [{ name: 'edge', port }], vars });
console.log(`rollgate edge on http://127.0.0.1:${port} (stable origin ${vars.ROLLGATE_STABLE_ORIGIN})`);
const child = spawn(workerdBin, ['serve', file], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
