/**
 * A user with only a Together AI key, in the real workbench against the emulator's Together flavor: the key typed
 * into "Set API Key", a dataset on disk → "Start Fine-tune…" through the real quick picks with Together's own steps
 * (its base models with their per-model limits, absolute learning rate, LoRA settings, training type) → the job
 * succeeds in the Fine-tune Jobs tree → chat with the result (a serverless LoRA) answers from the dataset.
 * The test runs its own emulator (`flavor: 'together'`) pointed at through the workspace settings; the shared e2e
 * emulator and settings are restored afterwards.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import type { Locator, Page } from 'playwright-core';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { e2eEnv } from './support/env';
import { errorToastsSeen, watchErrorToasts } from './support/errorToasts';
import { hostLogErrors, markHostLogs, type LogMark } from './support/hostLog';
import { webviewWith } from './support/webviews';
import { Workbench, errorNotifications, expandView, openSocratune, openWorkbench, runCommand, screenshot } from './support/workbench';

const DATASET = 'together-e2e';
const LLAMA = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';
const HYPERPARAMETERS = ['Epochs', 'Batch size', 'Learning rate (absolute)', 'LoRA rank', 'LoRA alpha', 'LoRA dropout', 'Warm-up ratio', 'Checkpoints'];

async function quickInput(page: Page, title: RegExp, timeoutMs = 30_000): Promise<Locator> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: timeoutMs });
  return page.locator('.quick-input-widget input.input');
}

async function toast(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const t = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  await t.waitFor({ timeout: timeoutMs });
  return (await t.innerText()).trim();
}

async function dialogButton(page: Page, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  const text = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: button }).click();
  await dialog.waitFor({ state: 'hidden' });
  return text;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('Together AI only: Set API Key → Start Fine-tune through the quick picks → job in the tree → chat (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let emu: EmulatorHandle;
  let logMark: LogMark;
  let settingsBefore: string | undefined;
  let jobId = '';
  let model = '';
  const settingsFile = (): string => join(e2eEnv.workspace, '.vscode', 'settings.json');
  const datasetDir = (): string => join(e2eEnv.workspace, '.socratune', 'datasets', DATASET);

  async function checkpoint(name: string): Promise<void> {
    console.log(`      screenshot: ${await screenshot(page, `together-${name}`)}`);
    assert.deepEqual(await errorNotifications(page), [], 'no error notification');
    assert.deepEqual(await errorToastsSeen(page), [], 'no error notification was shown at any time');
    assert.deepEqual(await hostLogErrors(logMark), [], 'no error in the extension host logs');
    await runCommand(page, 'Notifications: Clear All Notifications');
  }

  let broken: string | undefined;
  beforeEach(function () {
    if (broken) throw new Error(`not run: step “${broken}” failed`);
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') broken ??= this.currentTest.title;
  });

  before(async () => {
    emu = await startEmulator({ flavor: 'together', timeScale: 2_000, tokensPerSecond: 0, seed: 11 });
    settingsBefore = existsSync(settingsFile()) ? readFileSync(settingsFile(), 'utf8') : undefined;
    let text = settingsBefore ?? '{}\n';
    for (const [key, value] of Object.entries({ 'socratune.provider': 'together', 'socratune.baseUrl': emu.url })) {
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    mkdirSync(join(e2eEnv.workspace, '.vscode'), { recursive: true });
    writeFileSync(settingsFile(), text);
    mkdirSync(datasetDir(), { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What did day ${i} at the lake teach?` },
          { role: 'assistant', content: `Day ${i} at the lake taught me that still water shows the sky (${i}).` },
        ],
      }),
    );
    writeFileSync(join(datasetDir(), 'train.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(datasetDir(), 'dataset.json'), JSON.stringify({ name: DATASET, format: 'markdown', version: 1 }));
    logMark = await markHostLogs();
    wb = await openWorkbench();
    page = wb.page;
    await watchErrorToasts(page);
  });

  after(async () => {
    await wb?.close();
    if (settingsBefore !== undefined) writeFileSync(settingsFile(), settingsBefore);
    rmSync(datasetDir(), { recursive: true, force: true });
    await emu?.close();
  });

  it('1. stores the Together key typed into "Set API Key"', async () => {
    await runCommand(page, 'Socratune: Set API Key');
    const box = await quickInput(page, /API key for Together AI/);
    await box.fill(emu.key);
    await box.press('Enter');
    await toast(page, 'API key for Together AI saved securely');
    await checkpoint('1-key');
  });

  it('2. starts a Together LoRA fine-tune through the real quick picks, with Together’s steps and per-model limits', async () => {
    await runCommand(page, 'Socratune: Start Fine-tune…');
    let box = await quickInput(page, /Start Fine-tune \(1\/6\): dataset/);
    await box.fill(DATASET);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: DATASET }).first().waitFor();
    await box.press('Enter');
    const modelStep = page.locator('.quick-input-widget .quick-input-title', { hasText: /Start Fine-tune \(2\/6\): base model/ });
    for (;;) {
      await page.locator('.monaco-dialog-box').or(modelStep).first().waitFor({ timeout: 60_000 });
      if (await modelStep.isVisible()) break;
      const asked = (await page.locator('.monaco-dialog-box').innerText()).replace(/\s+/g, ' ');
      console.log(`      wizard asked: ${asked}`);
      await dialogButton(page, /warning\(s\)\. Continue anyway/.test(asked) ? 'Continue' : 'Continue Anyway');
    }
    box = page.locator('.quick-input-widget input.input');
    // Together's supported models, each with its own limits from /fine-tunes/models/limits.
    const big = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Llama-3.3-70B-Instruct-Reference' });
    await big.first().waitFor();
    assert.match(await big.first().innerText(), /LoRA r ≤ 64 · ≤ 20 epochs · batch 8–16 · SFT only/);
    await box.fill(LLAMA);
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: LLAMA }).waitFor();
    await screenshot(page, 'together-2-base-model');
    await box.press('Enter');
    for (const label of HYPERPARAMETERS) {
      box = await quickInput(page, new RegExp(`\\(3/6\\): ${escape(label)}$`));
      if (label === 'Epochs') {
        await box.fill('30');
        await box.press('Enter');
        // Over the model's max_num_epochs: the box says so and keeps the step open.
        await page.locator('.quick-input-widget .quick-input-message', { hasText: /1 to 20/ }).waitFor();
        await box.fill('2');
      }
      if (label === 'LoRA rank') await box.fill('16');
      await box.press('Enter');
    }
    await quickInput(page, /\(3\/6\): Training type/);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Full' }).first().waitFor();
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Lora' }).waitFor();
    await box.press('Enter');
    await quickInput(page, /\(4\/6\): model suffix/);
    await box.fill('lake');
    await box.press('Enter');
    await quickInput(page, /\(5\/6\): seed/);
    await box.press('Enter');
    await page.locator('.monaco-dialog-box', { hasText: '(6/6)' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'together-2-confirm');
    const summary = (await dialogButton(page, 'Upload and Start')).replace(/\s+/g, ' ');
    assert.match(summary, /Together AI/);
    assert.match(summary, /nothing has been uploaded yet/);
    assert.match(summary, /cannot estimate it before you consent/);
    await openSocratune(page);
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: /ft-[0-9a-f-]{36}/ }).first();
    await row.waitFor({ timeout: 30_000 });
    jobId = /ft-[0-9a-f-]{36}/.exec(await row.innerText())?.[0] ?? '';
    assert.ok(jobId);
    await row.locator('.codicon-pass-filled').waitFor({ timeout: 120_000 });
    const done = await toast(page, new RegExp(`${escape(jobId)} succeeded: emulator/`), 60_000);
    model = /(emulator\/[\w.:-]+?)\.?$/.exec(done)?.[1] ?? '';
    assert.match(model, /^emulator\/Meta-Llama-3\.1-8B-Instruct-Reference-lake-/, done);
    await checkpoint('2-job-succeeded');
  });

  it('3. chats with the result from the Jobs tree: Together serves the LoRA serverless and it answers from the dataset', async () => {
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: jobId }).first();
    const modelRow = jobs.locator('.monaco-list-row', { hasText: model }).first();
    if (!(await modelRow.isVisible())) await row.click();
    await modelRow.waitFor();
    await modelRow.hover();
    await modelRow.locator('.actions .action-label[aria-label^="Chat with Model"]').click();
    const chat = await webviewWith(page, '#app[data-ready="true"]');
    const picker = chat.locator('select.model-select').first();
    const deadline = Date.now() + 30_000;
    while ((await picker.inputValue()) !== model) {
      if (Date.now() > deadline) throw new Error(`the chat model is not ${model}: ${await picker.inputValue()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const turns = chat.locator('.transcript > .turn');
    const n = await turns.count();
    const input = chat.locator('textarea.composer-input');
    await input.fill('What did day 3 at the lake teach?');
    await input.press('Enter');
    await turns
      .nth(n + 1)
      .locator('.reply[data-status="done"]')
      .waitFor({ timeout: 60_000 });
    assert.match(
      await turns
        .nth(n + 1)
        .locator('.md')
        .innerText(),
      /still water shows the sky/,
    );
    await checkpoint('3-chat');
  });
});
