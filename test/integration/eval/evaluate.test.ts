import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { EvaluateOutcome } from '../../../src/eval/run';
import type { ToRatingWebview } from '../../../src/shared/evalProtocol';
import { activateSocratune, nextEvent, useEmulatorBackend, workspaceRoot } from '../support/host';

describe('eval: Evaluate Models, blind rating, export', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const name = 'integration-eval';
  const dir = () => path.join(workspaceRoot().fsPath, '.socratune', 'evals', name);

  before(async () => {
    api = await activateSocratune();
    await useEmulatorBackend(api);
  });
  after(async () => {
    api.eval.panel()?.dispose();
    await fs.rm(dir(), { recursive: true, force: true });
    const config = vscode.workspace.getConfiguration('socratune');
    await config.update('provider', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('runs 2 questions × 2 contestants × 2 samples against the emulator, then resumes without repeating', async () => {
    const args = {
      name,
      questions: [{ text: 'What does the journal say about anger?', reference: 'Anger costs more than its causes.' }, 'How do I start the morning?'],
      contestants: [{ model: 'gpt-4o-mini' }, { model: 'gpt-4.1-nano', system: { preset: 'Socratic', text: 'Answer with a question.' }, temperature: 0.7 }],
      samples: 2,
      concurrency: 2,
    };
    const out = await vscode.commands.executeCommand<EvaluateOutcome>('socratune.evaluateModels', args);
    assert.equal(out.cancelled, false);
    assert.equal(out.progress.done, 8);
    const lines = (await fs.readFile(path.join(dir(), 'results.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 8);
    const again = await vscode.commands.executeCommand<EvaluateOutcome>('socratune.evaluateModels', { name });
    assert.equal(again.progress.doneThisRun, 0, 'resuming a finished evaluation asks nothing again');
    assert.equal(again.progress.done, 8);
  });

  it('rates blind through the webview protocol (1 / 2 / tie / skip / undo), then exports the table and a preference set', async () => {
    await vscode.commands.executeCommand('socratune.rateEvaluation', { name });
    const panel = api.eval.panel();
    assert.ok(panel);
    const sent = () => panel.lastSent as ToRatingWebview;
    const wait = nextEvent('a pair', panel.onDidSend);
    await panel.handle({ type: 'eval/ready' });
    await wait;
    const first = sent();
    assert.equal(first.type, 'eval/pair');
    if (first.type !== 'eval/pair') return;
    assert.equal(first.total, 2 * 2 * 1);
    for (const k of Object.keys(first.pair))
      assert.ok(['id', 'left', 'question', 'reference', 'right'].includes(k), `only texts and an opaque id reach the webview, not ${k}`);
    assert.match(first.pair.id, /^p[0-9a-f]{12}$/);
    for (const verdict of ['1', '2', 'tie'] as const) {
      const m = sent();
      assert.equal(m.type, 'eval/pair');
      if (m.type === 'eval/pair') await panel.handle({ type: 'eval/rate', pair: m.pair.id, verdict });
    }
    await panel.handle({ type: 'eval/undo' });
    assert.equal(sent().rated, 2);
    const last = sent();
    if (last.type === 'eval/pair') await panel.handle({ type: 'eval/rate', pair: last.pair.id, verdict: 'skip' });
    const fourth = sent();
    if (fourth.type === 'eval/pair') await panel.handle({ type: 'eval/rate', pair: fourth.pair.id, verdict: '1' });
    assert.equal(sent().type, 'eval/done');
    await panel.handle({ type: 'eval/rate', pair: 'nope', verdict: '1' });
    const ratings = (await fs.readFile(path.join(dir(), 'ratings.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(ratings.length, 6, 'rate, rate, tie, undo, skip, rate; the unknown pair writes nothing');

    const md = await vscode.commands.executeCommand<vscode.Uri>('socratune.exportEvaluation', { name, open: false });
    const text = await fs.readFile(md.fsPath, 'utf8');
    assert.match(text, /\| Contestant \| Model \|/);
    assert.match(text, /gpt-4o-mini · none prompt · t=1/);
    assert.match(text, /preset “Socratic”/);
    const shown = await vscode.commands.executeCommand<{
      panel: vscode.WebviewPanel;
      sent: { rows: { label: string; comparisons: number; winRate?: number }[] };
    }>('socratune.showEvaluationResults', { name });
    assert.deepEqual(
      shown.sent.rows.map((r) => r.comparisons),
      [3, 3],
      'rated 1, 2, tie and a skip: 3 comparisons each',
    );
    assert.ok(Math.abs((shown.sent.rows[0].winRate ?? 0) + (shown.sent.rows[1].winRate ?? 0) - 1) < 1e-9, 'two contestants: win rates add up to 1');
    shown.panel.dispose();
    const pref = await vscode.commands.executeCommand<{ uri: vscode.Uri; lines: number }>('socratune.buildPreferenceSet', { name });
    assert.ok(pref.lines >= 1 && pref.lines <= 3);
    for (const line of (await fs.readFile(pref.uri.fsPath, 'utf8')).trim().split('\n')) {
      const o = JSON.parse(line);
      assert.equal(o.input.messages[0].role, 'user');
      assert.equal(o.preferred_output[0].role, 'assistant');
      assert.equal(o.non_preferred_output[0].role, 'assistant');
    }

    // A judge model rates every pair in both orders, under its own rater name. The emulator is no judge: its
    // placeholder answers name no verdict, so each pair is a skip, and nothing of the user's ratings changes.
    const judged = await vscode.commands.executeCommand<{ rated: number; total: number }>('socratune.judgeEvaluation', { name, model: 'gpt-4o-mini' });
    assert.deepEqual(judged, { rated: 4, total: 4 });
    const all = (await fs.readFile(path.join(dir(), 'ratings.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      all.slice(6).map((r) => [r.rater, r.verdict]),
      Array.from({ length: 4 }, () => ['judge:gpt-4o-mini', 'skip']),
    );
  });
});
