// The edge under the demo: workerd running edge/cloudflare (worker + coordinator Durable Object,
// in-memory storage) on a loopback port. Starting and stopping it is the worker's own launcher
// (edge/cloudflare/scripts/workerd-launch.mjs, shared with the tests): its own process group, a
// watchdog that kills workerd within 0.2 s if this process dies without cleaning up (SIGKILL
// included), and a kill of every group when this process exits.
// SPDX-License-Identifier: MIT
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEdge, freePort, groupMembers } from '../../../edge/cloudflare/scripts/workerd-launch.mjs';
import { workerdBin } from '../../../edge/cloudflare/scripts/workerd-config.mjs';

export { freePort, groupMembers };
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const edgeDir = join(repo, 'edge/cloudflare');

/** Why the demo cannot run here (a sentence saying what to do), or null. */
export function missingPieces() {
  if (!existsSync(join(repo, 'dist/rollgate.wasm'))) return 'the rollgate package is not built (dist/rollgate.wasm is missing): run `bash scripts/bootstrap.sh`';
  if (!existsSync(workerdBin)) return 'workerd is not installed: run `bash scripts/bootstrap.sh` (it runs `npm ci` in edge/cloudflare)';
  return null;
}

/**
 * What every scenario does first: stop with a sentence saying what to do when a piece is missing,
 * else load and initialise the package. Returns the package.
 */
export async function loadPackage() {
  const missing = missingPieces();
  if (missing) {
    console.error(`live-rollout: ${missing}`);
    process.exit(1);
  }
  const rg = await import('rollgate');
  await rg.init();
  return rg;
}

/** Bundles the worker when its bundle is missing or older than the package or the worker source. */
export function ensureWorkerBuilt() {
  const bundle = join(edgeDir, 'dist/worker.mjs');
  const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  const inputs = [join(repo, 'dist/rollgate.wasm'), join(repo, 'dist/workerd.js'), ...files(join(edgeDir, 'src'))];
  const newest = Math.max(...inputs.filter(existsSync).map((p) => statSync(p).mtimeMs));
  if (existsSync(bundle) && existsSync(join(edgeDir, 'dist/rollgate.wasm')) && statSync(bundle).mtimeMs >= newest) return false;
  execFileSync(process.execPath, [join(edgeDir, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}

/**
 * Starts workerd with one rollgate service on `port`. Returns {pid, pgid (the watchdog's process
 * group), workerdPid(), stop(), killNow(), logs, port, url}. stop() kills the whole group and
 * waits for it; so does the launcher after `hardTimeoutMs`.
 */
export async function startEdge({ port, vars, hardTimeoutMs, startTimeoutMs = 20000 }) {
  const edge = await launchEdge({ services: [{ name: 'edge', port }], vars, hardTimeoutMs, startTimeoutMs, maxLogLines: 5000 });
  return { ...edge, port, url: `http://127.0.0.1:${port}` };
}
