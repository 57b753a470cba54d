/**
 * Records every error notification the workbench shows, even one that hides again before a test looks
 * (`errorNotifications()` only sees the toasts on screen at that moment).
 */
import type { Page } from 'playwright-core';

// Runs in the workbench page (a string: e2e code is compiled without DOM types). Re-installed on every
// navigation, so a reloaded window is watched too.
const WATCH = `(() => {
  if (window.__socratuneErrorToasts) return;
  const seen = new WeakSet();
  const list = (window.__socratuneErrorToasts = []);
  setInterval(() => {
    for (const item of document.querySelectorAll('.notification-list-item')) {
      if (seen.has(item)) continue;
      const icon = item.querySelector('.notification-list-item-icon');
      if (!icon || !icon.className.includes('codicon-error')) continue;
      seen.add(item);
      const msg = item.querySelector('.notification-list-item-message');
      list.push((msg ? msg.textContent : item.textContent || '').trim());
    }
  }, 100);
})()`;

/** Starts recording error notifications in this page (and after each reload). Call before navigating. */
export async function watchErrorToasts(page: Page): Promise<void> {
  await page.addInitScript(WATCH);
  await page.evaluate(WATCH).catch(() => undefined);
}

/** Error notifications shown since the page was (re)loaded. */
export async function errorToastsSeen(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__socratuneErrorToasts ? [...window.__socratuneErrorToasts] : []');
}
