// Tiny DOM helpers shared by the views (no computation about the data).

/**
 * The element with this id; a missing one is a bug of the page, reported at once.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export function $(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return /** @type {T} */ (e);
}

/** @param {string} id @returns {HTMLInputElement} */
export const input = (id) => $(id);
/** @param {string} id @returns {HTMLTextAreaElement} */
export const textarea = (id) => $(id);
/** @param {string} id @returns {HTMLSelectElement} */
export const select = (id) => $(id);
/** @param {string} id @returns {HTMLButtonElement} */
export const button = (id) => $(id);

/**
 * The first element matching a selector; a missing one is a bug of the page.
 * @param {string} selector
 * @returns {HTMLElement}
 */
export function one(selector) {
  const e = document.querySelector(selector);
  if (!(e instanceof HTMLElement)) throw new Error(`the page has no ${selector}`);
  return e;
}

/**
 * el('tag', {attr: value}, ...children): null/undefined attributes and children are skipped.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | null | undefined>} [attrs]
 * @param {...(Node | string | number | null | undefined)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, String(v));
  for (const c of children) if (c != null && c !== '') e.append(c instanceof Node ? c : String(c));
  return e;
}

/**
 * Empties a node and returns it.
 * @template {Element} T
 * @param {T} node
 * @returns {T}
 */
export function clear(node) {
  node.replaceChildren();
  return node;
}
