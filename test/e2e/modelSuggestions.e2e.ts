/**
 * Issue 15 #7 and #10 in the real workbench: the prompt picker of Add Selection says why the model gave no
 * suggestions (here: a question model the backend does not have), and Select Dataset… lists the datasets with
 * what each holds. The question-model setting is restored afterwards.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { openFile, selectLines } from './support/editor';
import { e2eEnv } from './support/env';
import { Workbench, openWorkbench, runCommand, screenshot } from './support/workbench';

const DATASET = 'e2e-suggestions';
const MISSING = 'no-such-question-model';

describe('dataset: model suggestions say why they failed (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  let settingsBefore: string | undefined;
  const settingsFile = join(e2eEnv.workspace, '.vscode', 'settings.json');

  before(async () => {
    const folder = join(e2eEnv.workspace, '.socratune', 'datasets', DATASET);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'dataset.json'), JSON.stringify({ name: DATASET, format: 'markdown', createdAt: new Date().toISOString() }));
    writeFileSync(join(folder, 'train.jsonl'), '');
    settingsBefore = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
    const text = settingsBefore ?? '{}\n';
    writeFileSync(
      settingsFile,
      applyEdits(text, modify(text, ['socratune.dataset.questionModel'], MISSING, { formattingOptions: { insertSpaces: true, tabSize: 2 } })),
    );
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    if (settingsBefore !== undefined) writeFileSync(settingsFile, settingsBefore);
  });

  it('Select Dataset… lists the datasets, each with its counts and format; picking one makes it active', async () => {
    const { page } = wb;
    await runCommand(page, 'Socratune: Select Dataset…');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: DATASET }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.getByText('0 training examples · markdown · no system prompt').waitFor({ timeout: 30_000 });
    await screenshot(page, 'select-dataset-picker');
    const input = page.locator('.quick-input-widget input.input');
    await input.fill(DATASET);
    await input.press('Enter');
    await page.locator('.part.statusbar', { hasText: DATASET }).waitFor({ timeout: 30_000 });
  });

  it('Add Selection: the prompt picker says the question model was not found, and what to do', async () => {
    const { page } = wb;
    await openFile(page, '2026-journal.md');
    await selectLines(page, 7, 4);
    await page.keyboard.press('Control+Alt+E');
    const unavailable = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Model suggestions unavailable' }).first();
    await unavailable.waitFor({ timeout: 30_000 });
    const text = (await unavailable.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`Model "${MISSING}" was not found on .*\\(404\\).*Pick another model`), text);
    await screenshot(page, 'prompt-picker-suggestions-unavailable');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  });
});
