// Starts workerd for the tests, the benchmarks and the live demo (and `wrangler dev`, which runs
// workerd, for the wrangler test), and makes sure it stops: the one place that spawns them.
// What it guarantees:
//   - the process runs under a one-line shell watchdog, the two in a process group of their own;
//     the watchdog kills the whole group within 0.2 s once the launching process or the launched
//     one is gone, even after a SIGKILL that no handler sees;
//   - start resolves only once every socket answers (an HTTP request, or a TCP connect where the
//     isolate must stay cold), and rejects with the process's output when it exits or times out;
//   - stdout and stderr are kept (bounded) in `logs`;
//   - stop() always kills: SIGTERM to the group (the watchdog ignores it and outlives the process
//     it watches, to kill what that left behind), SIGKILL after a grace period, then waits until
//     no process of the group is left; a hard timeout calls it anyway;
//   - every group still running is SIGKILLed when this process exits, and on SIGINT, SIGTERM and
//     SIGHUP unless the program handles that signal itself (the demo does, to clean up in order).
// Linux only (process groups are read from /proc). SPDX-License-Identifier: MIT
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { writeConfig, workerdBin } from './workerd-config.mjs';

const STATUS_LINE = 'watchdog: exit status ';
const groups = new Map(); // process groups started here and not yet stopped → their killNow()

/**
 * SIGKILLs every group started by this process and removes their files, synchronously (exit and
 * signal handlers).
 */
export function killAllWorkerdNow() {
  for (const killNow of [...groups.values()]) killNow();
}
process.on('exit', killAllWorkerdNow);
for (const [sig, no] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, function onSignal() {
    // Any listener replaces Node's default (exit) for the signal: restore it, with the kill,
    // unless the program listens too and so has its own way to stop.
    if (process.listenerCount(sig) > 1) return;
    killAllWorkerdNow();
    process.exit(128 + no);
  });
}

function signalGroup(pgid, sig) {
  try {
    process.kill(-pgid, sig);
  } catch {} // the group is already gone
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** Live (not zombie) processes of process group `pgid`, from /proc. */
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
    } catch {} // exited while we read
  }
  return found;
}

/** Resident set size of `pid` in KiB, or null. */
export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function tcpConnect(port) {
  return new Promise((res, rej) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.destroy();
      res();
    });
    sock.on('error', rej);
    sock.setTimeout(1000, () => {
      sock.destroy();
      rej(new Error('timeout'));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `command args...` and waits until every port in `ports` answers.
 * @param {{
 *   command: string, args?: string[],
 *   ports: number[],           // its sockets on 127.0.0.1, each probed before start resolves
 *                              // ([]: resolves at once; for a command that runs to its end)
 *   probe?: 'http'|'tcp',      // 'tcp' only waits for the socket (nothing runs in the isolate)
 *   probePath?: string,        // the path of the HTTP probe; any answer counts
 *   name?: string,             // what the errors call it
 *   env?: Record<string,string>, cwd?: string,
 *   startTimeoutMs?: number, hardTimeoutMs?: number, graceMs?: number, maxLogLines?: number,
 *   removeOnStop?: string[],   // files or folders removed once the group is gone
 * }} opts
 * @returns {Promise<{pid: number, pgid: number, childPid: () => number|null, workerdPid: () => number|null,
 *   rssKb: () => number|null, logs: string[], stop: () => Promise<void>, killNow: () => void,
 *   done: Promise<{status: number|null}>}>}
 */
export async function launchProcess({
  command,
  args = [],
  ports,
  probe = 'http',
  probePath = '/__rollgate/health-probe',
  name = 'workerd',
  env = process.env,
  cwd,
  startTimeoutMs = 20000,
  hardTimeoutMs = 110000,
  graceMs = 2000,
  maxLogLines = 20000,
  removeOnStop = [],
}) {
  // The watchdog: the process in the background; the shell ignores SIGTERM (set after the
  // process started, so that it does not inherit that), polls the launching process and the
  // launched one, and when either is gone removes `removeOnStop` and kills its whole group
  // (kill 0), itself included. The launched process's exit status would die with the shell: it
  // prints it first.
  const quoted = removeOnStop.map((p) => `'${p.replaceAll("'", "'\\''")}'`).join(' ');
  const watchdog = `c() { ${quoted ? `rm -rf -- ${quoted}; ` : ''}kill -9 0 2>/dev/null; }; "$0" "$@" & w=$!; trap '' TERM; trap c EXIT; while kill -0 ${process.pid} 2>/dev/null && kill -0 $w 2>/dev/null; do sleep 0.2; done; kill -0 $w 2>/dev/null || { wait $w; echo "${STATUS_LINE}$?" >&2; }`;
  const child = spawn('bash', ['-c', watchdog, command, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
  const pgid = child.pid; // detached: the shell leads a new process group
  const logs = [];
  const onData = (d) => {
    for (const line of d.toString().split('\n')) if (line.trim() && logs.length < maxLogLines) logs.push(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  child.on('exit', (code, sig) => (exited = { code, sig }));
  const closed = new Promise((r) => child.on('close', r)); // all output read
  const removeFiles = () => {
    for (const p of removeOnStop) rmSync(p, { recursive: true, force: true });
  };
  const gone = () => exited && groupMembers(pgid).length === 0;
  async function waitGone(ms) {
    for (const until = Date.now() + ms; !gone() && Date.now() < until; ) await sleep(20);
    return gone();
  }
  // Once no process of the group is left, its id may be reused by another group: never signal
  // it again.
  let finished = false;
  const finish = () => {
    finished = true;
    clearTimeout(hard);
    groups.delete(pgid);
  };
  let stopping = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (!finished) {
        signalGroup(pgid, 'SIGTERM');
        if (!(await waitGone(graceMs))) {
          signalGroup(pgid, 'SIGKILL');
          await waitGone(5000);
        }
        finish();
      }
      removeFiles();
    })());
  // For 'exit' handlers, where nothing can be awaited.
  const killNow = () => {
    if (!finished) signalGroup(pgid, 'SIGKILL');
    finish();
    removeFiles();
  };
  groups.set(pgid, killNow);
  const hard = setTimeout(stop, hardTimeoutMs);
  hard.unref();

  const deadline = Date.now() + startTimeoutMs;
  for (const port of ports) {
    for (;;) {
      if (exited || stopping) {
        await Promise.race([closed, sleep(1000)]); // the watchdog's last line
        const status = logs.find((l) => l.startsWith(STATUS_LINE))?.slice(STATUS_LINE.length) ?? `unknown; watchdog ${JSON.stringify(exited)}`;
        const why = stopping ? `was stopped (hard timeout ${hardTimeoutMs} ms) before it listened` : `exited (status ${status})`;
        await stop();
        throw new Error(`${name} ${why}:\n${logs.join('\n')}`);
      }
      try {
        if (probe === 'tcp') await tcpConnect(port);
        else await fetch(`http://127.0.0.1:${port}${probePath}`, { signal: AbortSignal.timeout(1000) });
        break;
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`${name} did not listen on ${port} within ${startTimeoutMs} ms:\n${logs.join('\n')}`);
        }
        await sleep(50);
      }
    }
  }
  // The launched process is the watchdog shell's child.
  const childPid = () => {
    try {
      return Number(readFileSync(`/proc/${pgid}/task/${pgid}/children`, 'utf8').trim().split(/\s+/)[0]) || null;
    } catch {
      return null;
    }
  };
  // Resolves once the whole group is gone, with the launched process's exit status (128 + n
  // for signal n; null when it could not be known, e.g. after the watchdog was SIGKILLed).
  const done = closed.then(async () => {
    if (await waitGone(5000)) finish();
    const line = logs.find((l) => l.startsWith(STATUS_LINE));
    return { status: line ? Number(line.slice(STATUS_LINE.length)) : null };
  });
  return { pid: pgid, pgid, childPid, workerdPid: childPid, rssKb: () => rssKb(childPid()), logs, stop, killNow, done };
}

/**
 * Runs `workerd serve <config> [args]` (see launchProcess for the rest of the options).
 * @param {{config: string, bin?: string, args?: string[]} & Omit<Parameters<typeof launchProcess>[0], 'command'>} opts
 */
export function launchWorkerd({ config, bin = workerdBin, args = [], ...opts }) {
  return launchProcess({ command: bin, args: ['serve', config, ...args], ...opts });
}

/**
 * Runs the built rollgate worker (edge/cloudflare/dist) on workerd: `services` and `vars` as
 * workerd-config.mjs takes them, the config in a temporary folder removed on stop. Every other
 * option goes to launchWorkerd.
 */
export async function launchEdge({ services, vars, storage, ...opts }) {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-workerd-'));
  const config = writeConfig(join(dir, 'config.capnp'), { services, vars, storage });
  return launchWorkerd({ config, ports: services.map((s) => s.port), removeOnStop: [dir], ...opts });
}
