/** Mocha root hooks for the e2e tier (loaded with --require): failure screenshots, one browser per run. */
import type { Context } from 'mocha';
import { closeSharedBrowser } from './browser';
import { currentWorkbench, screenshot } from './workbench';

export const mochaHooks = {
  async afterEach(this: Context): Promise<void> {
    const t = this.currentTest;
    const wb = currentWorkbench();
    if (t?.state === 'failed' && wb) {
      const file = await screenshot(wb.page, `FAILED-${t.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
      if (wb.consoleErrors.length) console.log(`      browser console errors:\n        ${wb.consoleErrors.slice(-10).join('\n        ')}`);
    }
  },
  async afterAll(): Promise<void> {
    await closeSharedBrowser();
  },
};
