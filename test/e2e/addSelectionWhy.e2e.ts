import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, selectLines } from './support/editor';
import { e2eEnv } from './support/env';
import { Workbench, openQuickInput, openWorkbench, runCommand, screenshot } from './support/workbench';

/**
 * Issue 15 #10: Ctrl+Alt+E on an empty selection or in a non-markdown file says why instead of doing nothing; a binary
 * file gets one message in plain words (not a question naming VS Code's "code-text-binary" mode, then a refusal).
 */
describe('dataset: Ctrl+Alt+E says why it cannot add (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  before(async () => {
    writeFileSync(join(e2eEnv.workspace, 'notes-e2e.txt'), 'A plain text note.\nIt is not markdown.\n');
    writeFileSync(join(e2eEnv.workspace, 'photo-e2e.bin'), Buffer.concat([Buffer.from('PNG header\n'), Buffer.alloc(16), Buffer.from('\nmore bytes\n')]));
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

  it('in a binary file opened anyway: one message in plain words, no question first', async () => {
    const { page } = wb;
    const input = await openQuickInput(page, 'Control+P');
    await input.fill('photo-e2e.bin');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'photo-e2e.bin' }).first().waitFor();
    await input.press('Enter');
    // VS Code's binary placeholder; "Open Anyway" opens it as text (its language is then "code-text-binary").
    await page.getByRole('button', { name: 'Open Anyway' }).or(page.getByText('Open Anyway')).first().click();
    const choice = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Text Editor' }).first();
    await choice
      .waitFor({ timeout: 3_000 })
      .then(() => choice.click())
      .catch(() => undefined);
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor();
    await runCommand(page, 'Notifications: Clear All Notifications');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+Alt+E');
    await toast('binary file').waitFor({ timeout: 30_000 });
    assert.match(
      await toast('binary file').innerText(),
      /“photo-e2e\.bin” looks like a binary file, not a journal: the selection contains NUL bytes\. Nothing was written\./,
    );
    // Exactly one message about this file, and no question naming VS Code's mode.
    const messages = (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).filter((m) => m.includes('photo-e2e.bin'));
    assert.equal(messages.length, 1, `one message about the binary file: ${JSON.stringify(messages)}`);
    assert.doesNotMatch(messages[0], /code-text-binary|Add the selection anyway/);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no modal confirmation');
    await screenshot(page, 'add-selection-binary');
  });
});
