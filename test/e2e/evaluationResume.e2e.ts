import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { evalDir } from '../../src/core/eval/store';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { e2eEnv } from './support/env';
import { webviewWith } from './support/webviews';
import { Workbench, activityBarItem, errorNotifications, openSocratune, openWorkbench, runCommand, screenshot } from './support/workbench';

/**
 * Issue 13's "done when": 3 contestants × 5 questions × 2 samples against the emulator, started from the palette
 * through the real pickers, a window reload in the middle of the run, resumed from the palette, then rated in the
 * real webview with the keyboard, the results table shown and exported. Prints the run's figures.
 */
const NAME = 'e2e-resume';
const LATENCY_MS = 500;
const CONCURRENCY = 4; // the command's default
const MODELS = ['gpt-4o-mini', 'gpt-4.1-nano', 'gpt-4.1-mini'];
const QUESTIONS = [
  'What does anger cost?',
  'How should I start the morning?',
  'What is worth my attention?',
  'How do I handle criticism?',
  'What do I owe my friends?',
];

/** The most requests that were in flight at once, from their arrival times (each lasts at least the latency). */
function maxInFlight(arrivals: readonly number[], lastsMs: number): number {
  const at = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < at.length; i++) max = Math.max(max, at.filter((t) => t <= at[i] && t + lastsMs > at[i]).length);
  return max;
}

describe('evaluation: 3 contestants × 5 questions × 2 samples from the palette, reload mid-run and resume, keyboard rating, results (e2e)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let emu: EmulatorHandle;
  let settingsBefore: string | undefined;
  const settingsFile = () => join(e2eEnv.workspace, '.vscode', 'settings.json');
  const dir = () => evalDir(e2eEnv.workspace, NAME);
  const resultsFile = () => join(dir(), 'results.jsonl');
  const lines = () => (existsSync(resultsFile()) ? readFileSync(resultsFile(), 'utf8').split('\n').filter(Boolean) : []);
  const quick = () => wb.page.locator('.quick-input-widget');
  const input = () => wb.page.locator('.quick-input-widget input.input');

  before(async () => {
    // Its own emulator, slowed down so the run lasts long enough to reload in the middle of it.
    emu = await startEmulator({ timeScale: 1000, tokensPerSecond: 0, faults: `latency=${LATENCY_MS};path=/chat` });
    settingsBefore = existsSync(settingsFile()) ? readFileSync(settingsFile(), 'utf8') : undefined;
    let text = settingsBefore ?? '{}\n';
    for (const [key, value] of Object.entries({ 'socratune.provider': 'emulator', 'socratune.baseUrl': emu.url }))
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    writeFileSync(settingsFile(), text);
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    if (settingsBefore !== undefined) writeFileSync(settingsFile(), settingsBefore);
    await emu?.close();
  });

  async function typeInto(prompt: string, value: string): Promise<void> {
    await quick().locator('.quick-input-message', { hasText: prompt }).waitFor();
    await input().fill(value);
    await input().press('Enter');
  }

  async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ticks one model in the multi-select contestant picker (the row whose label is exactly `model`). */
  async function tick(model: string): Promise<void> {
    await input().fill(model);
    const row = quick()
      .locator('.monaco-list-row')
      .filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${model.replace(/[.]/g, '\\.')}$`) }) })
      .first();
    await row.waitFor();
    await row.click();
    await quick().locator('.monaco-list-row[aria-checked="true"]', { hasText: model }).first().waitFor();
  }

  it('runs from the palette, survives a reload, resumes, and is rated and exported', async () => {
    const { page } = wb;
    const started = Date.now();
    await runCommand(page, 'Socratune: Evaluate Models…');
    await typeInto('Name of the evaluation', NAME);
    await quick().locator('.monaco-list-row', { hasText: 'Type questions' }).click();
    await typeInto('Questions, separated by', QUESTIONS.join(' | '));
    await quick().locator('.monaco-list-row').first().waitFor();
    for (const m of MODELS) await tick(m);
    await input().fill('');
    await screenshot(page, 'evaluation-contestants');
    await input().press('Enter');
    await typeInto('Samples per question', '2');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /30 chat requests to emulator, billed per input and output token/);
    await dialog.locator('.monaco-button', { hasText: 'Run' }).click();

    await until('some replies written', () => lines().length >= 6);
    await screenshot(page, 'evaluation-mid-run');
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await activityBarItem(page, 'Socratune').waitFor({ timeout: 60_000 });
    // Open the Socratune views (activates it, as after any reload), then wait for its dataset status bar item.
    await openSocratune(page);
    await page
      .locator('.part.statusbar .statusbar-item', { hasText: /dataset/i })
      .first()
      .waitFor({ timeout: 60_000 });
    const before = lines().length;
    assert.ok(before < 30, `the reload interrupted the run (${before} of 30 written)`);

    // Resume: the same name finds plan.json and asks only for what results.jsonl lacks.
    await runCommand(page, 'Socratune: Evaluate Models…');
    await typeInto('Name of the evaluation', NAME);
    const done = page.locator('.notifications-toasts .notification-list-item', { hasText: `Evaluation “${NAME}”: 30/30 replies` });
    await done.waitFor({ timeout: 90_000 });
    const wallMs = Date.now() - started;
    const keys = lines().map((l) => {
      const r = JSON.parse(l) as { question: string; contestant: string; sample: number };
      return `${r.question}/${r.contestant}/${r.sample}`;
    });
    assert.equal(new Set(keys).size, 30, 'every sample once');
    assert.equal(keys.length, 30, 'nothing written twice');
    const chat = emu.requests.filter((r) => r.path.includes('/chat/completions'));
    assert.ok(
      chat.length >= 30 && chat.length <= 30 + CONCURRENCY,
      `${chat.length} chat requests: at most the ${CONCURRENCY} in flight at the reload are asked again`,
    );
    const inFlight = maxInFlight(
      chat.map((r) => r.at),
      LATENCY_MS,
    );
    assert.ok(inFlight <= CONCURRENCY, `never more than ${CONCURRENCY} requests at once (saw ${inFlight})`);
    console.log(
      `    evaluation run figures: ${chat.length} chat requests for 30 samples (${before} written before the reload), ` +
        `wall time ${(wallMs / 1000).toFixed(1)} s from "Run" to 30/30 including the reload and the resume, ` +
        `concurrency limit ${CONCURRENCY} (at most ${inFlight} in flight seen), ${LATENCY_MS} ms emulator latency per request`,
    );
    await screenshot(page, 'evaluation-resumed');

    // "Rate Blind…" on the finished toast opens the blind rating.
    await done.locator('.monaco-button', { hasText: 'Rate Blind…' }).click();
    const frame = await webviewWith(page, '.sides');
    await frame.locator('.status', { hasText: '0 of 30 pairs rated' }).waitFor();
    assert.match(await frame.locator('.keys').innerText(), /n then 1 \/ 2\s+flag that reply as nonsense/);
    await frame.locator('.question').click();
    for (const [key, after] of [
      ['1', 1],
      ['2', 2],
      ['=', 3],
      ['s', 4],
      ['u', 3],
      ['1', 4],
    ] as const) {
      await page.keyboard.press(key);
      await frame.locator('.status', { hasText: `${after} of 30 pairs rated` }).waitFor();
    }
    await page.keyboard.press('n');
    await frame.locator('.status', { hasText: 'nonsense: press 1 or 2' }).waitFor();
    await page.keyboard.press('2');
    await frame.locator('.side-2.nonsense').waitFor();
    await screenshot(page, 'evaluation-rating');
    await page.keyboard.press('1');
    await frame.locator('.status', { hasText: '5 of 30 pairs rated' }).waitFor();
    const ratings = readFileSync(join(dir(), 'ratings.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { op: string; verdict?: string; nonsense?: boolean; rater: string });
    assert.deepEqual(
      ratings.map((r) => (r.op === 'rate' ? r.verdict : r.op === 'flag' ? `flag:${r.nonsense}` : r.op)),
      ['1', '2', 'tie', 'skip', 'undo', '1', 'flag:true', '1'],
    );
    assert.ok(ratings.every((r) => r.rater === 'you'));

    await runCommand(page, 'Socratune: Show Evaluation Results…');
    await quick().locator('.monaco-list-row', { hasText: NAME }).click();
    const results = await webviewWith(page, 'body[data-chart="drawn"]');
    assert.equal(await results.locator('table tr').count(), 4, 'a header and one row per contestant');
    assert.match(await results.locator('.rater').innerText(), /yours \(blind\)/);
    await screenshot(page, 'evaluation-results');

    await runCommand(page, 'Socratune: Export Evaluation Results to Markdown…');
    await quick().locator('.monaco-list-row', { hasText: NAME }).click();
    const md = join(dir(), 'results.md');
    await until('results.md written', () => existsSync(md), 10_000);
    const table = readFileSync(md, 'utf8');
    for (const m of MODELS) assert.match(table, new RegExp(`\\| ${m.replace(/[.]/g, '\\.')} · none prompt · t=1 \\| ${m.replace(/[.]/g, '\\.')} \\|`));
    assert.match(table, /3 contestants × 2 samples/);
    await page.locator('.tab', { hasText: 'results.md' }).first().waitFor();
    await screenshot(page, 'evaluation-export');
    assert.deepEqual(await errorNotifications(page), []);
  });
});
