// The narrow-screen check shared by the browser tests: shows every view and lists those wider
// than the window (sideways scrolling), and tabs outside the screen. Tables may scroll inside
// their own box (.scroll): only the page itself must not.
import { join } from 'node:path';

export const VIEWS = ['rollout', 'canary', 'history', 'dark', 'bucketing', 'flags', 'data'];

/**
 * @param {import('playwright-core').Page} page
 * @param {string} dir screenshots of each view go here
 * @param {string} prefix
 */
export async function overflowingViews(page, dir, prefix) {
  const bad = [];
  for (const view of VIEWS) {
    await page.click(`[role="tab"][data-view="${view}"]`);
    await page.waitForSelector(`#view-${view}:not([hidden])`);
    await page.waitForTimeout(50);
    const m = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')].filter((e) => {
        if (e.closest('.scroll') && !e.classList.contains('scroll')) return false;
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > vw + 1 && getComputedStyle(e).position !== 'absolute';
      }).slice(0, 3).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} (right ${Math.round(e.getBoundingClientRect().right)})`);
      const tabsOff = [...document.querySelectorAll('[role="tab"]')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.right > vw + 1 || r.left < 0;
      }).map((t) => t.textContent);
      return { scroll: document.documentElement.scrollWidth, vw, wide, tabsOff };
    });
    await page.screenshot({ path: join(dir, `${prefix}-${view}.png`), fullPage: true });
    if (m.scroll > m.vw || m.wide.length || m.tabsOff.length) bad.push(`${view}: page ${m.scroll} px in ${m.vw} px; ${m.wide.join(', ')}${m.tabsOff.length ? `; tabs off screen: ${m.tabsOff.join(', ')}` : ''}`);
  }
  return bad;
}
