// The workerd launcher shared by the tests, the benchmarks and the demo
// (edge/cloudflare/scripts/workerd-launch.mjs): what it promises, each checked on a real process.
// Most cases run a stand-in for workerd (support/fake-workerd.mjs: a Node server that reads its
// behaviour from the "config" file) because the promises are about processes, not about workerd:
// one that ignores SIGTERM, one that opens its second socket late, one that dies at once. The
// first case runs the real workerd with the real worker. SPDX-License-Identifier: MIT
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as h from './support/harness.mjs';

const { launchWorkerd, launchEdge, groupMembers } = await import(join(h.edgeDir, 'scripts/workerd-launch.mjs'));
h.requireRuntime();
const fake = join(h.repo, 'tests/edge/support/fake-workerd.mjs');
chmodSync(fake, 0o755);
const dir = mkdtempSync(join(tmpdir(), 'rollgate-launcher-'));
after(() => {
  // Whatever a failed case left behind (every process here has a file of `dir` in its arguments).
  for (const pid of processesWith(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A config file for the fake: {ports: [{port, delayMs}], ignoreTerm, exitCode, say}. */
function fakeConfig(behaviour) {
  const file = join(dir, `fake-${++n}.json`);
  writeFileSync(file, JSON.stringify(behaviour));
  return file;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function gone(pgid, ms) {
  for (const until = Date.now() + ms; groupMembers(pgid).length && Date.now() < until; ) await sleep(50);
  return groupMembers(pgid).length === 0;
}
/** Pids whose command line mentions `text` (a config file of this suite). */
function processesWith(text) {
  const found = [];
  for (const name of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) found.push(Number(name));
    } catch {} // exited while we read
  }
  return found;
}
const answers = async (port) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })).status;
  } catch {
    return 0;
  }
};

test('real workerd: ready when the worker answers, in its own group, gone after stop() with its config', async () => {
  h.buildWorker();
  const stable = await h.startOrigin('stable');
  const port = await h.freePort();
  const w = await launchEdge({ services: [{ name: 'edge', port }], vars: h.baseVars(stable.url) });
  try {
    assert.notEqual(w.pgid, process.pid);
    const pid = w.workerdPid();
    assert.ok(pid > 0 && groupMembers(w.pgid).includes(pid), 'workerd runs in the launcher\'s process group');
    assert.equal((await h.get(port, '/x')).body?.origin, 'stable', 'the worker proxies at once');
  } finally {
    await w.stop();
    await stable.close();
  }
  assert.deepEqual(groupMembers(w.pgid), []);
  assert.equal(await answers(port), 0, 'the port is closed');
});

test('start waits for every socket, and keeps what the process prints', async () => {
  const [a, b] = [await h.freePort(), await h.freePort()];
  const config = fakeConfig({ ports: [{ port: a }, { port: b, delayMs: 600 }], say: 'fake workerd says hello' });
  const t0 = Date.now();
  const w = await launchWorkerd({ bin: fake, config, ports: [a, b], probePath: '/' });
  try {
    assert.ok(Date.now() - t0 >= 500, 'it did not resolve before the late socket listened');
    assert.equal(await answers(b), 200, 'the second socket answers as soon as start resolves');
    assert.ok(w.logs.includes('fake workerd says hello'), JSON.stringify(w.logs));
    assert.ok(w.logs.includes('stderr: fake workerd says hello'), JSON.stringify(w.logs));
  } finally {
    await w.stop();
  }
});

test('stop() kills the whole group, also what ignores SIGTERM (SIGKILL after the grace period)', async () => {
  const port = await h.freePort();
  const w = await launchWorkerd({ bin: fake, config: fakeConfig({ ports: [{ port }], ignoreTerm: true, helper: true }), ports: [port], probe: 'tcp', graceMs: 700 });
  assert.ok(groupMembers(w.pgid).length >= 3, 'watchdog, process and its helper run');
  const t0 = Date.now();
  await w.stop();
  const took = Date.now() - t0;
  assert.deepEqual(groupMembers(w.pgid), [], 'nothing of the group is left');
  assert.ok(took >= 600, `stop() waited for the grace period first (${took} ms)`);
  assert.equal(await answers(port), 0);
  await w.stop(); // a second stop() is harmless
});

test('a process that exits while starting fails the start with its output, and leaves nothing', async () => {
  const port = await h.freePort();
  const config = fakeConfig({ ports: [], exitCode: 3, say: 'config is broken' });
  await assert.rejects(launchWorkerd({ bin: fake, config, ports: [port] }), (e) => e.message.startsWith('workerd exited (status 3):') && e.message.includes('config is broken'));
  assert.deepEqual(processesWith(config), [], 'no watchdog is left');
});

test('a socket that never opens fails the start after startTimeoutMs, and the process is killed', async () => {
  const [port, other] = [await h.freePort(), await h.freePort()];
  const config = fakeConfig({ ports: [{ port: other }] });
  const t0 = Date.now();
  await assert.rejects(launchWorkerd({ bin: fake, config, ports: [port], startTimeoutMs: 800 }), /did not listen on \d+ within 800 ms/);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(await answers(other), 0, 'the process that did start is gone');
  assert.deepEqual(processesWith(config), [], 'neither it nor its watchdog is left');
});

test('the hard timeout stops a process nobody stopped', async () => {
  const port = await h.freePort();
  const w = await launchWorkerd({ bin: fake, config: fakeConfig({ ports: [{ port }], ignoreTerm: true, helper: true }), ports: [port], hardTimeoutMs: 2000, graceMs: 200 });
  assert.ok(groupMembers(w.pgid).length >= 3, 'running after start');
  assert.ok(await gone(w.pgid, 8000), 'gone within 8 s of a 2 s hard timeout');
});

/** Runs a Node program that launches the fake and then does `how` (`signal`: sent once it has launched). */
function launchInChild(how, { signal, helper = false } = {}) {
  const program = `
    import { launchWorkerd, freePort } from ${JSON.stringify(join(h.edgeDir, 'scripts/workerd-launch.mjs'))};
    import { mkdirSync, writeFileSync } from 'node:fs';
    const port = await freePort();
    const config = ${JSON.stringify(join(dir, `child-${++n}.json`))};
    writeFileSync(config, JSON.stringify({ ports: [{ port }], ignoreTerm: true, helper: ${helper} }));
    const scratch = config + '.d'; // stands for a generated workerd config folder
    mkdirSync(scratch);
    const w = await launchWorkerd({ bin: ${JSON.stringify(fake)}, config, ports: [port], probe: 'tcp', removeOnStop: [scratch] });
    console.log(JSON.stringify({ pgid: w.pgid, scratch }));
    ${how}
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (signal && out.endsWith('\n')) child.kill(signal);
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), 20000); // a broken case must not hang the suite
    child.on('exit', (code, signal) => clearTimeout(limit) || (out.trim() ? resolve({ ...JSON.parse(out), code, signal }) : reject(new Error(`child exited ${code} ${signal} before launching`))));
  });
}

test('when the launching process exits without stop(), its workerd groups are killed', async () => {
  // The helper survives the watchdog's kill of its own child: only the exit hook's group kill gets it.
  const r = await launchInChild('process.exit(0);', { helper: true });
  assert.equal(r.code, 0);
  assert.ok(await gone(r.pgid, 3000), `group ${r.pgid} gone`);
  assert.equal(existsSync(r.scratch), false, 'removeOnStop removed');
});

test('SIGTERM to a launching process that does not handle it: groups killed, exit code 143', async () => {
  const r = await launchInChild('setInterval(() => {}, 1000);', { signal: 'SIGTERM', helper: true });
  assert.equal(r.code, 143);
  assert.ok(await gone(r.pgid, 3000), `group ${r.pgid} gone`);
  assert.equal(existsSync(r.scratch), false, 'removeOnStop removed');
});

test('when the launching process is SIGKILLed (no handler runs), the watchdog kills the group', async () => {
  const r = await launchInChild("process.kill(process.pid, 'SIGKILL');");
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(await gone(r.pgid, 5000), `group ${r.pgid} gone (the watchdog polls every 0.2 s)`);
  assert.equal(existsSync(r.scratch), false, 'the watchdog removed the files given as removeOnStop');
});
