// Tabs and views: the ARIA tab pattern (arrow keys, Home, End), the current view in the URL hash,
// and one render function per view, called when the view is shown and whenever the data changes.

/** @typedef {'rollout' | 'canary' | 'history' | 'dark' | 'bucketing' | 'flags' | 'data'} View */

const tabs = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[role="tab"]')]);
/** @type {Record<string, HTMLElement>} */
const panels = {};
for (const t of tabs) {
  const panel = document.getElementById(t.getAttribute('aria-controls') ?? '');
  if (t.dataset.view && panel) panels[t.dataset.view] = panel;
}
/** @type {Partial<Record<View, () => void>>} */
const renderers = {};
/** @type {View} */
let current = 'rollout';
let param = '';

/** What follows the view in the URL hash ("report=…" of "#history/report=…"), or ''. */
export const viewParam = () => param;

/** @param {string} view @returns {view is View} */
const isView = (view) => view in panels;

/**
 * Registers what draws a view (its data may have changed since it was last shown).
 * @param {View} view
 * @param {() => void} render
 */
export function register(view, render) {
  renderers[view] = render;
}

/** Draws the view that is shown. */
export function renderCurrent() {
  renderers[current]?.();
}

/**
 * Shows a view (an unknown name shows the rollout view).
 * @param {string} view
 * @param {boolean} [focus] move the focus to its tab
 */
export function show(view, focus = false) {
  // "view/param" (a share link: "history/report=…"): the view, and the rest for it to read.
  const [name, ...rest] = view.split('/');
  param = rest.join('/');
  current = isView(name) ? name : 'rollout';
  for (const t of tabs) {
    const on = t.dataset.view === current;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    const panel = panels[t.dataset.view ?? ''];
    if (panel) panel.hidden = !on;
    if (on && focus) t.focus();
  }
  const hash = `#${current}${param ? `/${param}` : ''}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  renderCurrent();
}

tabs.forEach((t, i) => {
  /** @param {number} j */
  const go = (j) => show(tabs[j]?.dataset.view ?? '', true);
  t.addEventListener('click', () => show(t.dataset.view ?? ''));
  t.addEventListener('keydown', (e) => {
    const k = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (k) go((i + k + tabs.length) % tabs.length);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(tabs.length - 1);
  });
});
window.addEventListener('hashchange', () => show(location.hash.slice(1)));

// Charts are drawn at the width of their box: redraw the view when the window's width changes.
/** @type {ReturnType<typeof setTimeout> | undefined} */
let resizeTimer;
let lastWidth = window.innerWidth;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    renderCurrent();
  }, 200);
});
