import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { sdkComplete } from '../../src/core/eval/complete';
import { runEval } from '../../src/core/eval/runner';
import type { EvalPlan } from '../../src/core/eval/schema';
import { evalDir, writePlan } from '../../src/core/eval/store';
import { e2eEnv } from './support/env';
import { webviewWith } from './support/webviews';
import { Workbench, errorNotifications, openWorkbench, runCommand, screenshot } from './support/workbench';

const NAME = 'e2e-eval';
const QUESTIONS = [
  'What does anger cost?',
  'How should I start the morning?',
  'What is worth my attention?',
  'How do I handle criticism?',
  'What do I owe my friends?',
];

function plan(): EvalPlan {
  return {
    version: 1,
    name: NAME,
    createdAt: new Date().toISOString(),
    seed: 5,
    samples: 2,
    questions: QUESTIONS.map((text, i) => ({ id: `q${i + 1}`, text, ...(i === 0 ? { reference: 'More than its causes ever did.' } : {}) })),
    contestants: [
      { id: 'c1', label: 'gpt-4o-mini, no prompt', model: 'gpt-4o-mini', backend: 'emulator', system: { kind: 'none' }, temperature: 1 },
      {
        id: 'c2',
        label: 'gpt-4.1-nano, preset',
        model: 'gpt-4.1-nano',
        backend: 'emulator',
        system: { kind: 'preset', name: 'Socratic', text: 'Ask back.' },
        temperature: 0.8,
      },
      { id: 'c3', label: 'gpt-4.1-mini, no prompt', model: 'gpt-4.1-mini', backend: 'emulator', system: { kind: 'none' }, temperature: 1.2 },
    ],
  };
}

async function pick(wb: Workbench, label: string): Promise<void> {
  const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor();
  await row.click();
}

describe('evaluation: blind rating with the keyboard in the real webview, export (e2e)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  const dir = () => evalDir(e2eEnv.workspace, NAME);

  before(async () => {
    // 3 contestants × 5 questions × 2 samples through the real SDK against the emulator the workbench uses.
    if (!e2eEnv.emulatorUrl) throw new Error('SOCRATUNE_EMULATOR_URL is not set: build the emulator first');
    const client = new OpenAI({ apiKey: e2eEnv.emulatorKey, baseURL: e2eEnv.emulatorUrl, maxRetries: 0 });
    await writePlan(dir(), plan());
    const out = await runEval(dir(), plan(), { complete: sdkComplete(() => client), concurrency: 4 });
    assert.equal(out.progress.done, 30);
    console.log(`    evaluation run: ${out.progress.done} requests, concurrency 4, ${out.progress.elapsedMs} ms`);
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('rates pairs with 1 / 2 / = / s / u, writes ratings.jsonl, exports the table, shows the results chart', async () => {
    const { page } = wb;
    await runCommand(page, 'Socratune: Rate Evaluation Blind…');
    await pick(wb, NAME);
    const frame = await webviewWith(page, '.sides');
    await frame.locator('.status', { hasText: '0 of 30 pairs rated' }).waitFor();
    await screenshot(page, 'evaluation-rating');
    await frame.locator('.question').click();
    for (const [key, after] of [
      ['1', 1],
      ['2', 2],
      ['=', 3],
      ['s', 4],
      ['u', 3],
    ] as const) {
      await page.keyboard.press(key);
      await frame.locator('.status', { hasText: `${after} of 30 pairs rated` }).waitFor();
    }
    const ratings = readFileSync(join(dir(), 'ratings.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      ratings.map((r) => r.verdict ?? r.op),
      ['1', '2', 'tie', 'skip', 'undo'],
    );
    assert.ok(ratings.every((r) => r.rater === 'you'));

    await runCommand(page, 'Socratune: Export Evaluation Results to Markdown…');
    await pick(wb, NAME);
    const md = join(dir(), 'results.md');
    for (let i = 0; i < 100 && !existsSync(md); i++) await new Promise((r) => setTimeout(r, 100));
    const text = readFileSync(md, 'utf8');
    assert.match(text, /\| gpt-4o-mini, no prompt \| gpt-4o-mini \| none \| 1 \|/);
    assert.match(text, /3 contestants × 2 samples/);
    await page.locator('.tab', { hasText: 'results.md' }).first().waitFor();
    await screenshot(page, 'evaluation-export');

    await runCommand(page, 'Socratune: Show Evaluation Results…');
    await pick(wb, NAME);
    const results = await webviewWith(page, 'body[data-chart="drawn"]');
    assert.equal(await results.locator('table tr').count(), 4, 'a header and one row per contestant');
    assert.match(await results.locator('.rater').innerText(), /yours \(blind\)/);
    await screenshot(page, 'evaluation-results');
    assert.deepEqual(await errorNotifications(page), []);
  });
});
