import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickNotificationButton, openFile, selectLines } from './support/editor';
import { e2eEnv } from './support/env';
import { Workbench, errorNotifications, notifications, openWorkbench, quickPickItems, runCommand, screenshot } from './support/workbench';

const DATASET = 'e2e-dataset';
const HEADING = '## 2026-03-22 — What makes work meaningful?';

function trainLines(): { messages: { role: string; content: string }[] }[] {
  const file = join(e2eEnv.workspace, '.socratune', 'datasets', DATASET, 'train.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

describe('dataset: Add Selection as Training Example (e2e)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    const folder = join(e2eEnv.workspace, '.socratune', 'datasets', DATASET);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'dataset.json'),
      JSON.stringify({ name: DATASET, format: 'markdown', createdAt: new Date().toISOString(), version: 1 }, null, 2),
    );
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('runs from the command palette: pick the dataset, select a passage, accept the proposed prompt, file on disk, Undo', async () => {
    const { page } = wb;
    // Make the e2e dataset the active one through the dataset picker (other tests may have created datasets).
    await runCommand(page, 'Socratune: Select Dataset…');
    const picker = page.locator('.quick-input-widget input.input');
    await picker.waitFor({ state: 'visible' });
    await picker.fill(DATASET);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: DATASET }).first().waitFor();
    await picker.press('Enter');

    await openFile(page, '2026-journal.md');
    const journal = readFileSync(join(e2eEnv.workspace, '2026-journal.md'), 'utf8').split('\n');
    const line = journal.indexOf(HEADING) + 1;
    assert.ok(line > 0, 'the sample journal has the entry');
    await selectLines(page, line, 4); // heading, blank line, two lines of text

    await runCommand(page, 'Socratune: Add Selection as Training Example');
    // The prompt picker proposes the question from the heading first.
    const items = await quickPickItems(page);
    assert.match(items[0], /^What makes work meaningful\?/);
    await screenshot(page, 'dataset-prompt-picker');
    await page.locator('.quick-input-widget input.input').press('Enter');
    // Unless one-key accept is on, the prompt opens for editing: the user always sees what is written.
    const box = page.locator('.quick-input-widget input.input');
    for (let i = 0; (await box.inputValue()) !== 'What makes work meaningful?'; i++) {
      assert.ok(i < 100, `the input box shows the proposed prompt (it shows “${await box.inputValue()}”)`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await box.press('Enter');

    const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: `to “${DATASET}”` }).first();
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /added the example to “e2e-dataset” \(train\.jsonl line 1\)/);
    const lines = trainLines();
    assert.deepEqual(lines, [
      {
        messages: [
          { role: 'user', content: 'What makes work meaningful?' },
          {
            role: 'assistant',
            content:
              'Work becomes meaningful when I can name the person it helps and picture the moment it helps them. Without that picture, even good work feels like moving boxes.',
          },
        ],
      },
    ]);
    // The journal shows the passage is now in the dataset (CodeLens above the entry).
    await page
      .locator('.monaco-editor .codelens-decoration', { hasText: `In “${DATASET}”` })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.locator('.notifications-toasts .notification-toast.notification-fade-in-done').first().waitFor();
    console.log(`      screenshot: ${await screenshot(page, 'dataset-added')}`);

    // "Undo" in the confirmation removes exactly that example.
    await clickNotificationButton(page, `to “${DATASET}”`, 'Undo');
    await page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'removed the example' }).first().waitFor({ timeout: 30_000 });
    assert.deepEqual(trainLines(), []);
    await screenshot(page, 'dataset-undone');
    assert.deepEqual(await errorNotifications(page), [], `no error notifications: ${JSON.stringify(await notifications(page))}`);
  });
});
