// Reads a WebAssembly binary's function imports with their types: the type section and import
// section are parsed here, because WebAssembly.Module.imports() gives names and kinds only.
// SPDX-License-Identifier: MIT

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

/** [{module, name, kind, params, results}] for every import; params/results only for functions. */
export function readImports(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) {
    throw new Error('not a WebAssembly module');
  }
  let p = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const name = () => {
    const n = u32();
    const s = new TextDecoder().decode(b.subarray(p, p + n));
    p += n;
    return s;
  };
  const valtype = () => {
    const t = VALTYPES[b[p++]];
    if (!t) throw new Error(`unknown value type 0x${b[p - 1].toString(16)}`);
    return t;
  };
  const limits = () => {
    const flags = b[p++];
    u32();
    if (flags & 1) u32();
  };
  const types = [];
  const imports = [];
  while (p < b.length) {
    const id = b[p++];
    const size = u32();
    const end = p + size;
    if (id === 1) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        if (b[p++] !== 0x60) throw new Error('unexpected type form');
        const params = Array.from({ length: u32() }, valtype);
        const results = Array.from({ length: u32() }, valtype);
        types.push({ params, results });
      }
    } else if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const module = name();
        const field = name();
        const kind = b[p++];
        if (kind === 0) {
          const t = types[u32()];
          imports.push({ module, name: field, kind: 'function', params: t.params, results: t.results });
        } else if (kind === 1) {
          p++; // reftype
          limits();
          imports.push({ module, name: field, kind: 'table' });
        } else if (kind === 2) {
          limits();
          imports.push({ module, name: field, kind: 'memory' });
        } else if (kind === 3) {
          valtype();
          p++; // mutability
          imports.push({ module, name: field, kind: 'global' });
        } else {
          throw new Error(`unknown import kind ${kind}`);
        }
      }
    }
    p = end;
  }
  return imports;
}
