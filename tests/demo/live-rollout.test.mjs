// The live rollout demo (examples/live-rollout/run.mjs, `npm start`), run for real: each scenario
// starts its own origins, workerd (edge worker + coordinator) and simulated users, headless
// (--no-dashboard) and time-compressed (--speed 4). The four scenarios run two at a time, as
// separate processes; each writes its summary with --json, and we check:
//   - healthy: the coordinator takes the canary 1% → 10% → 50% → 100% and completes, no 5xx;
//   - error-spike, latency, mismatch: the canary regresses (at 50%) and the coordinator rolls it
//     back on its own, naming the failing metric, within a bounded time and number of requests,
//     and no request reaches the canary once the workers' state cache has expired;
//   - nothing is left running: no process of the demo's workerd process group, no demo process;
//   - Ctrl-C (SIGINT) in the middle of a run (with the dashboard on) stops everything, and the
//     dashboard page and the coordinator's CORS answer are what the demo printed; in Chromium
//     (when installed), the printed /live URL shows the dashboard polling this run's coordinator.
// Skipped (with the reason) when the package or workerd is not built/installed.
// SPDX-License-Identifier: MIT
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import net from 'node:net';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runScript = join(repo, 'examples/live-rollout/run.mjs');
// groupMembers: the launcher's own reading of /proc (edge/cloudflare/scripts/workerd-launch.mjs).
const { missingPieces, groupMembers } = await import(join(repo, 'examples/live-rollout/lib/edge.mjs'));
const dashboardBuilt = existsSync(join(repo, 'web/dist/index.html'));
// The browser check uses what the browser suite uses: Debian's Chromium driven by playwright-core
// (a devDependency of web/).
const CHROMIUM = process.env.ROLLGATE_CHROMIUM ?? '/usr/bin/chromium';
// npm test builds and installs every piece first: a missing one fails the suite.
const missing = missingPieces() ||
  (!dashboardBuilt && 'the dashboard is not built (web/dist): run `bash scripts/bootstrap.sh`') ||
  (!existsSync(CHROMIUM) && `Chromium is not installed at ${CHROMIUM} (scripts/bootstrap.sh installs it)`);
if (missing) throw new Error(`cannot run the demo suite: ${missing}`);
const chromium = createRequire(join(repo, 'web/package.json'))('playwright-core').chromium;
const out = mkdtempSync(join(tmpdir(), 'rollgate-demo-test-'));
const children = new Set();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

/** Runs the demo; resolves to {code, signal, stdout, stderr, summary, ms}. */
function runDemo(argv, { onLine, timeoutMs = 170_000 } = {}) {
  return new Promise((resolveRun) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [runScript, ...argv], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop();
      if (onLine) for (const l of lines) onLine(l, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolveRun({ code, signal, stdout, stderr, ms: Date.now() - t0, pid: child.pid });
    });
  });
}

const alive = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};
const portOpen = (port) =>
  new Promise((r) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      r(true);
    });
    s.on('error', () => r(false));
  });

// The four scenarios, two at a time: each run is a workerd, three origins and 300 requests per
// second of simulated users. Four at once on a 2-core machine made latencies noisy enough to fail
// the judge: in one CI run the error-spike run was rolled back at 1% on latency, its few canary
// users all early in a window that was slow at first and faster later.
const SPEED = '4';
const PARALLEL = 2;
const runs = {};
{
  const waiting = ['healthy', 'error-spike', 'latency', 'mismatch'];
  const running = new Set();
  const release = () => {
    while (running.size < PARALLEL && waiting.length) {
      const scenario = waiting.shift();
      const json = join(out, `${scenario}.json`);
      const run = runDemo(['--scenario', scenario, '--speed', SPEED, '--no-dashboard', '--duration', '150', '--json', json]).then((r) => {
        try {
          r.summary = JSON.parse(readFileSync(json, 'utf8'));
        } catch (e) {
          r.summary = null;
        }
        return r;
      });
      running.add(run);
      run.finally(() => {
        running.delete(run);
        release();
      }).catch(() => {}); // a failed run is reported by its test, which awaits runs[scenario]
      runs[scenario] = run;
    }
  };
  release();
}

function checkClean(r) {
  assert.equal(r.code, 0, `exit code ${r.code} (signal ${r.signal})\n${r.stdout}\n${r.stderr}`);
  assert.ok(r.summary, `no summary written\n${r.stdout}\n${r.stderr}`);
  const p = r.summary.processes;
  assert.ok(p.workerdGroup > 0 && p.workerd > 0, 'the demo reports its workerd process group and pid');
  assert.ok(!alive(r.pid), 'the demo process exited');
  assert.deepEqual(groupMembers(p.workerdGroup), [], 'no process of the workerd group is left');
  assert.ok(!alive(p.workerd), 'workerd is gone');
}

test('healthy: the coordinator advances 1% → 10% → 50% → 100% and completes', { timeout: 180_000 }, async () => {
  const r = await runs.healthy;
  checkClean(r);
  const s = r.summary;
  assert.equal(s.final.status, 'completed', r.stdout);
  assert.equal(s.final.percent, 100);
  const steps = s.decisions.filter((d) => d.actor === 'coordinator').map((d) => `${d.action}:${d.from}->${d.to}`);
  assert.deepEqual(steps, ['advance:1->10', 'advance:10->50', 'advance:50->100', 'complete:100->100'], r.stdout);
  for (const d of s.decisions.filter((x) => x.actor === 'coordinator')) {
    assert.equal(d.verdict, 'PASS');
    assert.ok(d.reasons.length > 0, 'every decision has reasons');
  }
  assert.equal(s.regression, null);
  // The plan's cpu gate (the origins' Server-Timing, collected by the edge) was judged and passed
  // in every window that advanced the rollout; no header was malformed.
  const st = s.serverTiming;
  assert.ok(st.cpu.stable?.count > 100 && st.cpu.canary?.count > 100, JSON.stringify(st.cpu));
  assert.equal(st.counts.malformed, 0);
  // (the series keeps the last 150 windows: the first advance may have left it in a long run)
  const deciding = st.decidingWindows.map((w) => `${w.action}:${w.percent}:${w.cpu}`);
  assert.equal(deciding.at(-1), 'complete:100:Pass', JSON.stringify(deciding));
  assert.ok(deciding.length >= 2 && deciding.every((d) => d.endsWith(':Pass')), JSON.stringify(deciding));
  assert.equal(s.traffic.canary.errors + s.traffic.stable.errors, 0, 'no 5xx in a healthy run');
  assert.ok(s.traffic.canary.requests > 100 && s.traffic.stable.requests > 100, 'both arms served traffic');
  // The coordinator's merged counts agree with what the users saw (every request counted once).
  assert.equal(s.coordinator.stable.requests + s.coordinator.canary.requests, s.traffic.requests - s.traffic.failedRequests);
  // The dark launch ran and learned the per-response fields as noise, with nothing beyond it.
  assert.ok(s.darkLaunch.compared > 20, `shadow comparisons: ${s.darkLaunch.compared}`);
  assert.deepEqual(s.darkLaunch.stable.real, []);
  assert.ok(s.darkLaunch.stable.noise.includes('/body/requestId'));
  assert.match(r.stdout, /summary\n\s+final state\s+completed/);
});

// Regression budget: the canary regresses 100 ms into the 50% stage; the coordinator judges
// every 250 ms and workers flush every 250 ms, so the rollback should come within a few seconds
// and a few hundred canary requests even on a loaded machine (the demo paces its users at 300
// requests per second in all).
const DETECT_MS = 15_000;
const EXPOSED_REQUESTS = 1000; // at the default 300 req/s, 50% canary: about 6.7 s of canary traffic

for (const [scenario, metric] of [
  ['error-spike', 'errorRate'],
  ['latency', 'latency'],
  ['mismatch', 'errorRate'],
]) {
  test(`${scenario}: the canary regresses at 50% and the coordinator rolls it back on its own (${metric})`, { timeout: 180_000 }, async (t) => {
    const r = await runs[scenario];
    checkClean(r);
    const s = r.summary;
    t.diagnostic(`${scenario}: detected in ${s.timing?.timeToDetectMs} ms, ${s.exposure?.canaryRequestsAfterOnset} canary requests and ${s.exposure?.usersExposed} users exposed; run ${(r.ms / 1000).toFixed(1)} s`);
    assert.equal(s.final.status, 'rolledBack', r.stdout);
    assert.equal(s.final.percent, 0);
    assert.ok(s.regression, `the regression started\n${r.stdout}`);
    assert.equal(s.regression.atPercent, 50);
    const rollbacks = s.decisions.filter((d) => d.action === 'rollback');
    assert.equal(rollbacks.length, 1);
    assert.equal(rollbacks[0].actor, 'coordinator', 'the coordinator decided, not an operator');
    assert.equal(rollbacks[0].from, 50);
    assert.ok(rollbacks[0].reasons.some((x) => x.includes(metric)), `reasons name ${metric}: ${JSON.stringify(rollbacks[0].reasons)}`);
    // Healthy through the first stages: 1% → 10% → 50% passed before the regression.
    const advances = s.decisions.filter((d) => d.action === 'advance').map((d) => d.to);
    assert.deepEqual(advances, [10, 50]);
    assert.ok(s.timing.timeToDetectMs >= 0 && s.timing.timeToDetectMs < DETECT_MS, `time to detect ${s.timing.timeToDetectMs} ms`);
    assert.ok(s.exposure.canaryRequestsAfterOnset > 0, 'the bad version did serve requests');
    assert.ok(s.exposure.canaryRequestsAfterOnset <= EXPOSED_REQUESTS, `exposed requests ${s.exposure.canaryRequestsAfterOnset}`);
    assert.ok(s.exposure.usersExposed > 0 && s.exposure.usersExposed <= s.exposure.canaryRequestsAfterOnset);
    assert.equal(s.canaryRequestsAfterRollback, 0, 'no request reached the canary once the state TTL had passed');
    assert.match(r.stdout, /ROLLBACK\s+50% → 0%\s+coordinator: ROLLBACK/);
  });
}

test('Ctrl-C stops everything the demo started (workerd group, origins, dashboard)', { timeout: 120_000 }, async () => {
  await Promise.allSettled(Object.values(runs)); // alone on the machine: the runs above are done
  let info = {};
  let sent = false;
  const checks = {};
  const r = await runDemo(['--scenario', 'healthy'], {
    onLine(line, child) {
      let m;
      if ((m = /status\s+curl -s -H 'authorization: Bearer ([^']+)' (\S+)/.exec(line))) Object.assign(info, { token: m[1], statusUrl: m[2] });
      if ((m = /dashboard (http:\/\/127\.0\.0\.1:(\d+))\/live/.exec(line))) Object.assign(info, { dashboard: m[1], dashboardPort: Number(m[2]) });
      if ((m = /processes demo pid (\d+), workerd group (\d+)/.exec(line))) Object.assign(info, { pid: Number(m[1]), pgid: Number(m[2]) });
      if ((m = /edge\s+workerd pid (\d+) .* on http:\/\/127\.0\.0\.1:(\d+)/.exec(line))) Object.assign(info, { workerd: Number(m[1]), edgePort: Number(m[2]) });
      if (!sent && /status\s+stage 0/.test(line)) {
        sent = true;
        (async () => {
          // While it runs: the dashboard page and the coordinator, as a browser would see them.
          try {
            const live = await (await fetch(`${info.dashboard}/live`)).text();
            checks.liveHasStatusUrl = live.includes(JSON.stringify(info.statusUrl).slice(1, -1));
            checks.liveHasToken = live.includes(info.token);
            checks.index = (await fetch(`${info.dashboard}/`)).status;
            const st = await fetch(info.statusUrl, { headers: { authorization: `Bearer ${info.token}`, origin: info.dashboard } });
            checks.statusCode = st.status;
            checks.cors = st.headers.get('access-control-allow-origin');
            checks.state = (await st.json()).state?.status;
            checks.unauthorized = (await fetch(info.statusUrl)).status;
            {
              // The printed /live URL opens the dashboard already polling this coordinator.
              const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'], timeout: 30_000 });
              try {
                const page = await browser.newPage();
                await page.goto(`${info.dashboard}/live`);
                await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
                await page.waitForFunction(() => /: ok\./.test(document.querySelector('#poll-status')?.textContent ?? '') && /live-rollout-demo/.test(document.querySelector('#rollout-where')?.textContent ?? ''), null, { timeout: 20_000 });
                checks.browserWhere = await page.textContent('#rollout-where');
                checks.browserUrl = page.url();
              } finally {
                await browser.close();
              }
            }
          } catch (e) {
            checks.error = String(e);
          }
          checks.groupBefore = groupMembers(info.pgid).length;
          child.kill('SIGINT');
        })();
      }
    },
  });
  assert.ok(sent, `the run reached the rollout:\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 130, `exit code after SIGINT\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /SIGINT: stopping everything/);
  if (dashboardBuilt) {
  assert.equal(checks.error, undefined);
  assert.ok(checks.liveHasStatusUrl && checks.liveHasToken, 'the /live page carries this run\'s status URL and token');
  assert.equal(checks.index, 200, 'the dashboard is served');
  assert.equal(checks.statusCode, 200);
  assert.equal(checks.cors, info.dashboard, 'the coordinator lets the dashboard\'s origin poll');
  assert.equal(checks.state, 'running');
  assert.equal(checks.unauthorized, 401, 'the status needs the token');
  {
    assert.match(checks.browserWhere, /live-rollout-demo/, 'the dashboard shows this run\'s plan');
    assert.match(checks.browserWhere, /running/);
    assert.ok(!checks.browserUrl.includes(info.token), 'the token is not in the dashboard\'s URL');
  }
  }
  assert.ok(checks.groupBefore >= 2, 'watchdog and workerd were running in their group');
  assert.ok(!alive(info.pid), 'the demo exited');
  assert.deepEqual(groupMembers(info.pgid), [], 'no process of the workerd group is left');
  assert.ok(!alive(info.workerd), 'workerd is gone');
  assert.equal(await portOpen(info.edgePort), false, 'the edge port is closed');
  if (dashboardBuilt) assert.equal(await portOpen(info.dashboardPort), false, 'the dashboard port is closed');
});

test('--help lists the scenarios and options; a bad option is refused', async () => {
  const help = await runDemo(['--help']);
  assert.equal(help.code, 0);
  for (const w of ['healthy', 'error-spike', 'latency', 'mismatch', '--speed', '--duration', '--no-dashboard', '--scenario']) assert.ok(help.stdout.includes(w), w);
  const bad = await runDemo(['--scenario', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown scenario "nope"/);
  const badSpeed = await runDemo(['--speed', 'fast']);
  assert.equal(badSpeed.code, 2);
  assert.match(badSpeed.stderr, /--speed must be a number/);
});

test('if the demo itself is killed (SIGKILL, no handler runs), its watchdog still stops workerd', { timeout: 60_000 }, async () => {
  await Promise.allSettled(Object.values(runs));
  const info = {};
  let killedAt = 0;
  const r = await runDemo(['--scenario', 'healthy', '--no-dashboard'], {
    onLine(line, child) {
      const m = /processes demo pid (\d+), workerd group (\d+)/.exec(line);
      if (m) Object.assign(info, { pid: Number(m[1]), pgid: Number(m[2]) });
      if (!killedAt && info.pgid && /traffic\s+\d+ simulated/.test(line)) {
        killedAt = Date.now();
        child.kill('SIGKILL');
      }
    },
  });
  assert.ok(killedAt, r.stdout + r.stderr);
  assert.equal(r.signal, 'SIGKILL');
  // The watchdog polls every 0.2 s (edge/cloudflare/scripts/workerd-launch.mjs).
  const until = Date.now() + 5000;
  while (groupMembers(info.pgid).length && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
  assert.deepEqual(groupMembers(info.pgid), [], `workerd group ${info.pgid} gone within 5 s of the kill`);
});
