import { strict as assert } from 'node:assert';
import type { Locator } from 'playwright-core';
import { finishedJob } from './support/jobs';
import { Workbench, contextMenuItem, errorNotifications, expandView, openSocratune, openWorkbench, screenshot } from './support/workbench';

/**
 * "Evaluate Models…" from the context menu of a succeeded job in the Fine-tune Jobs tree and of a fine-tuned model in
 * the Models tree: the palette's pickers, with that model already ticked as a contestant. (The full run, the reload,
 * the rating and the export: evaluationResume.e2e.ts.)
 */
const SUFFIX = 'e2e-eval';

describe('evaluation: Evaluate Models… from the Jobs and Models trees pre-selects the model (e2e)', function () {
  this.timeout(150_000);
  let wb: Workbench;
  let job: { id: string; model: string };

  before(async () => {
    job = await finishedJob(SUFFIX);
    wb = await openWorkbench();
    await openSocratune(wb.page);
  });
  after(async () => {
    await wb?.close();
  });

  /** Right-click → Evaluate Models…, through the name and the questions, to the contestant picker; then Escape. */
  async function contestantsFrom(row: Locator, shot: string): Promise<void> {
    const { page } = wb;
    await contextMenuItem(page, row, 'Evaluate Models…');
    const quick = page.locator('.quick-input-widget');
    const input = quick.locator('input.input');
    await quick.locator('.quick-input-message', { hasText: 'Name of the evaluation' }).waitFor();
    await input.fill(`e2e-from-${shot}`);
    await input.press('Enter');
    await quick.locator('.monaco-list-row', { hasText: 'Type questions' }).click();
    await quick.locator('.quick-input-message', { hasText: 'Questions, separated by' }).waitFor();
    await input.fill('What does anger cost?');
    await input.press('Enter');
    const first = quick.locator('.monaco-list-row').first();
    await quick.locator('.monaco-list-row', { hasText: 'gpt-4o-mini' }).first().waitFor();
    assert.match(await first.innerText(), new RegExp(job.model.replace(/[.]/g, '\\.')), 'the model comes first');
    assert.equal(await first.getAttribute('aria-checked'), 'true', 'and is ticked');
    assert.equal(await quick.locator('.monaco-list-row[aria-checked="true"]').count(), 1, 'only that one');
    await screenshot(page, `evaluation-from-${shot}`);
    await input.press('Escape');
    await quick.waitFor({ state: 'hidden' });
  }

  it('on a succeeded job in the Fine-tune Jobs tree', async () => {
    const jobs = await expandView(wb.page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: job.id }).first();
    await row.locator('.codicon-pass-filled').waitFor({ timeout: 30_000 });
    await contestantsFrom(row, 'jobs-tree');
    assert.deepEqual(await errorNotifications(wb.page), []);
  });

  it('on a fine-tuned model in the Models tree', async () => {
    const models = await expandView(wb.page, 'Models');
    const row = models.locator('.monaco-list-row', { hasText: `:${SUFFIX}:` }).first();
    await row.waitFor({ timeout: 30_000 });
    await contestantsFrom(row, 'models-tree');
    assert.deepEqual(await errorNotifications(wb.page), []);
  });
});
