import { strict as assert } from 'node:assert';
import { Workbench, errorNotifications, expandView, openSocratune, openWorkbench, screenshot } from './support/workbench';

/**
 * "Evaluate Models…" from a model's context menu in the Models tree: the same pickers as the palette, with that
 * model already ticked as a contestant. (The full run, reload, rating and export: evaluationResume.e2e.ts.)
 */
const MODEL = 'gpt-4o-mini-2024-07-18';

describe('evaluation: Evaluate Models… from the Models tree pre-selects the model (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the pickers from the context menu with the model ticked among the contestants', async () => {
    const { page } = wb;
    await openSocratune(page);
    const models = await expandView(page, 'Models');
    const row = models.locator('.monaco-list-row', { hasText: MODEL }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    await page.locator('.context-view .action-label', { hasText: 'Evaluate Models…' }).click();
    const quick = page.locator('.quick-input-widget');
    const input = quick.locator('input.input');
    await quick.locator('.quick-input-message', { hasText: 'Name of the evaluation' }).waitFor();
    await input.fill('e2e-from-tree');
    await input.press('Enter');
    await quick.locator('.monaco-list-row', { hasText: 'Type questions' }).click();
    await quick.locator('.quick-input-message', { hasText: 'Questions, separated by' }).waitFor();
    await input.fill('What does anger cost?');
    await input.press('Enter');
    const first = quick.locator('.monaco-list-row').first();
    await first.waitFor();
    assert.match(await first.innerText(), new RegExp(MODEL), 'the model comes first');
    assert.equal(await first.getAttribute('aria-checked'), 'true', 'and is ticked');
    assert.equal(await quick.locator('.monaco-list-row[aria-checked="true"]').count(), 1, 'only that one');
    await screenshot(page, 'evaluation-from-models-tree');
    await input.press('Escape');
    await quick.waitFor({ state: 'hidden' });
    assert.deepEqual(await errorNotifications(page), []);
  });
});
