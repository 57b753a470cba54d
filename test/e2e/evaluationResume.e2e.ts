import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import type { EvalPlan } from '../../src/core/eval/schema';
import { evalDir, writePlan } from '../../src/core/eval/store';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { e2eEnv } from './support/env';
import { Workbench, activityBarItem, errorNotifications, openSocratune, openWorkbench, runCommand, screenshot } from './support/workbench';

const NAME = 'e2e-resume';
const LATENCY_MS = 250;

function plan(): EvalPlan {
  const q = [
    'What does anger cost?',
    'How should I start the morning?',
    'What is worth my attention?',
    'How do I handle criticism?',
    'What do I owe my friends?',
  ];
  return {
    version: 1,
    name: NAME,
    createdAt: '2026-12-02T00:00:00.000Z',
    seed: 11,
    samples: 2,
    questions: q.map((text, i) => ({ id: `q${i + 1}`, text })),
    contestants: ['gpt-4o-mini', 'gpt-4.1-nano', 'gpt-4.1-mini'].map((model, i) => ({
      id: `c${i + 1}`,
      label: model,
      model,
      backend: 'emulator',
      system: { kind: 'none' as const },
      temperature: 1,
    })),
  };
}

describe('evaluation: a window reload mid-run, then resume from the palette (e2e)', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let emu: EmulatorHandle;
  let settingsBefore: string | undefined;
  const settingsFile = () => join(e2eEnv.workspace, '.vscode', 'settings.json');
  const resultsFile = () => join(evalDir(e2eEnv.workspace, NAME), 'results.jsonl');
  const lines = () => (existsSync(resultsFile()) ? readFileSync(resultsFile(), 'utf8').split('\n').filter(Boolean) : []);

  before(async () => {
    // Its own emulator, slowed down so the run lasts long enough to reload in the middle of it.
    emu = await startEmulator({ timeScale: 1000, tokensPerSecond: 0, faults: `latency=${LATENCY_MS};path=/chat` });
    settingsBefore = existsSync(settingsFile()) ? readFileSync(settingsFile(), 'utf8') : undefined;
    let text = settingsBefore ?? '{}\n';
    for (const [key, value] of Object.entries({ 'socratune.provider': 'emulator', 'socratune.baseUrl': emu.url }))
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    writeFileSync(settingsFile(), text);
    await writePlan(evalDir(e2eEnv.workspace, NAME), plan());
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    if (settingsBefore !== undefined) writeFileSync(settingsFile(), settingsBefore);
    await emu?.close();
  });

  async function startRun(): Promise<void> {
    await runCommand(wb.page, 'Socratune: Evaluate Models…');
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(NAME);
    await input.press('Enter');
  }

  async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('keeps what finished before the reload and asks only for the rest', async () => {
    const { page } = wb;
    await startRun();
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

    await startRun();
    await page
      .locator('.notifications-toasts .notification-list-item-message', { hasText: `Evaluation “${NAME}”: 30/30 replies` })
      .waitFor({ timeout: 90_000 });
    const keys = lines().map((l) => {
      const r = JSON.parse(l) as { question: string; contestant: string; sample: number };
      return `${r.question}/${r.contestant}/${r.sample}`;
    });
    assert.equal(new Set(keys).size, 30, 'every sample once');
    assert.equal(keys.length, 30, 'nothing written twice');
    const chat = emu.requests.filter((r) => r.path.includes('/chat/completions')).length;
    assert.ok(chat >= 30 && chat <= 30 + 4, `${chat} chat requests: at most the 4 in flight at the reload are asked again`);
    console.log(`    resume run: ${chat} chat requests for 30 samples (${before} before the reload), concurrency 4, ${LATENCY_MS} ms latency each`);
    await screenshot(page, 'evaluation-resumed');
    assert.deepEqual(await errorNotifications(page), []);
  });
});
