// The edge under the demo: workerd running edge/cloudflare (worker + coordinator Durable Object,
// in-memory storage) on a loopback port, in its own process group under a one-line shell watchdog
// that kills workerd within a second if this process dies without cleaning up (SIGKILL included).
// It reuses edge/cloudflare/scripts/workerd-config.mjs (read only) to write the workerd config.
// SPDX-License-Identifier: MIT
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const edgeDir = join(repo, 'edge/cloudflare');
const configModule = join(edgeDir, 'scripts/workerd-config.mjs');

/** Why the demo cannot run here (a sentence saying what to do), or null. */
export function missingPieces() {
  if (!existsSync(join(repo, 'dist/rollgate.wasm'))) return 'the rollgate package is not built (dist/rollgate.wasm is missing): run `bash scripts/bootstrap.sh`';
  if (!existsSync(configModule)) return 'edge/cloudflare is missing';
  if (!existsSync(join(edgeDir, 'node_modules/.bin/workerd'))) return 'workerd is not installed: run `bash scripts/bootstrap.sh` (it runs `npm ci` in edge/cloudflare)';
  return null;
}

/** Bundles the worker when its bundle is missing or older than the package or the worker source. */
export function ensureWorkerBuilt() {
  const bundle = join(edgeDir, 'dist/worker.mjs');
  const newest = (paths) => Math.max(...paths.filter(existsSync).map((p) => statSync(p).mtimeMs));
  const src = join(edgeDir, 'src');
  const inputs = [join(repo, 'dist/rollgate.wasm'), join(repo, 'dist/workerd.js'), ...['worker.js', 'coordinator.js', 'engine.js', 'metrics.js', 'crypto.js', 'settings.js', 'http.js'].map((f) => join(src, f))];
  if (existsSync(bundle) && existsSync(join(edgeDir, 'dist/rollgate.wasm')) && statSync(bundle).mtimeMs >= newest(inputs)) return false;
  execFileSync(process.execPath, [join(edgeDir, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const groups = new Set(); // process groups of the workerds started here and still running

/** Kills every workerd group started here, synchronously (for exit and signal handlers). */
export function killAllEdgesNow() {
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {}
  }
}

/**
 * Starts workerd with one rollgate service on `port`. Returns {pid (the group leader), workerdPid(),
 * stop(), logs, port}. stop() kills the whole process group and waits for it.
 */
export async function startEdge({ port, vars, startTimeoutMs = 20000 }) {
  const { writeConfig, workerdBin } = await import(configModule);
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-demo-'));
  const file = writeConfig(join(dir, 'config.capnp'), { services: [{ name: 'edge', port }], vars });
  // The watchdog: workerd in the background; the shell polls this process (and workerd) once a
  // second and kills workerd when either is gone, so no workerd outlives the demo.
  const watchdog = `"$0" serve "$1" & w=$!; trap 'kill -9 $w 2>/dev/null' EXIT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $w 2>/dev/null; do sleep 1; done`;
  const child = spawn('bash', ['-c', watchdog, workerdBin, file], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(child.pid);
  child.on('exit', () => groups.delete(child.pid));
  const logs = [];
  const onData = (d) => {
    for (const line of d.toString().split('\n')) if (line.trim() && logs.length < 5000) logs.push(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitedP = new Promise((r) => child.on('exit', (code, sig) => r((exited = { code, sig }))));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
    if (!exited) await exitedP;
    // The shell is gone; workerd (its child) was killed too, but may take a moment to die.
    const until = Date.now() + 5000;
    while (groupMembers(child.pid).length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    rmSync(dir, { recursive: true, force: true });
  };
  // Synchronous variant for 'exit' handlers (no awaiting there).
  const killNow = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`workerd exited (${JSON.stringify(exited)}):\n${logs.join('\n')}`);
    try {
      await fetch(`http://127.0.0.1:${port}/__rollgate/health-probe`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`workerd did not listen on ${port} within ${startTimeoutMs} ms:\n${logs.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const workerdPid = () => {
    try {
      return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || null;
    } catch {
      return null;
    }
  };
  return { pid: child.pid, pgid: child.pid, workerdPid, stop, killNow, logs, port, url: `http://127.0.0.1:${port}` };
}

/** Live (non-zombie) processes of process group `pgid`, from /proc (Linux). */
export function groupMembers(pgid) {
  const found = [];
  let names = [];
  try {
    names = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') found.push(Number(name));
    } catch {}
  }
  return found;
}
