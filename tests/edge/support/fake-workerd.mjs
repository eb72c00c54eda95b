#!/usr/bin/env node
// A stand-in for workerd in tests/edge/launcher.test.mjs, called as workerd is: `fake-workerd.mjs
// serve <config> [args]`. The "config" is JSON: {ports: [{port, delayMs}], ignoreTerm, helper,
// exitCode, say}. It prints `say` on stdout and stderr, exits with `exitCode` when given, otherwise
// answers 200 on each port (opening each after its delay); with ignoreTerm it survives SIGTERM;
// with helper it starts a child in its process group that survives SIGTERM too (what the
// watchdog's `kill -9` of its own child does not reach: only a SIGKILL of the group does).
// SPDX-License-Identifier: MIT
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

const [command, config] = process.argv.slice(2);
if (command !== 'serve') process.exit(64);
const b = JSON.parse(readFileSync(config, 'utf8'));
if (b.say) {
  process.stdout.write(`${b.say}\n`);
  process.stderr.write(`stderr: ${b.say}\n`);
}
if (b.exitCode !== undefined) process.exit(b.exitCode);
if (b.ignoreTerm) process.on('SIGTERM', () => {});
if (b.helper) {
  // Listen only once the helper ignores SIGTERM, so that "ready" means ready. The config path
  // in its arguments lets the test find it.
  const helper = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)", config], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => helper.stdout.once('data', r));
  helper.stdout.destroy();
}
for (const { port, delayMs = 0 } of b.ports) {
  setTimeout(() => createServer((req, res) => res.end('fake')).listen(port, '127.0.0.1'), delayMs);
}
