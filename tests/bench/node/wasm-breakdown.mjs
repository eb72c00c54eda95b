// What a .wasm is made of: the code section's function bodies grouped by where they come from,
// by their names in the "name" section (link with --profiling-funcs to keep them; the shipped
// builds strip them), plus the data section. Sizes are raw bytes, and each group's share.
// Run: node tests/bench/node/wasm-breakdown.mjs <file.wasm>
// (docs/js-api.md "Size" shows how the figures there were made.)
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
let pos = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
    shift += 7;
  }
};
const str = () => { const n = u32(); const s = bytes.subarray(pos, pos + n).toString('utf8'); pos += n; return s; };

let imported = 0;
const bodies = [];
const names = new Map();
const sections = {};
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const end = pos + size;
  let label = `section ${id}`;
  if (id === 0) {
    const name = str();
    label = `custom "${name}"`;
    if (name === 'name') {
      while (pos < end) {
        const sub = bytes[pos++];
        const subSize = u32();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const count = u32();
          for (let i = 0; i < count; i++) { const idx = u32(); names.set(idx, str()); }
        }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    label = 'import';
    const count = u32();
    for (let i = 0; i < count; i++) {
      str(); str();
      const kind = bytes[pos++];
      if (kind === 0) { u32(); imported++; } else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 3) { pos += 2; } else if (kind === 4) { pos++; u32(); }
    }
  } else if (id === 10) {
    label = 'code';
    const count = u32();
    for (let i = 0; i < count; i++) { const n = u32(); bodies.push(n); pos += n; }
  } else if (id === 11) {
    label = 'data';
  }
  sections[label] = (sections[label] || 0) + size;
  pos = end;
}

// Groups by the function's qualified name (before its parameter list); the first match wins.
const groups = [
  ['nlohmann::json (parser, DOM, serializer)', /^(void |bool |[\w:<>, ]+ )?nlohmann::/],
  ['core: flag configuration compiler (builder, validation)', /rollgate::detail::(builder|build_|strict_builder|lookup|\(anonymous namespace\)::(check|validate))|rollgate::(compile|validate)|prerequisit/],
  ['core: JSON input (limits, pointers), errors and problems', /rollgate::(detail::(parse_json|pointer|json_|overflow)|error|problem|to_json|context_(value|type)_problem|json_quote)/],
  ['core: flag configuration model (its vectors, destructors)', /rollgate::detail::(compiled_config|flag|condition|segment|layer|rule|prerequisite|serve|build_config)\b|std::.*rollgate::detail::(flag|condition|segment|layer|rule|prerequisite|serve)\b/],
  ['core: regex VM', /rollgate::detail::regex/],
  ['core: flag evaluation and context', /rollgate::(evaluator|context|detail::\(anonymous namespace\)::(match|evaluate|apply|eval)|detail::evaluate)/],
  ['core: bucketing, percentages, XXH3', /XXH|xxh|rollgate::(bucket|in_rollout|pick_variant|percent|rate|share|try_check|check_|draw|\(anonymous namespace\)::(share|shortest))/i],
  ['core: semver, timestamps, CIDR, other', /rollgate::/],
  ['bindings (rg_*, guard, error slot)', /^rg_|rollgate::wasm::|\(anonymous namespace\)::(load|write|flags_layout|engine)/],
  ['libc++ (strings, containers, sort, hashing)', /^(void |bool |[\w:<>, ]+ )?std::/],
  ['C++ exception runtime (unwind, personality, cxa)', /_Unwind|__cxa|__gxx|personality|__cxxabi/],
  ['libc: strtod, printf, long double, malloc', /^(strtod|printf|fmt_|pop_arg|__(div|mul|add|sub|ext|trunc|fix|float)\w*tf|fmodl|frexp|scalbn|emmalloc|malloc|free|realloc|calloc|mem|str|__|vs?n?printf|sn?printf|out|pad|getint|wcrtomb|fwrite|decfloat|hexfloat|scan|copysign|sbrk)/],
];
const sums = new Map(groups.map(([g]) => [g, 0]));
sums.set('unnamed / other', 0);
let total = 0;
bodies.forEach((n, i) => {
  total += n;
  const name = (names.get(i + imported) || '').replace(/\(.*$/s, '');
  const g = name ? groups.find(([, re]) => re.test(name)) : undefined;
  const key = g ? g[0] : 'unnamed / other';
  sums.set(key, sums.get(key) + n);
});
console.log(`${process.argv[2]}: ${bytes.length} bytes; sections: ${Object.entries(sections).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`code section: ${bodies.length} functions, ${total} bytes${names.size ? '' : ' (no names: link with --profiling-funcs)'}`);
for (const [g, n] of [...sums].sort((a, b) => b[1] - a[1])) {
  if (n) console.log(`  ${g.padEnd(66)} ${String(n).padStart(8)}  ${((100 * n) / total).toFixed(1)}%`);
}
