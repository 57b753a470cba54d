import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import type { AssistantTurn } from '../../../src/core/chat/types';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { SocratuneApi } from '../../../src/extension';
import { chatDriver } from '../support/chat';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

const LLAMA = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';
const PROMPT = 'You are the journal: answer as its author would.';

/**
 * Together AI end to end in the real extension host, against an in-process emulator speaking Together's API:
 * the wizard driven by arguments → the job in the Jobs tree → its training curves → chat with the result.
 */
describe('Together AI backend in VS Code (emulator --flavor together)', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let emu: EmulatorHandle;
  let folder: string;
  let jobId = '';
  const config = () => vscode.workspace.getConfiguration('socratune');
  const saved: Record<string, unknown> = {};
  const { sim, idle } = chatDriver(() => api);

  before(async () => {
    api = await activateSocratune();
    emu = await startEmulator({ flavor: 'together', timeScale: 5_000, tokensPerSecond: 0 });
    for (const k of ['provider', 'baseUrl']) saved[k] = config().inspect(k)?.workspaceValue;
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'together', key: emu.key });
    await config().update('provider', 'together', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'together-journal');
    await mkdir(folder, { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: `What did day ${i} at the lake teach?` },
          { role: 'assistant', content: `Day ${i} at the lake taught me that still water shows the sky (${i}).` },
        ],
      }),
    );
    await writeFile(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    await writeFile(path.join(folder, 'dataset.json'), JSON.stringify({ name: 'together-journal', systemPrompt: PROMPT, format: 'markdown', version: 1 }));
    await vscode.commands.executeCommand('socratune.jobs.focus');
    api.jobs.scheduler.setFocused(true);
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    for (const k of ['provider', 'baseUrl']) await config().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'together', silent: true });
    await emu?.close();
  });

  it('starts a LoRA fine-tune from command arguments with Together’s hyperparameters; it succeeds in the Jobs tree', async () => {
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder,
      baseModel: LLAMA,
      hyperparameters: { nEpochs: 2, learningRate: 0.0001, loraRank: 16 },
      suffix: 'lake',
      yes: true,
    });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    jobId = r.job.id;
    assert.match(jobId, /^ft-/);
    assert.equal(r.manifest.backend.kind, 'together');
    const done = await waitFor(
      'the Together job to succeed in the tree',
      async () => {
        const root = await api.jobs.tree.getChildren();
        const el = root.find((e) => e.kind === 'job' && e.jobId === jobId);
        const item = el ? api.jobs.tree.getTreeItem(el) : undefined;
        return item?.contextValue === 'job.succeeded' ? item : undefined;
      },
      60_000,
      200,
    );
    assert.match(String(done.label), /together-journal|lake|ft-/);
    assert.match(api.jobs.store.job(jobId)?.fineTunedModel ?? '', /^emulator\/Meta-Llama-3\.1-8B-Instruct-Reference-lake-/);
  });

  it('draws its training curves from Together’s metrics', async () => {
    const panel = await api.jobs.showTrainingCurves([jobId]);
    try {
      assert.ok(panel);
      const series = await panel.snapshot();
      assert.equal(series.length, 1);
      assert.ok(series[0].points.length >= 2, JSON.stringify(series[0]));
      assert.ok(series[0].points.every((p) => typeof p.trainLoss === 'number'));
    } finally {
      panel?.dispose();
    }
  });

  it('chats with the serverless LoRA result in the chat view', async () => {
    const model = api.jobs.store.job(jobId)?.fineTunedModel ?? '';
    await vscode.commands.executeCommand('socratune.chat.focus');
    await waitFor('the chat webview to resolve', () => api.chat.isResolved);
    assert.equal(await vscode.commands.executeCommand('socratune.jobs.chatWith', { jobId }), true);
    assert.equal(api.chat.session.settings.settings.model, model);
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/send', text: 'What did day 3 at the lake teach?' });
    await idle();
    const turns = api.chat.session.current?.turns ?? [];
    const reply = (turns[turns.length - 1] as AssistantTurn).reply;
    assert.equal(reply.status, 'done', JSON.stringify(reply));
    assert.match(reply.text, /still water shows the sky/);
  });

  it('a wrong Together key gives a clear error node in the Jobs tree, and the emulator key is kept (one key per backend)', async () => {
    const savedEmulatorKey = await api.services.keys.get('emulator');
    const emulatorKey = savedEmulatorKey ?? emu.key;
    await api.services.keys.set('emulator', emulatorKey);
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'together', key: 'wrong-key' });
    try {
      const node = await waitFor('the 401 error node', async () => {
        await api.jobs.store.load();
        const first = (await api.jobs.tree.getChildren())[0];
        return first?.kind === 'error' && first.info.kind === 'auth' ? first : undefined;
      });
      assert.match(node.kind === 'error' ? node.info.message : '', /key|401/i);
      assert.equal(await api.services.keys.get('emulator'), emulatorKey, 'switching keys for Together leaves the emulator key alone');
    } finally {
      await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'together', key: emu.key });
      if (savedEmulatorKey === undefined) await api.services.keys.clear('emulator');
    }
  });
});
