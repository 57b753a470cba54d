/**
 * A user with only a Fireworks AI account, in the real workbench against the emulator's Fireworks flavor (issue 11):
 * the key typed into "Set API Key", a journal passage added with "Add Selection as Training Example" → "Start
 * Fine-tune…" through the real quick picks with Fireworks' own steps (its bases and what serving each needs, its
 * hyperparameters) and the confirmation that says what goes where → the job succeeds in the Fine-tune Jobs tree →
 * "Deploy Model on Fireworks…" from the Models view (its confirmation states the price unit, per GPU-hour) → chat
 * with the deployed fine-tune in the chat view, which answers from the journal.
 * The test runs its own emulator (`flavor: 'fireworks'`, account ID `emulator`) pointed at through the workspace
 * settings; the shared e2e emulator and settings are restored afterwards.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import type { Locator, Page } from 'playwright-core';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { openFile, selectLines } from './support/editor';
import { e2eEnv } from './support/env';
import { errorToastsSeen, watchErrorToasts } from './support/errorToasts';
import { hostLogErrors, markHostLogs, type LogMark } from './support/hostLog';
import { webviewWith } from './support/webviews';
import {
  Workbench,
  contextMenuItem,
  errorNotifications,
  expandView,
  openSocratune,
  quickPickItems,
  runCommand,
  screenshot,
  openWorkbench,
} from './support/workbench';

const DATASET = 'fireworks-e2e';
const JOURNAL = '2026-journal.md';
const HEADING = '## 2026-03-22 — What makes work meaningful?';
const PROMPT = 'What makes work meaningful?';
const QWEN = 'accounts/fireworks/models/qwen3-8b';
const HYPERPARAMETERS = ['Epochs', 'Learning rate', 'LoRA rank', 'Max context length', 'Batch size'];

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

async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of a journal heading and the number of lines of its entry (heading to last non-blank line). */
function entry(heading: string): { line: number; count: number } {
  const lines = readFileSync(join(e2eEnv.workspace, JOURNAL), 'utf8').split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `the sample journal has “${heading}”`);
  let end = start + 1;
  while (end < lines.length && !lines[end].startsWith('## ')) end++;
  while (!lines[end - 1].trim()) end--;
  return { line: start + 1, count: end - start };
}

describe('Fireworks AI only: Set API Key → Add Selection → Start Fine-tune → job in the tree → Deploy → chat (e2e)', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let page: Page;
  let emu: EmulatorHandle;
  let logMark: LogMark;
  let settingsBefore: string | undefined;
  let jobId = '';
  let model = '';
  const settingsFile = (): string => join(e2eEnv.workspace, '.vscode', 'settings.json');
  const datasetDir = (): string => join(e2eEnv.workspace, '.socratune', 'datasets', DATASET);
  const trainLines = (): string[] =>
    readFileSync(join(datasetDir(), 'train.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim());

  async function checkpoint(name: string): Promise<void> {
    console.log(`      screenshot: ${await screenshot(page, `fireworks-${name}`)}`);
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
    emu = await startEmulator({ flavor: 'fireworks', timeScale: 2_000, tokensPerSecond: 0, seed: 11 });
    settingsBefore = existsSync(settingsFile()) ? readFileSync(settingsFile(), 'utf8') : undefined;
    let text = settingsBefore ?? '{}\n';
    const settings = { 'socratune.provider': 'fireworks', 'socratune.baseUrl': emu.url, 'socratune.fireworks.accountId': 'emulator' };
    for (const [key, value] of Object.entries(settings)) {
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    mkdirSync(join(e2eEnv.workspace, '.vscode'), { recursive: true });
    writeFileSync(settingsFile(), text);
    // Earlier journal passages already in the dataset; this test adds one more from the journal through the UI.
    mkdirSync(datasetDir(), { recursive: true });
    const lines = Array.from({ length: 11 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `What did evening ${i} on the ridge teach?` },
          { role: 'assistant', content: `Evening ${i} on the ridge taught me that the wind carries no grudges (${i}).` },
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

  it('1. stores the Fireworks key typed into "Set API Key"', async () => {
    await runCommand(page, 'Socratune: Set API Key');
    const box = await quickInput(page, /API key for Fireworks AI/);
    await box.fill(emu.key);
    await box.press('Enter');
    await toast(page, 'API key for Fireworks AI saved securely');
    await checkpoint('1-key');
  });

  it('2. adds a journal passage to the dataset with "Add Selection as Training Example"', async () => {
    await runCommand(page, 'Socratune: Select Dataset…');
    let box = await quickInput(page, /active dataset/);
    await box.fill(DATASET);
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: DATASET }).waitFor();
    await box.press('Enter');
    await openFile(page, JOURNAL);
    const { line, count } = entry(HEADING);
    await selectLines(page, line, count);
    await runCommand(page, 'Socratune: Add Selection as Training Example');
    box = await quickInput(page, new RegExp(`→ ${escape(DATASET)}$`));
    const items = await quickPickItems(page);
    assert.ok(items[0].startsWith(PROMPT), `first proposal: ${JSON.stringify(items)}`);
    await screenshot(page, 'fireworks-2-prompt-picker');
    await box.press('Enter');
    await until(`the input box shows “${PROMPT}”`, async () => (await box.inputValue()) === PROMPT);
    await box.press('Enter');
    await toast(page, `added the example to “${DATASET}” (train.jsonl line 12)`);
    const last = JSON.parse(trainLines()[11]) as { messages: { role: string; content: string }[] };
    assert.equal(last.messages.find((m) => m.role === 'user')?.content, PROMPT);
    assert.match(last.messages.find((m) => m.role === 'assistant')?.content ?? '', /name the person it helps/);
    await checkpoint('2-added');
  });

  it('3. starts a Fireworks LoRA fine-tune through the real quick picks; the job succeeds in the Jobs tree', async () => {
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
    // Fireworks' bases, each saying how its LoRA answers: serverless, or only through a deployment billed per GPU-hour.
    const glm = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'glm-5p3-flash' });
    await glm.first().waitFor();
    assert.match(await glm.first().innerText(), /LoRA served serverless/);
    await box.fill(QWEN);
    const qwen = page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: QWEN });
    await qwen.waitFor();
    assert.match(await qwen.innerText(), /needs a deployment \(per GPU-hour\)/);
    await screenshot(page, 'fireworks-3-base-model');
    await box.press('Enter');
    for (const label of HYPERPARAMETERS) {
      box = await quickInput(page, new RegExp(`\\(3/6\\): ${escape(label)}\\b`));
      if (label === 'Epochs') {
        await box.fill('200');
        await box.press('Enter');
        await page.locator('.quick-input-widget .quick-input-message', { hasText: /1 to 100/ }).waitFor();
        await box.fill('2');
      }
      if (label === 'LoRA rank') await box.fill('16');
      await box.press('Enter');
    }
    box = await quickInput(page, /\(4\/6\): model suffix/);
    await box.fill('work');
    await box.press('Enter');
    box = await quickInput(page, /\(5\/6\): seed/);
    await box.press('Enter');
    await page.locator('.monaco-dialog-box', { hasText: '(6/6)' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'fireworks-3-confirm');
    const summary = (await dialogButton(page, 'Upload and Start')).replace(/\s+/g, ' ');
    // What goes where: this dataset, to Fireworks, onto this base; nothing uploaded before this consent; the price units.
    assert.match(summary, /Fireworks AI/);
    assert.match(summary, new RegExp(escape(DATASET)));
    assert.match(summary, new RegExp(escape(QWEN)));
    assert.match(summary, /nothing has been uploaded yet/);
    assert.match(summary, /per training token/);
    assert.match(summary, /per GPU-hour/);
    await openSocratune(page);
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: /sftj-[a-z0-9-]+/ }).first();
    await row.waitFor({ timeout: 30_000 });
    jobId = /sftj-[a-z0-9-]+/.exec(await row.innerText())?.[0] ?? '';
    assert.ok(jobId);
    await row.locator('.codicon-pass-filled').waitFor({ timeout: 120_000 });
    const done = await toast(page, new RegExp(`${escape(jobId)} succeeded: accounts/`), 60_000);
    model = /(accounts\/emulator\/models\/[\w.:-]+?)\.?$/.exec(done)?.[1] ?? '';
    assert.match(model, /^accounts\/emulator\/models\/work-[a-z0-9]{6}$/, done);
    await checkpoint('3-job-succeeded');
  });

  it('4. deploys the fine-tune from the Models view after a confirmation that states the price per GPU-hour', async () => {
    const models = await expandView(page, 'Models');
    const row = models.locator('.monaco-list-row', { hasText: model }).first();
    await row.waitFor({ timeout: 30_000 });
    await contextMenuItem(page, row, 'Deploy Model on Fireworks…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    await screenshot(page, 'fireworks-4-deploy-confirm');
    const question = (await dialogButton(page, 'Create Deployment')).replace(/\s+/g, ' ');
    assert.match(question, new RegExp(`Create a Fireworks deployment for ${escape(model)}\\?`));
    assert.match(question, /bills a deployment per GPU-hour while a replica runs/);
    const created = await toast(page, /^Created accounts\/emulator\/deployments\//);
    assert.match(created, new RegExp(`Chat with ${escape(model)} once it is READY`));
    // The Models view says how the fine-tune answers: once the deployment is READY, through it.
    const served = `via ${model}#accounts/emulator/deployments/`;
    await until(`the Models view shows “${served}…”`, async () => {
      if ((await row.innerText()).includes(served)) return true;
      await runCommand(page, 'Socratune: Refresh Models');
      return (await row.innerText()).includes(served);
    });
    await checkpoint('4-deployed');
  });

  it('5. chats with the deployed fine-tune from the Jobs tree and gets a reply from the journal', async () => {
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: jobId }).first();
    const modelRow = jobs.locator('.monaco-list-row', { hasText: model }).first();
    if (!(await modelRow.isVisible())) await row.click();
    await modelRow.waitFor();
    await modelRow.hover();
    await modelRow.locator('.actions .action-label[aria-label^="Chat with Model"]').click();
    const chat = await webviewWith(page, '#app[data-ready="true"]');
    const picker = chat.locator('select.model-select').first();
    // Served by its deployment: the chat names `<model>#<deployment>`.
    const served = new RegExp(`^${escape(model)}#accounts/emulator/deployments/`);
    await until(`the chat model is ${model} on its deployment`, async () => served.test(await picker.inputValue()), 60_000);
    const turns = chat.locator('.transcript > .turn');
    const n = await turns.count();
    const input = chat.locator('textarea.composer-input');
    await input.fill(PROMPT);
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
      /name the person it helps/,
    );
    await checkpoint('5-chat');
  });
});
