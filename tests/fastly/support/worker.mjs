// A harness worker thread: runs one instance of the service per downstream request, as Compute
// does, with node:wasi and the emulated Fastly hostcalls. Blocking hostcalls wait on a shared
// flag while the main thread does the I/O, then take its answer with receiveMessageOnPort.
// SPDX-License-Identifier: MIT
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import './quiet.mjs';
import { openSync, readSync, fstatSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createHostcalls } from './hostcalls.mjs';
// Loaded after quiet.mjs: node:wasi warns as it loads.
const { WASI } = await import('node:wasi');

const IO_TIMEOUT_MS = 60000;
let module = null;
let port = null;
let flag = null;
let logFd = null;

function makeIo(stats) {
  return {
    call(op, args) {
      const t0 = performance.now();
      Atomics.store(flag, 0, 0);
      const transfer = [];
      if (args.chunk instanceof Uint8Array) transfer.push(args.chunk.buffer);
      port.postMessage({ op, args }, transfer);
      if (Atomics.wait(flag, 0, 0, IO_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`harness: main thread did not answer ${op} within ${IO_TIMEOUT_MS} ms`);
      }
      let m = receiveMessageOnPort(port);
      while (!m) m = receiveMessageOnPort(port); // the answer is posted before the flag is set
      stats.blockedMs += performance.now() - t0;
      stats.io++;
      if (m.message.fault) throw new Error(`harness: ${op} failed: ${m.message.fault}`);
      return m.message;
    },
  };
}

// The instance's stdout and stderr go to this worker's log file; each run reads what it added.
let logOffset = 0;
function readLogs() {
  const size = fstatSync(logFd).size;
  if (size <= logOffset) return '';
  const buf = Buffer.alloc(size - logOffset);
  readSync(logFd, buf, 0, buf.length, logOffset);
  logOffset = size;
  return buf.toString('utf8');
}

function run(env) {
  // instantiateMs: a fresh WASI context, hostcall set and instance (Compute makes one per
  // request too); runMs: _start to its return; hostcallMs: inside the emulated hostcalls, of
  // which blockedMs waiting for the main thread's I/O. The guest's own time is runMs - hostcallMs.
  const stats = { blockedMs: 0, io: 0, instantiateMs: 0, runMs: 0, hostcallMs: 0, hostcalls: 0, exitCode: null, trap: null };
  const io = makeIo(stats);
  const t0 = performance.now();
  const host = createHostcalls(io, env);
  const wasi = new WASI({ version: 'preview1', args: ['rollgate_fastly'], env: env.wasiEnv || {}, stdout: logFd, stderr: logFd, returnOnExit: true });
  let responded = false;
  try {
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, ...host.imports });
    host.bind(instance.exports.memory);
    const t1 = performance.now();
    stats.instantiateMs = t1 - t0;
    try {
      stats.exitCode = wasi.start(instance);
    } catch (e) {
      stats.trap = String(e && e.stack ? e.stack : e);
    }
    stats.runMs = performance.now() - t1;
  } catch (e) {
    stats.trap = String(e && e.stack ? e.stack : e);
  }
  stats.hostcalls = host.session.calls;
  stats.hostcallMs = host.session.hostcallMs;
  responded = host.session.responded;
  // A streaming downstream body the guest left open ends with the instance, as in Compute.
  const open = [...host.session.handles.values()].some((e) => e.kind === 'body' && e.streaming);
  return { stats, responded, streamingOpen: open, logs: readLogs() };
}

parentPort.on('message', (msg) => {
  if (msg.type === 'init') {
    module = msg.module;
    port = msg.port;
    flag = new Int32Array(msg.flag);
    logFd = openSync(msg.logFile, 'w+');
    parentPort.postMessage({ type: 'ready' });
  } else if (msg.type === 'run') {
    parentPort.postMessage({ type: 'done', id: msg.id, ...run(msg.env) });
  }
});
