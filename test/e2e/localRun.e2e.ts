/**
 * Train on your own machine, in the real workbench, with a stand-in trainer: a recipe folder whose run.sh starts
 * test/fixtures/trainer-logs/standin-trainer.mjs replaying a real MLX-LM log; Run Local Recipe… from the palette →
 * a terminal task, the Fine-tune Jobs row "running · step n/M · loss · … · <base model>", then Cancel Job from the
 * row's context menu → "cancelled", the trainer and its child gone.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { e2eEnv } from './support/env';
import { Workbench, contextMenuItem, expandView, openSocratune, openWorkbench, runCommand, screenshot } from './support/workbench';

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local run in the Jobs tree with a stand-in trainer (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  const fixtures = resolve('test', 'fixtures', 'trainer-logs');
  const dir = () => join(e2eEnv.workspace, '.socratune', 'runs', 'e2e-local');

  before(async () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(
      join(dir(), 'recipe.json'),
      JSON.stringify({ name: 'e2e-local', trainer: 'mlx', baseModel: 'mistralai/Mixtral-8x7B-v0.1', dataset: 'journal', adapterDir: 'adapters' }),
    );
    const sh = `#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\nexec "${process.execPath}" "${fixtures}/standin-trainer.mjs" "${fixtures}/mlx-examples-557-mixtral.log" train.log --delay 400 --hang\n`;
    writeFileSync(join(dir(), 'run.sh'), sh, { mode: 0o755 });
    wb = await openWorkbench();
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
    const pids = join(dir(), 'train.log.pids');
    if (existsSync(pids)) for (const p of readFileSync(pids, 'utf8').trim().split('\n').map(Number)) if (isAlive(p)) process.kill(p);
    rmSync(join(e2eEnv.workspace, '.socratune', 'runs'), { recursive: true, force: true });
  });

  it('Run Local Recipe… shows the run as a Jobs row that follows its log; Cancel Job on the row stops the process tree', async () => {
    await openSocratune(page);
    await runCommand(page, 'Socratune: Run Local Recipe…');
    const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'e2e-local' }).first();
    await pick.waitFor({ timeout: 30_000 });
    await pick.click();
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: 'local:e2e-local' });
    await row.waitFor({ timeout: 60_000 });
    const description = row.locator('.label-description');
    await until('the row shows a step and a loss', async () => /^running · step \d+\/\d+ · loss \d+\.\d\d · /.test(await description.innerText()));
    assert.match(await description.innerText(), /mistralai\/Mixtral-8x7B-v0\.1 · local:e2e-local$/);
    await screenshot(page, 'local-run-jobs-row');
    // The curves follow the log: train loss and, in its own chart, the learning rate MLX-LM logs.
    await contextMenuItem(page, row, 'Show Training Curves');
    const curves = page.locator('iframe.webview[src*="extensionId=socratune.socratune"]');
    let lrShown = false;
    for (const deadline = Date.now() + 30_000; !lrShown && Date.now() < deadline; await page.waitForTimeout(250)) {
      for (let i = 0; i < (await curves.count()); i++) {
        const frame = curves.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
        if ((await frame.locator('#learning-rate-chart').count()) > 0 && (await frame.locator('#learning-rate-chart').isVisible())) lrShown = true;
      }
    }
    assert.ok(lrShown, 'the learning-rate chart is shown for a local run that logs one');
    await screenshot(page, 'local-run-curves');
    const pids = readFileSync(join(dir(), 'train.log.pids'), 'utf8').trim().split('\n').map(Number);
    assert.ok(pids.every(isAlive), 'trainer and child run');
    await contextMenuItem(page, row, 'Cancel Job');
    await until('the row says cancelled', async () => (await description.innerText()).startsWith('cancelled · '), 30_000);
    await until('the trainer and its child are gone', () => pids.every((p) => !isAlive(p)), 15_000);
    await screenshot(page, 'local-run-cancelled');
  });
});
