// Shared helpers of the Node tests: which builds of the package to test, the vector files, and the
// checker of a shared flag-vector case.
//
// Every *.test.mjs file runs its whole suite once per build flavour, as sql.js does: "release"
// is the package's dist/ (what npm ships), "debug" is build/wasm-debug (-sASSERTIONS=2), both
// made by scripts/bootstrap.sh. ROLLGATE_WASM_FLAVOURS=release (or debug) narrows the run;
// ROLLGATE_WASM_DIST_<FLAVOUR>=<dir> points a flavour at another dist folder (experiments).
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const defaults = {
  release: path.join(root, 'dist'),
  debug: path.join(root, 'build/wasm-debug/wasm/dist'),
};

export const flavours = (process.env.ROLLGATE_WASM_FLAVOURS || 'release,debug').split(',').filter(Boolean);

export function distDir(flavour) {
  return process.env[`ROLLGATE_WASM_DIST_${flavour.toUpperCase()}`] || defaults[flavour];
}

const loaded = new Map();
/** Imports the Node entry of a flavour's dist/ and awaits init(). */
export async function load(flavour) {
  if (!loaded.has(flavour)) {
    const dir = distDir(flavour);
    const entry = path.join(dir, 'node.js');
    if (!existsSync(entry)) {
      throw new Error(`no ${flavour} build at ${dir}: run scripts/bootstrap.sh (npm run build)`);
    }
    loaded.set(flavour, (async () => {
      const m = await import(pathToFileURL(entry).href);
      await m.init();
      return m;
    })());
  }
  return loaded.get(flavour);
}

/** Imports another file of a flavour's dist/ (e.g. openfeature.js). */
export async function loadFile(flavour, file) {
  await load(flavour);
  return import(pathToFileURL(path.join(distDir(flavour), file)).href);
}

/** tests/vectors/<name>, the same files the native tests read. */
export function vectors(name) {
  return JSON.parse(readFileSync(path.join(root, 'tests/vectors', name), 'utf8'));
}

export function vectorsExist(name) {
  return existsSync(path.join(root, 'tests/vectors', name));
}

/** stats.json encodes NaN as null and infinities as "inf" / "-inf". */
export function num(v) {
  if (v === null) return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

/**
 * Relative agreement to `rel` (docs/statistics.md promises 1e-9 against scipy, the tolerance the
 * native tests use too); both NaN agree; an expected 0 needs |actual| <= absFloor.
 */
export function close(actual, expected, rel = 1e-9, absFloor = 1e-300) {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return true;
  if (!Number.isFinite(expected) && actual === expected) return true;
  const diff = Math.abs(actual - expected);
  return expected === 0 ? diff <= absFloor : diff <= rel * Math.abs(expected);
}

/**
 * Checks one shared flag-vector case (flags.json, targeting.json: {config, flag, context, now,
 * expected: {reason, ruleIndex, errorCode, variant, value}}) against package `r`, singly and via
 * evaluateAll, as the native expect_flag_case does.
 */
export function expectFlagCase(r, c) {
  const ev = r.compile(c.config);
  try {
    const got = ev.evaluate(c.flag, c.context, { now: c.now });
    const want = c.expected;
    assert.equal(got.reason, want.reason, c.name);
    assert.equal(got.ruleIndex, want.ruleIndex, c.name);
    assert.equal(got.errorCode, want.errorCode === null ? undefined : want.errorCode, c.name);
    if (want.variant === null) {
      assert.equal(got.variationIndex, -1, c.name);
      assert.equal(got.value, undefined, c.name);
    } else {
      assert.equal(got.variant, want.variant, c.name);
      assert.deepEqual(got.value, want.value, c.name);
    }
    // A flag the config lacks has no evaluateAll entry (FLAG_NOT_FOUND cases).
    if (ev.flagType(c.flag) !== undefined) assert.deepEqual(ev.evaluateAll(c.context, { now: c.now })[c.flag], got, c.name);
  } finally {
    ev.dispose();
  }
}

