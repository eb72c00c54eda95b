// JSON Pointers in JSON text: where a config error's pointer sits, to select it in the editor.

/**
 * Where the value at JSON Pointer `pointer` sits in the JSON `text`: [start, end) offsets, or null.
 * A small scanner (no evaluation), used to select a config error's location in the editor.
 * @param {string} text
 * @param {string} pointer
 * @returns {[number, number] | null}
 */
export function locatePointer(text, pointer) {
  const want = pointer === '' ? [] : pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = () => {
    const s = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(s, i));
  };
  // Returns [start, end] of the wanted value when found below `depth`, else skips the value.
  /** @param {number} depth @returns {[number, number] | null} */
  const value = (depth) => {
    ws();
    const start = i;
    const here = depth === want.length;
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      let index = 0;
      for (;;) {
        ws();
        if (text[i] === '}' || text[i] === ']') { i++; break; }
        let key = String(index++);
        if (c === '{') {
          key = str();
          ws();
          i++; // ':'
        }
        const found = !here && key === want[depth] ? value(depth + 1) : (value(-1), null);
        if (found) return found;
        ws();
        if (text[i] === ',') i++;
        if (i >= text.length) return null;
      }
    } else if (c === '"') str();
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    return here ? [start, i] : null;
  };
  try {
    return value(0);
  } catch {
    return null;
  }
}
