/**
 * The Fine-tune Jobs tree as a new user meets it (issue 15, items 4, 6, 9 and 10):
 * - the Jobs welcome offers no "Set API Key" when the backend needs none;
 * - a running job's row says "running · step N/M · loss x · <base model>", a finished one "succeeded · <base model> …";
 * - Show Job Events and Show Training Curves from the palette act on the current job when Enter is pressed;
 * - the curves of a job without a validation file show no "valid" / "full valid" toggles;
 * - the Training Curves tab is back after a reload.
 * It starts its own emulator (so the tree starts empty) and points the workspace settings at it, restoring them afterwards.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import type { FrameLocator, Page } from 'playwright-core';
import { createBackend } from '../../src/core/backends';
import type { FineTuneBackend, FineTuneJob } from '../../src/core/backends/types';
import { createClient } from '../../src/core/config/client';
import type { BackendProfile } from '../../src/core/config/profile';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { e2eEnv } from './support/env';
import { waitForLog } from './support/logs';
import {
  Workbench,
  activityBarItem,
  errorNotifications,
  expandView,
  openQuickInput,
  openSocratune,
  openWorkbench,
  outputPanelText,
  runCommand,
  screenshot,
} from './support/workbench';

function examples(n: number, salt: string): string {
  return (
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'You are the journal.' },
          { role: 'user', content: `What did day ${i} teach (${salt})?` },
          { role: 'assistant', content: `Day ${i}: waste no more time arguing what a good man should be; be one (${salt}).` },
        ],
      }),
    ).join('\n') + '\n'
  );
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The content frame of the Training Curves panel (the chat view is another Socratune webview). */
async function curvesFrame(page: Page, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outers = page.locator('iframe.webview[src*="extensionId=socratune.socratune"]');
    const n = await outers.count();
    for (let i = 0; i < n; i++) {
      const inner = outers.nth(i).contentFrame().locator('iframe#active-frame');
      if ((await inner.count()) === 0) continue;
      const frame = inner.contentFrame();
      if ((await frame.locator('#loss-chart').count()) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error('the Training Curves webview did not appear');
    await page.waitForTimeout(200);
  }
}

describe('fine-tune jobs tree: rows, pickers, welcome, curves (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let emu: EmulatorHandle;
  let backend: FineTuneBackend;
  let settingsBefore: string | undefined;
  let finished: FineTuneJob;
  let running: FineTuneJob;
  const settingsFile = (): string => join(e2eEnv.workspace, '.vscode', 'settings.json');

  before(async () => {
    // Slow training (a job runs for minutes) so a job is still running while the test looks at it; a finished
    // job is made by moving the emulator's clock forward.
    emu = await startEmulator({ timeScale: 0.5, seed: 5 });
    const profile: BackendProfile = {
      provider: 'emulator',
      baseUrl: emu.url,
      azureEndpoint: '',
      azureApiVersion: '',
      defaultChatModel: '',
      defaultBaseModel: '',
    };
    const r = createClient(profile, emu.key);
    if (!r.ok) throw new Error(r.message);
    backend = createBackend(profile, r.client, r.baseURL);
    settingsBefore = existsSync(settingsFile()) ? readFileSync(settingsFile(), 'utf8') : undefined;
    let text = settingsBefore ?? '{}\n';
    for (const [key, value] of Object.entries({ 'socratune.provider': 'emulator', 'socratune.baseUrl': emu.url })) {
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    writeFileSync(settingsFile(), text);
    wb = await openWorkbench();
    page = wb.page;
  });

  after(async () => {
    await wb?.close();
    if (settingsBefore !== undefined) writeFileSync(settingsFile(), settingsBefore);
    await emu?.close();
  });

  it('welcomes with Choose Backend but no Set API Key when the backend has its key', async () => {
    await openSocratune(page);
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const welcome = jobs.locator('.welcome-view-content');
    await welcome.getByText('Choose Backend').waitFor({ timeout: 30_000 });
    // The context key is set on activation (the log line says so); the welcome then offers no Set API Key.
    await waitForLog('Backend context: emulator, key ready');
    await until('the Jobs welcome no longer offers Set API Key', async () => (await welcome.getByText('Set API Key').count()) === 0);
    await screenshot(page, 'jobs-welcome-no-key-needed');
  });

  it('shows a running job as "running · step · loss · base model" and a finished one as "succeeded · base model"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socratune-e2e-jobs-'));
    writeFileSync(join(dir, 'a.jsonl'), examples(20, 'finished'));
    writeFileSync(join(dir, 'b.jsonl'), examples(40, 'running'));
    const a = await backend.upload({ path: join(dir, 'a.jsonl') });
    const created = await backend.createJob({
      baseModel: 'gpt-4.1-mini-2025-04-14',
      trainingFileId: a.id,
      method: 'supervised',
      hyperparameters: { nEpochs: 2 },
      suffix: 'done',
    });
    await until('the first job succeeded', async () => {
      emu.advance(10 * 60_000);
      return (finished = await backend.getJob(created.id)).status === 'succeeded';
    });
    const b = await backend.upload({ path: join(dir, 'b.jsonl') });
    const started = await backend.createJob({
      baseModel: 'gpt-4.1-nano-2025-04-14',
      trainingFileId: b.id,
      method: 'supervised',
      hyperparameters: { nEpochs: 3 },
      suffix: 'live',
    });
    await until('the second job reports training steps', async () => {
      emu.advance(5_000);
      running = await backend.getJob(started.id);
      const events = await backend.listEvents(started.id);
      return running.status === 'running' && events.data.some((e) => e.metrics?.step !== undefined);
    });

    await runCommand(page, 'Socratune: Refresh Fine-tune Jobs');
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const liveRow = jobs.locator('.monaco-list-row', { hasText: running.id });
    await liveRow.waitFor({ timeout: 30_000 });
    const liveDescription = liveRow.locator('.label-description');
    await until('the running row shows its step and loss', async () =>
      /^running · step \d+\/\d+ · loss \d+\.\d\d( · ETA [^·]+)? · gpt-4\.1-nano-2025-04-14/.test(await liveDescription.innerText()),
    );
    assert.equal((await liveRow.locator('.label-name').innerText()).trim(), 'live', 'the label is the job name, short enough for a narrow sidebar');
    const doneRow = jobs.locator('.monaco-list-row', { hasText: finished.id });
    assert.match(await doneRow.locator('.label-description').innerText(), /^succeeded · gpt-4\.1-mini-2025-04-14 · /);
    // At the default sidebar width the status and step are visible, not cut off: the description starts inside the row.
    const rowBox = await liveRow.boundingBox();
    const descBox = await liveDescription.boundingBox();
    assert.ok(rowBox && descBox && descBox.x + 120 < rowBox.x + rowBox.width, `status text starts inside the row (${JSON.stringify({ rowBox, descBox })})`);
    const file = await screenshot(page, 'jobs-tree-running-row');
    console.log(`      screenshot: ${file}`);
  });

  it('Show Job Events from the palette: Enter shows the events of the current (selected) job', async () => {
    const jobs = await expandView(page, 'Fine-tune Jobs');
    await jobs.locator('.monaco-list-row', { hasText: finished.id }).click();
    await runCommand(page, 'Socratune: Show Job Events');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor();
    assert.match(await rows.first().innerText(), /done/, 'the selected job is listed first');
    assert.equal(
      await page
        .locator('.quick-input-widget')
        .getByText(/\d+ Selected/)
        .locator('visible=true')
        .count(),
      0,
      'a single choice, not a multi-select',
    );
    await page.locator('.quick-input-widget input.input').press('Enter');
    await outputPanelText(page).getByText(finished.id).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'jobs-show-events-palette');
  });

  it('Show Training Curves from the palette: the current job is checked, Enter opens it; no validation toggles without a validation file', async () => {
    await runCommand(page, 'Socratune: Show Training Curves');
    // A multi-select (several jobs can be overlaid) with exactly one job checked: the selected one (its curves open below).
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor();
    await page.locator('.quick-input-widget').getByText('1 Selected').waitFor();
    await screenshot(page, 'jobs-curves-picker');
    await (await openQuickInputFocused(page)).press('Enter');
    const frame = await curvesFrame(page);
    await frame.locator('.chip', { hasText: finished.id }).waitFor({ timeout: 30_000 });
    await frame.locator('body[data-rendered]:not([data-rendered="0"])').waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('.chip').count(), 1);
    assert.equal(await frame.locator('#split-train').isVisible(), true, 'the train toggle shows');
    assert.equal(await frame.locator('#split-valid').isVisible(), false, 'no "valid" toggle without validation metrics');
    assert.equal(await frame.locator('#split-full').isVisible(), false, 'no "full valid" toggle without validation metrics');
    await screenshot(page, 'training-curves-no-validation');
  });

  it('restores the Training Curves tab after a reload', async () => {
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await activityBarItem(page, 'Socratune').waitFor({ timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Training Curves' }).first().waitFor({ timeout: 60_000 });
    const frame = await curvesFrame(page);
    await frame.locator('.chip', { hasText: finished.id }).waitFor({ timeout: 60_000 });
    await frame.locator('body[data-rendered]:not([data-rendered="0"])').waitFor({ timeout: 30_000 });
    await screenshot(page, 'training-curves-restored');
    assert.deepEqual(await errorNotifications(page), [], 'no error notifications');
  });
});

/** The visible quick input's text box (the picker opened by the command keeps the focus). */
async function openQuickInputFocused(page: Page) {
  const input = page.locator('.quick-input-widget input.input');
  if (await input.isVisible()) return input;
  return openQuickInput(page);
}
