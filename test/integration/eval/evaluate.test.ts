import { strict as assert } from 'node:assert';
import { promises as fs, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { WinnersAdded } from '../../../src/eval/results';
import type { EvaluateOutcome } from '../../../src/eval/run';
import type { ToRatingWebview } from '../../../src/shared/evalProtocol';
import { activateSocratune, nextEvent, useEmulatorBackend, workspaceRoot } from '../support/host';

describe('eval: Evaluate Models, blind rating, export', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const name = 'integration-eval';
  const dir = () => path.join(workspaceRoot().fsPath, '.socratune', 'evals', name);
  let dsUri: vscode.Uri | undefined;
  let previousActive: vscode.Uri | undefined;

  before(async () => {
    api = await activateSocratune();
    await useEmulatorBackend(api);
  });
  after(async () => {
    api.eval.panel()?.dispose();
    if (dsUri) {
      await api.services.activeDataset.set(previousActive);
      rmSync(dsUri.fsPath, { recursive: true, force: true });
    }
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
      assert.ok(['id', 'left', 'nonsense', 'question', 'reference', 'right'].includes(k), `only texts and an opaque id reach the webview, not ${k}`);
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
    const pref = await vscode.commands.executeCommand<{ uri: vscode.Uri; lines: number; fromEvaluation: number }>('socratune.buildPreferenceSet', {
      name,
      chatPicks: false,
    });
    assert.ok(pref.lines >= 1 && pref.lines <= 3);
    assert.equal(pref.fromEvaluation, pref.lines);
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

  it('adds your winning replies to a dataset through services.datasets, with provenance, and refuses them a second time', async () => {
    previousActive = api.services.activeDataset.uri;
    dsUri = await vscode.commands.executeCommand<vscode.Uri>('socratune.createDataset', { name: 'eval-winners' });
    assert.ok(dsUri);
    const first = await vscode.commands.executeCommand<WinnersAdded>('socratune.addEvalWinners', { name, datasetFolder: dsUri.fsPath });
    assert.equal(first.cancelled, false);
    assert.equal(first.datasetName, 'eval-winners');
    assert.ok(first.added.length >= 1 && first.added.length <= 2, `one winner per question at most (${first.added.length})`);
    assert.deepEqual(first.duplicates, []);
    const train = (await fs.readFile(path.join(dsUri.fsPath, 'train.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(train.length, first.added.length);
    const results = (await fs.readFile(path.join(dir(), 'results.jsonl'), 'utf8')).split('\n');
    const prov = (await fs.readFile(path.join(dsUri.fsPath, 'provenance.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(prov.length, first.added.length);
    train.forEach((line, i) => {
      const msgs = (JSON.parse(line) as { messages: { role: string; content: string }[] }).messages;
      const p = prov[i];
      assert.equal(p.origin, 'eval');
      assert.equal(p.id, first.added[i].id);
      assert.equal(p.source.file, `.socratune/evals/${name}/results.jsonl`);
      const reply = JSON.parse(results[p.source.startLine]) as { question: string; text: string };
      assert.equal(reply.question, first.added[i].question, 'the provenance line names the question');
      assert.equal(msgs[msgs.length - 1].content, reply.text, 'the example is that reply');
    });
    const again = await vscode.commands.executeCommand<WinnersAdded>('socratune.addEvalWinners', { name, datasetFolder: dsUri.fsPath });
    assert.deepEqual(again.added, []);
    assert.deepEqual(
      again.duplicates.map((d) => [d.question, d.existing.kind]),
      first.added.map((a) => [a.question, 'exact']),
    );
    assert.equal((await fs.readFile(path.join(dsUri.fsPath, 'train.jsonl'), 'utf8')).trim().split('\n').length, train.length, 'nothing written twice');
  });

  it('builds the preference set from your ratings and from the chat’s saved A/B picks', async () => {
    const store = api.chat.session.store;
    const conv = await store.create({ title: 'eval: chat picks' });
    const setup = { model: 'gpt-4o-mini', systemPrompt: '', promptSource: 'none' as const, params: {} };
    const reply = (text: string) => ({ text, status: 'done' as const, setup, startedAt: Date.now(), endedAt: Date.now() });
    try {
      await store.putTurn(conv.id, { kind: 'user', id: 'u_evalpicks', text: 'Good morning.', at: Date.now() });
      await store.putTurn(conv.id, { kind: 'assistant', id: 'a_evalpicks', reply: reply('Morning.') });
      await store.putTurn(conv.id, {
        kind: 'compare',
        id: 'c_evalpicks',
        prompt: 'What do I owe my friends?',
        at: Date.now(),
        a: reply('Attention, mostly.'),
        b: reply('Money.'),
        pick: 'a',
      });
      const pref = await vscode.commands.executeCommand<{ uri: vscode.Uri; lines: number; fromEvaluation: number; fromChat: number }>(
        'socratune.buildPreferenceSet',
        { name },
      );
      assert.ok(pref.fromEvaluation >= 1);
      assert.ok(pref.fromChat >= 1, 'the chat pick is in');
      assert.equal(pref.lines, pref.fromEvaluation + pref.fromChat);
      const lines = (await fs.readFile(pref.uri.fsPath, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, pref.lines);
      const ours = lines.filter((l) => l.preferred_output[0].content === 'Attention, mostly.');
      assert.deepEqual(ours, [
        {
          input: {
            messages: [
              { role: 'user', content: 'Good morning.' },
              { role: 'assistant', content: 'Morning.' },
              { role: 'user', content: 'What do I owe my friends?' },
            ],
          },
          preferred_output: [{ role: 'assistant', content: 'Attention, mostly.' }],
          non_preferred_output: [{ role: 'assistant', content: 'Money.' }],
        },
      ]);
    } finally {
      await store.delete(conv.id);
    }
  });

  it('Evaluate Models… on a model of the Models tree or the Jobs tree hands that model to the evaluation (services.evalEntry)', async () => {
    const real = api.services.evalEntry.current;
    assert.ok(real, 'the eval capability provides its entry');
    const got: string[] = [];
    const sub = api.services.evalEntry.provide({ evaluateWith: async (model) => void got.push(model) });
    try {
      assert.equal(await vscode.commands.executeCommand('socratune.models.evaluate', { modelId: 'gpt-4o-mini' }), true);
      assert.equal(await vscode.commands.executeCommand('socratune.jobs.evaluate', { modelId: 'ft:gpt-4o-mini-2024-07-18:org::eval1' }), true);
      assert.equal(await vscode.commands.executeCommand('socratune.jobs.evaluate', { jobId: 'ftjob-none' }), false, 'a job with no model: nothing');
      assert.deepEqual(got, ['gpt-4o-mini', 'ft:gpt-4o-mini-2024-07-18:org::eval1']);
    } finally {
      sub.dispose();
      api.services.evalEntry.provide(real);
    }
  });
});
