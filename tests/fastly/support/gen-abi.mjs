#!/usr/bin/env node
// Generates abi.json, the table of Fastly Compute hostcalls the harness checks the service
// against, from Fastly's witx files (repository fastly/Viceroy, lib/compute-at-edge-abi/).
//
//   node tests/fastly/support/gen-abi.mjs <folder with the .witx files> > tests/fastly/support/abi.json
//
// The witx files are not in this repository; get compute-at-edge.witx, typenames.witx and
// config-store.witx of the commits named in SOURCES below into one folder. The table records
// every function of every module with its core WebAssembly signature, lowered as Fastly's
// SDKs and Viceroy (wiggle) lower witx for wasm32:
//   - `string` and `(list T)` parameters are two i32 (pointer, length);
//   - pointers, handles, `usize`, enums and flags of repr u32, u8/u16/u32/s32 are i32; u64/s64 i64;
//   - a result `(expected T (error $fastly_status))` returns the status as i32 and writes T
//     through an out-pointer appended to the parameters: one i32 pointer per value, so a tuple
//     `(tuple A B)` adds two; `(expected (error ...))` adds none.
// It also records $fastly_status's codes, in order, as the harness returns them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = {
  repository: 'fastly/Viceroy',
  folder: 'lib/compute-at-edge-abi',
  files: {
    'compute-at-edge.witx': 'f01abd04f308bd123af7db5385312f1c6ee67c93',
    'typenames.witx': 'f01abd04f308bd123af7db5385312f1c6ee67c93',
    'config-store.witx': '4ab8954c7e0d55367d9a36586dc65b8e733ffc27',
  },
};

/** S-expressions of a witx text: lists are arrays, atoms strings; comments and @-annotations kept as atoms. */
export function parseSexprs(text) {
  const tokens = [];
  const re = /;[^\n]*|"(?:[^"\\]|\\.)*"|[()]|[^\s()";]+/g;
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith(';')) continue;
    tokens.push(m[0]);
  }
  let i = 0;
  const read = () => {
    const t = tokens[i++];
    if (t !== '(') return t;
    const list = [];
    while (tokens[i] !== ')') {
      if (i >= tokens.length) throw new Error('unbalanced parentheses');
      list.push(read());
    }
    i++;
    return list;
  };
  const out = [];
  while (i < tokens.length) out.push(read());
  return out;
}

const unquote = (s) => s.replace(/^"|"$/g, '');
const bare = (s) => s.replace(/^\$/, '');

function lowerType(t, types) {
  if (typeof t === 'string') {
    if (t === 'string') return ['i32', 'i32'];
    if (['u8', 'u16', 'u32', 's8', 's16', 's32', 'char8'].includes(t)) return ['i32'];
    if (['u64', 's64'].includes(t)) return ['i64'];
    if (t === 'f32' || t === 'f64') return [t];
    if (t.startsWith('$')) {
      const def = types.get(bare(t));
      if (!def) throw new Error(`unknown type ${t}`);
      return lowerType(def, types);
    }
    throw new Error(`unknown type ${t}`);
  }
  const [head, ...rest] = t;
  if (head === 'list') return ['i32', 'i32'];
  if (head === 'handle') return ['i32'];
  if (head === '@witx') {
    const [kind] = rest;
    if (kind === 'pointer' || kind === 'const_pointer' || kind === 'usize' || kind === 'char8') return ['i32'];
    throw new Error(`unknown @witx ${kind}`);
  }
  if (head === 'enum' || head === 'flags') {
    const repr = rest.find((r) => Array.isArray(r) && r[0] === '@witx');
    return lowerType(repr ? repr[2] : 'u32', types);
  }
  if (head === 'record') throw new Error('records by value are not part of this ABI');
  throw new Error(`unknown type form ${JSON.stringify(t)}`);
}

export function buildTable(texts) {
  const types = new Map();
  const modules = {};
  let status = null;
  const forms = texts.flatMap((t) => parseSexprs(t));
  for (const f of forms) {
    if (Array.isArray(f) && f[0] === 'typename') {
      types.set(bare(f[1]), f[2]);
      if (f[1] === '$fastly_status') status = f[2].filter((x) => typeof x === 'string' && x.startsWith('$')).map(bare);
    }
  }
  for (const f of forms) {
    if (!Array.isArray(f) || f[0] !== 'module') continue;
    const mod = bare(f[1]);
    modules[mod] = {};
    for (const fn of f.slice(2)) {
      if (!Array.isArray(fn) || fn[0] !== '@interface' || fn[1] !== 'func') continue;
      const name = unquote(fn[2][1]);
      const params = [];
      const names = [];
      let results = [];
      for (const part of fn.slice(3)) {
        if (part[0] === 'param') {
          const lowered = lowerType(part[2], types);
          params.push(...lowered);
          names.push(...(lowered.length === 2 ? [`${bare(part[1])}_ptr`, `${bare(part[1])}_len`] : [bare(part[1])]));
        } else if (part[0] === 'result') {
          const [expected, ...alts] = part[2];
          if (expected !== 'expected') throw new Error(`${mod}.${name}: result is not expected<...>`);
          const ok = alts.find((a) => !(Array.isArray(a) && a[0] === 'error'));
          const err = alts.find((a) => Array.isArray(a) && a[0] === 'error');
          results = lowerType(err[1], types);
          if (ok !== undefined) {
            const values = Array.isArray(ok) && ok[0] === 'tuple' ? ok.slice(1) : [ok];
            values.forEach((v, k) => {
              params.push('i32');
              names.push(`${values.length > 1 ? `ok${k}` : 'ok'}_out:${typeof v === 'string' ? bare(v) : JSON.stringify(v)}`);
            });
          }
        }
      }
      modules[mod][name] = { params, results, names };
    }
  }
  return { status, modules };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node gen-abi.mjs <folder with the .witx files>');
    process.exit(2);
  }
  const texts = Object.keys(SOURCES.files).map((f) => readFileSync(join(dir, f), 'utf8'));
  const { status, modules } = buildTable(texts);
  const out = {
    description:
      'Fastly Compute hostcalls lowered to core WebAssembly signatures (wasm32), generated by tests/fastly/support/gen-abi.mjs from the witx files below. params include the out-pointers of the ok value; results is the fastly_status (i32). names name each core parameter.',
    source: SOURCES,
    status,
    modules,
  };
  // One function per line keeps the file small and its diffs readable.
  const lines = ['{'];
  lines.push(`  "description": ${JSON.stringify(out.description)},`);
  lines.push(`  "source": ${JSON.stringify(out.source)},`);
  lines.push(`  "status": ${JSON.stringify(out.status)},`);
  lines.push('  "modules": {');
  const mods = Object.entries(modules);
  mods.forEach(([m, fns], mi) => {
    lines.push(`    ${JSON.stringify(m)}: {`);
    const entries = Object.entries(fns);
    entries.forEach(([n, sig], fi) => {
      lines.push(`      ${JSON.stringify(n)}: ${JSON.stringify(sig)}${fi + 1 < entries.length ? ',' : ''}`);
    });
    lines.push(`    }${mi + 1 < mods.length ? ',' : ''}`);
  });
  lines.push('  }', '}');
  process.stdout.write(lines.join('\n') + '\n');
}
