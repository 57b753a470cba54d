import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, selectLines } from './support/editor';
import { e2eEnv } from './support/env';
import { Workbench, openWorkbench, screenshot } from './support/workbench';

/** Issue 15 #10: Ctrl+Alt+E on an empty selection or in a non-markdown file says why instead of doing nothing. */
describe('dataset: Ctrl+Alt+E says why it cannot add (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  before(async () => {
    writeFileSync(join(e2eEnv.workspace, 'notes-e2e.txt'), 'A plain text note.\nIt is not markdown.\n');
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  const toast = (text: string) => wb.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();

  it('on an empty selection in a markdown journal', async () => {
    const { page } = wb;
    const editor = await openFile(page, '2026-journal.md');
    await editor.click();
    await page.keyboard.press('Control+Alt+E');
    await toast('The selection is empty').waitFor({ timeout: 30_000 });
    assert.match(await toast('The selection is empty').innerText(), /Select a passage first\. Nothing was written\./);
    await screenshot(page, 'add-selection-empty');
  });

  it('in a file that is not markdown', async () => {
    const { page } = wb;
    await openFile(page, 'notes-e2e.txt');
    await selectLines(page, 1, 1);
    await page.keyboard.press('Control+Alt+E');
    await toast('not markdown').waitFor({ timeout: 30_000 });
    assert.match(await toast('not markdown').innerText(), /“notes-e2e\.txt” is a plaintext file, not markdown\. Add the selection anyway\?/);
    await screenshot(page, 'add-selection-not-markdown');
  });
});
