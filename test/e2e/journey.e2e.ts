/**
 * The whole journey of issue 7, as a user does it in the real workbench against the emulator:
 * journal → training examples → validation → fine-tune → chat with the result (and feed it back) → reload.
 * Every step asserts on what the user sees (workbench DOM, webview DOM, files on disk), saves
 * test-results/e2e/journey-*.png, and fails on an error notification or an error in the extension host logs.
 *
 * The journey runs against its own emulator (streaming at 8 tokens/s, so a reply can be stopped mid-stream
 * however loaded the machine is; jobs sped up 40×), pointed at through the workspace settings, as a user
 * with a local server would. The shared e2e emulator and settings are restored afterwards.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { clickNotificationButton, selectLines } from './support/editor';
import { e2eEnv } from './support/env';
import { errorToastsSeen, watchErrorToasts } from './support/errorToasts';
import { hostLogErrors, markHostLogs, type LogMark } from './support/hostLog';
import { settled, webviewWith } from './support/webviews';
import {
  Workbench,
  activityBarItem,
  errorNotifications,
  expandView,
  notifications,
  openChat,
  setSidebarWidth,
  openSocratune,
  openWorkbench,
  quickPickItems,
  runCommand,
  screenshot,
  viewPane,
} from './support/workbench';

const DATASET = 'journey';
const SYSTEM_PROMPT = 'You are my journal. Answer as I would, in my own words.';
const BASE = 'gpt-4.1-mini-2025-04-14';
const JOURNAL = '2026-journal.md';
const STREAM_TPS = 8;

interface Example {
  messages: { role: string; content: string }[];
}

const datasetDir = (): string => join(e2eEnv.workspace, '.socratune', 'datasets', DATASET);
function trainExamples(): Example[] {
  const file = join(datasetDir(), 'train.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Example);
}
const content = (e: Example, role: string): string | undefined => e.messages.find((m) => m.role === role)?.content;

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

/** Polls a condition that has no DOM or file event to wait on (an input's value, a file's content). */
async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The quick input once its title matches (input boxes and pickers reuse one widget), and its text box. */
async function quickInput(page: Page, title: RegExp, timeoutMs = 30_000): Promise<Locator> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: timeoutMs });
  return page.locator('.quick-input-widget input.input');
}

/** A toast whose message matches; returns its text. */
async function toast(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const t = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  await t.waitFor({ timeout: timeoutMs });
  return (await t.innerText()).trim();
}

/** A modal dialog's button (the web workbench draws modals as .monaco-dialog-box). */
async function dialogButton(page: Page, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor();
  const text = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: button }).click();
  await dialog.waitFor({ state: 'hidden' });
  return text;
}

describe('the whole journey: journal → dataset → validation → fine-tune → chat → reload (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let emu: EmulatorHandle;
  let logMark: LogMark;
  let settingsBefore: string | undefined;
  let jobId = '';
  let model = '';
  let chat: FrameLocator;
  const settingsFile = (): string => join(e2eEnv.workspace, '.vscode', 'settings.json');

  /** End of every step: a picture (journey-<name>.png), no error toast, nothing new in the extension host's error log. */
  async function checkpoint(name: string): Promise<void> {
    const file = await screenshot(page, `journey-${name}`);
    console.log(`      screenshot: ${file}`);
    assert.deepEqual(await errorNotifications(page), [], `no error notification (${JSON.stringify(await notifications(page))})`);
    assert.deepEqual(await errorToastsSeen(page), [], 'no error notification was shown at any time');
    assert.deepEqual(await hostLogErrors(logMark), [], 'no error in the extension host logs');
    // Seen and checked: clear the toasts so the next pictures show the next step.
    await runCommand(page, 'Notifications: Clear All Notifications');
  }

  // Each step builds on the previous one: after a failure the later steps fail at once, naming it. (Not mocha's
  // bail(): a suite with bail is skipped silently when any earlier spec of the run has failed.)
  let broken: string | undefined;
  beforeEach(function () {
    if (broken) throw new Error(`not run: step “${broken}” failed`);
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') broken ??= this.currentTest.title;
  });

  before(async () => {
    emu = await startEmulator({ timeScale: 40, tokensPerSecond: STREAM_TPS, seed: 7 });
    settingsBefore = existsSync(settingsFile()) ? readFileSync(settingsFile(), 'utf8') : undefined;
    let text = settingsBefore ?? '{}\n';
    for (const [key, value] of Object.entries({ 'socratune.provider': 'emulator', 'socratune.baseUrl': emu.url })) {
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    writeFileSync(settingsFile(), text);
    logMark = await markHostLogs();
    wb = await openWorkbench();
    page = wb.page;
    await watchErrorToasts(page);
  });

  after(async () => {
    await wb?.close();
    if (settingsBefore !== undefined) writeFileSync(settingsFile(), settingsBefore);
    await emu?.close();
  });

  /** Select a journal entry, run the command from the palette, accept the proposal (or type a prompt). */
  async function addSelection(heading: string, expectedPrompt: string, opts: { type?: boolean; shot?: string } = {}): Promise<void> {
    const before = trainExamples().length;
    const { line, count } = entry(heading);
    await selectLines(page, line, count);
    await runCommand(page, 'Socratune: Add Selection as Training Example');
    const box = await quickInput(page, new RegExp(`→ ${DATASET}$`));
    const items = await quickPickItems(page);
    if (opts.type) {
      // No rule-based proposal for this entry: the user types the question into the picker.
      await box.fill(expectedPrompt);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'use what you typed' }).first().waitFor();
      await box.press('Enter');
    } else {
      assert.ok(items[0].startsWith(expectedPrompt), `first proposal of ${heading}: ${JSON.stringify(items)}`);
      if (opts.shot) await screenshot(page, `journey-${opts.shot}`);
      await box.press('Enter');
      // The proposal opens for editing (the user always sees what is written): accept it as proposed.
      await until(`the input box shows “${expectedPrompt}”`, async () => (await box.inputValue()) === expectedPrompt);
      await box.press('Enter');
    }
    await toast(page, `added the example to “${DATASET}” (train.jsonl line ${before + 1})`);
    const added = trainExamples();
    assert.equal(added.length, before + 1);
    const last = added[added.length - 1];
    assert.equal(content(last, 'system'), SYSTEM_PROMPT, 'the dataset’s training system prompt is written with the example');
    assert.equal(content(last, 'user'), expectedPrompt);
  }

  it('1. turns journal passages into ≥ 10 training examples (command palette, prompt picker, journal import)', async () => {
    // A dataset with a training system prompt, created through its three questions.
    await runCommand(page, 'Socratune: Create Dataset…');
    let box = await quickInput(page, /new dataset \(1\/3\)/);
    await box.fill(DATASET);
    await box.press('Enter');
    await quickInput(page, /new dataset \(2\/3\)/);
    assert.match((await quickPickItems(page))[0], /^Markdown/);
    await box.press('Enter');
    box = await quickInput(page, /new dataset \(3\/3\)/);
    await box.fill(SYSTEM_PROMPT);
    await box.press('Enter');
    await toast(page, `created “${DATASET}” — it is now the active dataset`);
    assert.equal(JSON.parse(readFileSync(join(datasetDir(), 'dataset.json'), 'utf8')).systemPrompt, SYSTEM_PROMPT);

    // The sample journal, opened with the walkthrough's command.
    await runCommand(page, 'Socratune: Open or Create Journal…');
    box = await quickInput(page, /open your journal/);
    await box.fill(JOURNAL);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: JOURNAL }).first().waitFor();
    await box.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: JOURNAL }).waitFor();
    await page.locator('.editor-group-container.active .monaco-editor').first().waitFor();

    // Passages one by one: the proposed prompt comes from the heading, a Q/A pair, or the user.
    await addSelection('## 2026-02-02 — Why do I procrastinate on the things I care about most?', 'Why do I procrastinate on the things I care about most?', {
      shot: '1-prompt-picker',
    });
    await addSelection('## 2026-03-22 — What makes work meaningful?', 'What makes work meaningful?');
    await addSelection('## 2026-01-11 — On criticism', 'How should I take criticism I think is unfair?');
    await addSelection('## 2026-03-01 — On money', 'What are your thoughts on money?');
    await addSelection('## 2026-05-03', 'How do I make a hard decision?', { type: true });
    assert.equal(trainExamples().length, 5);
    // The journal shows which passages are in the dataset.
    await page
      .locator('.monaco-editor .codelens-decoration', { hasText: `In “${DATASET}”` })
      .filter({ visible: true })
      .first()
      .waitFor();

    // The rest through "Create Examples from Journal…": review, check two passages without a prompt, type theirs.
    await runCommand(page, 'Socratune: Create Examples from Journal…');
    box = await quickInput(page, /create examples from journal/);
    assert.match((await quickPickItems(page))[0], new RegExp(`${JOURNAL.replace('.', '\\.')}.*the current file`));
    await box.press('Enter');
    await clickNotificationButton(page, /passages have no question from their headings/, 'I Will Type Them');
    box = await quickInput(page, new RegExp(`review \\d+ candidate examples for “${DATASET}”`));
    const review = page.locator('.quick-input-widget .monaco-list-row');
    await review.first().waitFor();
    await screenshot(page, 'journey-1-import-review');
    for (const passage of ['Friendship is mostly attention', 'Rest is not a reward for finishing']) {
      await box.fill(passage);
      const row = review.filter({ hasText: passage });
      await until(`the filter shows only “${passage}”`, async () => (await review.count()) === 1);
      await row.locator('label.quick-input-list-label').click(); // a click on the label toggles its checkbox
      await until(`“${passage}” is checked`, async () => (await row.getAttribute('aria-checked')) === 'true');
    }
    await box.fill('');
    await box.press('Enter');
    for (const [passage, prompt] of [
      ['Friendship is mostly attention', 'What is friendship, really?'],
      ['Rest is not a reward for finishing', 'Is rest a reward for finishing the work?'],
    ]) {
      box = await quickInput(page, /^Prompt for 2026-journal\.md:\d+ \(Escape leaves this passage out\)/);
      await page.locator('.quick-input-widget', { hasText: passage }).waitFor();
      await box.fill(prompt);
      await box.press('Enter');
    }
    const imported = await toast(page, new RegExp(`added \\d+ example\\(s\\) from 1 file\\(s\\) to “${DATASET}”`));
    const examples = trainExamples();
    assert.ok(examples.length >= 10, `${examples.length} examples after the import (${imported})`);
    const assistants = examples.map((e) => content(e, 'assistant') ?? '');
    assert.equal(new Set(assistants).size, assistants.length, 'no passage was added twice (duplicates start unchecked)');
    const users = examples.map((e) => content(e, 'user'));
    for (const p of ['What is friendship, really?', 'Is rest a reward for finishing the work?', 'What is worth doing with an ordinary Sunday?'])
      assert.ok(users.includes(p), `“${p}” in ${JSON.stringify(users)}`);
    assert.ok(examples.every((e) => content(e, 'system') === SYSTEM_PROMPT && e.messages.length === 3));
    await checkpoint('1-dataset');
  });

  it('2. validates the dataset: report, file diagnostics and the status bar figures', async () => {
    const n = trainExamples().length;
    await runCommand(page, 'Socratune: Validate Dataset');
    const report = await webviewWith(page, `h1:has-text("Dataset Validation — ${DATASET}")`, 60_000);
    await report.locator('body[data-rendered]').waitFor({ timeout: 60_000 });
    assert.match(await report.locator('.file.train .verdict.ok').innerText(), /would be accepted by OpenAI/);
    assert.match(await report.locator('.file.train h2').innerText(), new RegExp(`— ${n} examples`));
    assert.match(await report.locator('.cost .big').innerText(), /≈ \$\d+\.\d\d/);
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: new RegExp(`${DATASET} · ${n} examples · [\\d.,]+k? tokens · ≈\\$\\d`) });
    await status.waitFor({ timeout: 30_000 });
    console.log(`      status bar: ${(await status.innerText()).trim()}`);
    await settled(report);
    await screenshot(page, 'journey-2-validation-report');

    // The training file in an editor: every line links back to its journal passage, nothing is squiggled.
    await runCommand(page, 'Socratune: Open Training File (train.jsonl)');
    await page.locator('.tabs-container .tab.active', { hasText: 'train.jsonl' }).waitFor();
    await page
      .locator('.monaco-editor .codelens-decoration', { hasText: `${JOURNAL}:` })
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').count(), 0, 'no validation error in train.jsonl');
    // Its diagnostics: the one warning (fewer than 50 examples), in the Problems panel.
    await runCommand(page, 'Problems: Focus on Problems View');
    await page.locator('.part.panel .markers-panel .monaco-list-row', { hasText: 'train.jsonl' }).first().waitFor();
    const warning = page.locator('.part.panel .markers-panel .monaco-list-row', { hasText: /50.100/ }).first();
    await warning.waitFor();
    assert.equal(await page.locator('.part.panel .markers-panel .monaco-list-row .codicon-error').count(), 0, 'no error in the Problems panel');
    console.log(`      problems: ${(await warning.innerText()).replace(/\s+/g, ' ')}`);
    await screenshot(page, 'journey-2-diagnostics');
    await runCommand(page, 'View: Hide Panel');
    await checkpoint('2-train-jsonl');
  });

  it('3. starts a fine-tune through the wizard with 2 epochs, watches it succeed in the tree, opens its training curves', async () => {
    await runCommand(page, 'Socratune: Start Fine-tune…');
    let box = await quickInput(page, /Start Fine-tune \(1\/6\): dataset/);
    await box.fill(DATASET);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: DATASET }).first().waitFor();
    await box.press('Enter');
    // Validation warnings and privacy findings are asked in modals (a clean scan is a toast); nothing is uploaded yet.
    const modelStep = page.locator('.quick-input-widget .quick-input-title', { hasText: /Start Fine-tune \(2\/6\): base model/ });
    for (;;) {
      await page.locator('.monaco-dialog-box').or(modelStep).first().waitFor({ timeout: 60_000 });
      if (await modelStep.isVisible()) break;
      const asked = (await page.locator('.monaco-dialog-box').innerText()).replace(/\s+/g, ' ');
      console.log(`      wizard asked: ${asked}`);
      await dialogButton(page, /warning\(s\)\. Continue anyway/.test(asked) ? 'Continue' : 'Continue Anyway');
    }
    box = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: BASE }).waitFor();
    await box.press('Enter');
    box = await quickInput(page, /\(3\/6\): Epochs/);
    await until('the epochs box shows auto', async () => (await box.inputValue()) === 'auto');
    await box.fill('2');
    await box.press('Enter');
    await quickInput(page, /\(3\/6\): Batch size/);
    await box.press('Enter');
    await quickInput(page, /\(3\/6\): Learning-rate multiplier/);
    await box.press('Enter');
    await quickInput(page, /\(4\/6\): model suffix/);
    await until('the suffix box proposes the dataset name', async () => (await box.inputValue()) === DATASET);
    await box.press('Enter');
    await quickInput(page, /\(5\/6\): seed/);
    await box.fill('7');
    await box.press('Enter');
    await page.locator('.monaco-dialog-box', { hasText: '(6/6)' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'journey-3-wizard-confirm');
    const summary = await dialogButton(page, 'Upload and Start');
    assert.match(summary, /Sends: .*train\.jsonl \(.*, \d+ example\(s\)\)/);
    assert.match(summary, /nothing has been uploaded yet/);
    assert.match(summary, /Hyperparameters: epochs 2, batch size auto, learning-rate multiplier auto/);
    assert.match(summary, /Seed: 7/);
    assert.match(summary, /System prompt: bound to the model for chat/);
    assert.match(summary, /Estimated cost: ≈ \$/);
    // The job in the Fine-tune Jobs tree, until it succeeds (the tree polls; nothing is clicked).
    await openSocratune(page);
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: /^journey.*ftjob-/s }).first();
    await row.waitFor({ timeout: 30_000 });
    const label = await row.innerText(); // "journey" then "status · base · ftjob-…" (the job ID closes the description)
    jobId = /ftjob-\w+/.exec(label)?.[0] ?? '';
    assert.ok(jobId, label);
    assert.equal(await jobs.locator('.monaco-list-row', { hasText: /^journey.*ftjob-/s }).count(), 1, 'one job for the journey dataset');
    await screenshot(page, 'journey-3-job-started');
    await row.locator('.codicon-pass-filled').waitFor({ timeout: 120_000 });
    const done = await toast(page, new RegExp(`Fine-tune journey — ${jobId} succeeded: ft:`), 60_000);
    model = /(ft:[\w.:-]+?)\.?$/.exec(done)?.[1] ?? '';
    assert.match(model, new RegExp(`^ft:${BASE}:emulator:${DATASET}:\\w+$`), done);
    // Its details say what was asked for.
    await row.click();
    const details = jobs.locator('.monaco-list-row', { hasText: /^\s*Details\s*$/ }).first();
    await details.waitFor();
    await details.click();
    await jobs.locator('.monaco-list-row', { hasText: 'Hyperparameters' }).filter({ hasText: 'epochs 2' }).waitFor();
    await jobs.locator('.monaco-list-row', { hasText: 'Seed' }).filter({ hasText: '7' }).first().waitFor();
    await checkpoint('3-job-succeeded');
    await details.click(); // fold the details: the resulting model is the job's last child
    await jobs.locator('.monaco-list-row', { hasText: model }).first().waitFor();

    // Training curves from the row's inline action.
    await row.hover();
    await row.locator('.actions .action-label[aria-label^="Show Training Curves"]').click();
    const curves = await webviewWith(page, '#loss-chart', 60_000);
    await curves.locator('body[data-rendered]:not([data-rendered="0"])').waitFor({ timeout: 60_000 });
    assert.match(await curves.locator('.chip', { hasText: jobId }).innerText(), /succeeded/);
    assert.ok(Number(await curves.locator('body').getAttribute('data-rendered')) > 5, 'loss points drawn');
    const box2 = await curves.locator('#loss-chart').boundingBox();
    assert.ok(box2 && box2.width > 200 && box2.height > 150, `the loss chart has a size (${JSON.stringify(box2)})`);
    await settled(curves);
    await checkpoint('3-training-curves');
  });

  it('4. chats with the fine-tuned model (bound prompt active), stops a reply, compares with the base model, adds a reply to the dataset', async () => {
    const jobs = viewPane(page, 'Fine-tune Jobs');
    const modelRow = jobs.locator('.monaco-list-row', { hasText: model }).first();
    await modelRow.hover();
    await modelRow.locator('.actions .action-label[aria-label^="Chat with Model"]').click();
    // "Chat with Model" shows the chat's own container: the conversation has the whole side bar.
    chat = await webviewWith(page, '#app[data-ready="true"]');
    const picker = chat.locator('select.model-select').first();
    await until(`the chat model is ${model}`, async () => (await picker.inputValue()) === model);
    const chip = chat.locator('.prompt-bar .prompt-chip.prompt-bound');
    await chip.waitFor();
    assert.match(await chip.innerText(), new RegExp(`Trained prompt · ${DATASET}`));
    assert.match((await chip.getAttribute('title')) ?? '', new RegExp(SYSTEM_PROMPT.replace('.', '\\.')));

    const turns = chat.locator('.transcript > .turn');
    const input = chat.locator('textarea.composer-input');
    /** Sends with Enter; returns the index of the new turn (the reply is the next turn, or the same one in compare mode). */
    const send = async (text: string): Promise<number> => {
      const n = await turns.count();
      await input.fill(text);
      await input.press('Enter');
      await turns.nth(n).waitFor();
      assert.equal(await input.inputValue(), '', 'the composer was cleared: the prompt was sent');
      return n;
    };
    const passages = trainExamples().map((e) => content(e, 'assistant') ?? '');

    // A question the journal answers: the reply is the author's own passage, sent with the bound prompt.
    const question = 'How do I get started on something that matters to me?';
    const q = await send(question);
    const first = turns.nth(q + 1).locator('.reply');
    await first.locator('.md[aria-busy="true"]').waitFor(); // streaming, slowly
    await turns
      .nth(q + 1)
      .locator('.reply[data-status="done"]')
      .waitFor({ timeout: 60_000 });
    const answer = (await first.locator('.md').innerText()).trim();
    assert.ok(
      passages.some((p) => p.replace(/\s+/g, ' ').startsWith(answer.replace(/\s+/g, ' ').slice(0, 60))),
      `the fine-tuned model answers from the journal: “${answer}”`,
    );
    await first.locator('.prompt-badge.prompt-bound').waitFor();
    await screenshot(page, 'journey-4-chat');

    // Stop mid-stream (the emulator streams at 8 tokens/s): the partial reply is kept and marked.
    const w = await send('What makes work meaningful?');
    const stopped = turns.nth(w + 1).locator('.reply');
    await until('the reply has started streaming', async () => (await stopped.locator('.md').innerText()).trim().split(/\s+/).length >= 3);
    await chat.locator('.stop-button').click();
    await turns
      .nth(w + 1)
      .locator('.reply[data-status="stopped"]')
      .waitFor({ timeout: 15_000 });
    await chat.locator('.send-button').waitFor();
    const partial = (await stopped.locator('.md').innerText()).trim();
    const full = passages.find((p) => p.startsWith('Work becomes meaningful')) ?? '';
    assert.ok(partial.length > 0 && partial.length < full.length - 20, `stopped mid-stream: “${partial}”`);
    assert.ok(full.replace(/\s+/g, ' ').startsWith(partial.replace(/\s+/g, ' ')), `the partial reply is the start of the passage: “${partial}”`);
    await screenshot(page, 'journey-4-stopped');

    // Compare with the base model, side by side (a wide side bar), and pick the better reply. Column B starts at
    // the fine-tune's base model.
    await setSidebarWidth(page, 620);
    await chat.locator('button[data-action="toggle-compare"]').click();
    const pickerB = chat.locator('.compare-row select.model-select');
    await pickerB.locator(`option[value="${BASE}"]`).waitFor({ state: 'attached', timeout: 30_000 });
    await until(`column B starts at ${BASE}`, async () => (await pickerB.inputValue()) === BASE);
    const cmp = turns.nth(await send('How should I take criticism I think is unfair?'));
    assert.equal(await cmp.getAttribute('class'), 'turn compare');
    await cmp.locator('.compare-col .reply[data-status="done"]').nth(1).waitFor({ timeout: 60_000 });
    assert.match(await cmp.locator('.compare-col').nth(0).locator('.md').innerText(), /take that part as a gift/);
    assert.match(await cmp.locator('.compare-col').nth(1).locator('.md').innerText(), new RegExp(`\\(${BASE}, emulated\\)`));
    await cmp.locator('button[data-pick="a"]').click();
    await cmp.locator('button[data-pick="a"][aria-pressed="true"]').waitFor();
    await screenshot(page, 'journey-4-compare');
    // The README's picture of the chat (docs/images/chat-compare-curves.png) is this screenshot, retaken on every run.
    writeFileSync(join(__dirname, '..', '..', 'docs', 'images', 'chat-compare-curves.png'), await page.screenshot());
    await chat.locator('button[data-action="toggle-compare"]').click();
    await chat.locator('.compare-row').waitFor({ state: 'hidden' });

    // Feed a good reply back: the dataset grows on disk with the new prompt → passage pair.
    const before = trainExamples().length;
    await first.locator('button[data-action="add-to-dataset"]').click();
    // The tuned model answers with a passage it was trained on, under a new prompt: a near duplicate, so Socratune asks.
    const nearDuplicate = page.locator('.notifications-toasts .notification-list-item', { hasText: 'closely matches the example' }).first();
    await nearDuplicate.waitFor({ timeout: 20_000 });
    await nearDuplicate.locator('.monaco-button', { hasText: 'Add Anyway' }).click();
    await first.locator('.added-badge').waitFor({ timeout: 20_000 });
    await until('train.jsonl has one more line', () => trainExamples().length === before + 1);
    const added = trainExamples()[before];
    assert.equal(content(added, 'user'), question);
    assert.equal(content(added, 'system'), SYSTEM_PROMPT);
    assert.equal(content(added, 'assistant')?.replace(/\s+/g, ' '), answer.replace(/\s+/g, ' '));
    await checkpoint('4-added-to-dataset');
  });

  it('5. reloads the window: the conversation and the job are still there', async () => {
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await activityBarItem(page, 'Socratune').waitFor({ timeout: 60_000 });
    // The open editors come back too (a sign the window has restored its layout).
    await page.locator('.tabs-container .tab', { hasText: 'train.jsonl' }).waitFor({ timeout: 60_000 });
    await openChat(page);
    chat = await webviewWith(page, '#app[data-ready="true"]', 60_000);
    const transcript = chat.locator('.transcript');
    await transcript.locator('.turn.user .user-text', { hasText: 'How do I get started on something that matters to me?' }).waitFor({ timeout: 30_000 });
    await transcript.locator('.turn.compare').waitFor();
    await transcript.locator('.reply[data-status="stopped"]').waitFor();
    await transcript.locator('.added-badge').first().waitFor();
    const picker = chat.locator('select.model-select').first();
    await until(`the chat model is still ${model}`, async () => (await picker.inputValue()) === model);
    await openSocratune(page);
    const jobs = await expandView(page, 'Fine-tune Jobs');
    const row = jobs.locator('.monaco-list-row', { hasText: jobId }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.locator('.codicon-pass-filled').waitFor();
    await checkpoint('5-after-reload');
  });
});
