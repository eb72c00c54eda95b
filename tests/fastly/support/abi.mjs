// The Fastly ABI table (abi.json, generated from the witx files by gen-abi.mjs) and the checks
// of a module's imports against it. SPDX-License-Identifier: MIT
import { readFileSync } from 'node:fs';
import { readImports } from './wasm-imports.mjs';

export const ABI = JSON.parse(readFileSync(new URL('./abi.json', import.meta.url), 'utf8'));

/** fastly_status codes by name: {ok: 0, error: 1, inval: 2, badf: 3, ...}. */
export const STATUS = Object.fromEntries(ABI.status.map((name, i) => [name, i]));

/** Modules a Compute service may import: WASI preview 1 and Fastly's own. */
export function allowedModule(module) {
  return module === 'wasi_snapshot_preview1' || module.startsWith('fastly_');
}

/**
 * Problems of a module's imports, as text ([] when none):
 *   - an import from a module other than wasi_snapshot_preview1 and fastly_*;
 *   - a fastly_* import the ABI does not have, or whose signature differs from the ABI's;
 *   - an import the host does not implement (`implemented`: {module: {name: function}}), or whose
 *     implementation takes a different number of arguments than the ABI has parameters.
 */
export function checkImports(bytes, implemented) {
  const problems = [];
  for (const imp of readImports(bytes)) {
    const where = `${imp.module}.${imp.name}`;
    if (!allowedModule(imp.module)) {
      problems.push(`${where}: module ${imp.module} is not wasi_snapshot_preview1 or fastly_*`);
      continue;
    }
    if (imp.kind !== 'function') {
      problems.push(`${where}: imports a ${imp.kind}, not a function`);
      continue;
    }
    const fn = implemented[imp.module]?.[imp.name];
    if (typeof fn !== 'function') problems.push(`${where}: not implemented by the host`);
    if (imp.module === 'wasi_snapshot_preview1') continue; // signatures: node:wasi's own
    const sig = ABI.modules[imp.module]?.[imp.name];
    if (!sig) {
      problems.push(`${where}: not in the Fastly ABI (${Object.keys(ABI.source.files).join(', ')})`);
      continue;
    }
    const got = `(${imp.params.join(' ')}) -> (${imp.results.join(' ')})`;
    const want = `(${sig.params.join(' ')}) -> (${sig.results.join(' ')})`;
    if (got !== want) problems.push(`${where}: signature ${got} differs from the ABI's ${want}`);
    if (typeof fn === 'function' && fn.length !== sig.params.length) {
      problems.push(`${where}: the host's implementation takes ${fn.length} arguments, the ABI ${sig.params.length}`);
    }
  }
  return problems;
}
