import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { e2eEnv } from './support/env';
import { Workbench, activityBarItem, errorNotifications, openQuickInput, openWorkbench, runCommand, screenshot } from './support/workbench';

const DATASET = 'e2e-validation';

function example(i: number): string {
  const words = 'the obstacle to action advances action what stands in the way becomes the way '.repeat(1 + (i % 9) * 3);
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer as the journal’s author.' },
      { role: 'user', content: `What did entry ${i} teach you?` },
      { role: 'assistant', content: `Entry ${i}: ${words}` },
    ],
  });
}

/** The content frame of the validation report (other Socratune webviews may be open). */
async function reportFrame(page: Page): Promise<FrameLocator> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const outers = page.locator('iframe.webview[src*="extensionId=socratune.socratune"]');
    for (let i = 0; i < (await outers.count()); i++) {
      const inner = outers.nth(i).contentFrame().locator('iframe#active-frame');
      if ((await inner.count()) === 0) continue;
      const frame = inner.contentFrame();
      if ((await frame.locator('h1', { hasText: 'Dataset Validation' }).count()) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error('the Dataset Validation report did not appear');
    await page.waitForTimeout(200);
  }
}

describe('dataset validation (e2e)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    const folder = join(e2eEnv.workspace, '.socratune', 'datasets', DATASET);
    mkdirSync(folder, { recursive: true });
    const lines = Array.from({ length: 40 }, (_, i) => example(i));
    lines[6] = JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', weight: 2 },
      ],
    });
    writeFileSync(join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(folder, 'validation.jsonl'), [example(100), example(101), example(102)].join('\n') + '\n');
    writeFileSync(join(folder, 'dataset.json'), JSON.stringify({ name: DATASET, format: 'markdown', createdAt: new Date().toISOString() }));
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('opens train.jsonl with squiggles, then "Socratune: Validate Dataset" from the palette shows the report', async () => {
    const { page } = wb;
    const input = await openQuickInput(page, 'Control+P');
    await input.fill(`.socratune/datasets/${DATASET}/train.jsonl`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'train.jsonl' }).first().waitFor();
    await input.press('Enter');
    // Live diagnostics: the bad weight on line 7 is squiggled.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'validation-diagnostics');

    await runCommand(page, 'Socratune: Validate Dataset');
    const frame = await reportFrame(page);
    await frame.locator('body[data-rendered]').waitFor({ timeout: 60_000 });
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
    assert.match(await frame.locator('h1').innerText(), new RegExp(DATASET));
    assert.match(await frame.locator('.file.train .verdict.blocked').innerText(), /1 error blocks the upload/);
    assert.match(await frame.locator('.file.validation .verdict.ok').innerText(), /would be accepted/);
    assert.match(await frame.locator('.counts.blocking').innerText(), /invalid_weight/);
    assert.match(await frame.locator('.cost .big').innerText(), /≈ \$\d+\.\d\d/);
    const canvas = await frame.locator('.file.train canvas').boundingBox();
    assert.ok(canvas && canvas.width > 200 && canvas.height > 100, `histogram has a size (${JSON.stringify(canvas)})`);
    await page.waitForTimeout(300); // let chart.js finish its first paint before the picture
    console.log(`      screenshot: ${await screenshot(page, 'validation-report')}`);

    // Clicking an error jumps to its line in the editor.
    await frame.locator('.file.train ul.issues.error a.where', { hasText: 'line 7' }).click();
    await page.locator('.monaco-editor .current-line').first().waitFor();
    assert.deepEqual(await errorNotifications(page), [], 'no error notifications');
  });

  it('restores the report tab after a window reload, validated again (issue 15 #10)', async () => {
    const { page } = wb;
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await activityBarItem(page, 'Socratune').waitFor({ timeout: 60_000 });
    await page
      .locator('.tabs-container .tab', { hasText: `Validation: ${DATASET}` })
      .first()
      .click({ timeout: 60_000 });
    const frame = await reportFrame(page);
    await frame.locator('body[data-rendered]').waitFor({ timeout: 60_000 });
    assert.match(await frame.locator('h1').innerText(), new RegExp(DATASET));
    assert.match(await frame.locator('.file.train .verdict.blocked').innerText(), /1 error blocks the upload/);
    assert.match(await frame.locator('.file.validation .verdict.ok').innerText(), /would be accepted/);
    await screenshot(page, 'validation-report-restored');
    // The restored report still jumps to the line of an error.
    await frame.locator('.file.train ul.issues.error a.where', { hasText: 'line 7' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'train.jsonl' }).waitFor();
    assert.deepEqual(await errorNotifications(page), [], 'no error notifications');
  });
});
