/** Finding one Socratune webview among several (chat view, validation report, training curves…) by its content. */
import type { FrameLocator, Page } from 'playwright-core';

const OUTER = 'iframe.webview[src*="extensionId=socratune.socratune"]';

/**
 * The content frame of the first Socratune webview whose document has an element matching `selector`
 * (e.g. `#loss-chart`, `#app[data-ready="true"]`, `h1:has-text("Dataset Validation")`). Webviews are two
 * nested iframes: the outer `iframe.webview` and the inner `#active-frame` with our HTML.
 */
export async function webviewWith(page: Page, selector: string, timeoutMs = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outers = page.locator(OUTER);
    const n = await outers.count();
    for (let i = 0; i < n; i++) {
      const inner = outers.nth(i).contentFrame().locator('iframe#active-frame');
      if ((await inner.count()) === 0) continue;
      const frame = inner.contentFrame();
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    if (Date.now() > deadline) throw new Error(`no Socratune webview with ${selector} appeared within ${timeoutMs} ms (${n} Socratune webview(s) open)`);
    await page.waitForTimeout(200); // polling the frames: there is no event for "a webview's document matches"
  }
}

/** Waits until the webview has painted twice after now (chart animations started, layout settled) — for screenshots. */
export async function settled(frame: FrameLocator): Promise<void> {
  // A string: e2e code is compiled without DOM types; it runs in the webview's document.
  await frame.locator('body').evaluate('() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
}
