import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeployOutcome } from '../../../src/core/backends/types';
import type { AssistantTurn } from '../../../src/core/chat/types';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { SocratuneApi } from '../../../src/extension';
import { chatDriver } from '../support/chat';
import { activateSocratune, waitFor, workspaceRoot } from '../support/host';

const QWEN = 'accounts/fireworks/models/qwen3-8b';
const PROMPT = 'You are the journal: answer as its author would.';

/**
 * Fireworks AI end to end in the real extension host, against an in-process emulator speaking Fireworks' API (account
 * ID `emulator`): the wizard driven by arguments → the job in the Jobs tree → the deploy step → chat with the result.
 */
describe('Fireworks AI backend in VS Code (emulator --flavor fireworks)', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let emu: EmulatorHandle;
  let folder: string;
  let jobId = '';
  const config = () => vscode.workspace.getConfiguration('socratune');
  const keys = ['provider', 'baseUrl', 'fireworks.accountId'];
  const saved: Record<string, unknown> = {};
  const { sim, idle } = chatDriver(() => api);

  before(async () => {
    api = await activateSocratune();
    emu = await startEmulator({ flavor: 'fireworks', timeScale: 5_000, tokensPerSecond: 0 });
    for (const k of keys) saved[k] = config().inspect(k)?.workspaceValue;
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'fireworks', key: emu.key });
    await config().update('fireworks.accountId', 'emulator', vscode.ConfigurationTarget.Workspace);
    await config().update('provider', 'fireworks', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'fireworks-journal');
    await mkdir(folder, { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: `What did evening ${i} on the ridge teach?` },
          { role: 'assistant', content: `Evening ${i} on the ridge taught me that the wind carries no grudges (${i}).` },
        ],
      }),
    );
    await writeFile(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    await writeFile(path.join(folder, 'dataset.json'), JSON.stringify({ name: 'fireworks-journal', systemPrompt: PROMPT, format: 'markdown', version: 1 }));
    await vscode.commands.executeCommand('socratune.jobs.focus');
    api.jobs.scheduler.setFocused(true);
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    for (const k of keys) await config().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'fireworks', silent: true });
    await emu?.close();
  });

  it('starts a LoRA fine-tune from command arguments with Fireworks’ hyperparameters; it succeeds in the Jobs tree', async () => {
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder,
      baseModel: QWEN,
      hyperparameters: { nEpochs: 2, learningRate: 0.0002, loraRank: 16, maxContextLength: 4096 },
      suffix: 'ridge',
      yes: true,
    });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    jobId = r.job.id;
    assert.equal(r.manifest.backend.kind, 'fireworks');
    await waitFor(
      'the Fireworks job to succeed in the tree',
      async () => {
        const root = await api.jobs.tree.getChildren();
        const el = root.find((e) => e.kind === 'job' && e.jobId === jobId);
        const item = el ? api.jobs.tree.getTreeItem(el) : undefined;
        return item?.contextValue === 'job.succeeded' ? item : undefined;
      },
      60_000,
      200,
    );
    assert.match(api.jobs.store.job(jobId)?.fineTunedModel ?? '', /^accounts\/emulator\/models\/ridge-[a-z0-9]{6}$/);
  });

  it('deploys the result (asked first; here confirmed by argument) and chats with it in the chat view', async () => {
    const model = api.jobs.store.job(jobId)?.fineTunedModel ?? '';
    const created = await vscode.commands.executeCommand<DeployOutcome>('socratune.models.deploy', { modelId: model, confirm: false });
    assert.equal(created?.status, 'created', JSON.stringify(created));
    await waitFor('the deployment to be READY', async () => {
      const r = await vscode.commands.executeCommand<DeployOutcome>('socratune.models.deploy', { modelId: model, confirm: false });
      return r?.status === 'exists' && r.state === 'READY' ? r : undefined;
    });
    await vscode.commands.executeCommand('socratune.chat.focus');
    await waitFor('the chat webview to resolve', () => api.chat.isResolved);
    assert.equal(await vscode.commands.executeCommand('socratune.jobs.chatWith', { jobId }), true);
    assert.match(api.chat.session.settings.settings.model, new RegExp(`^${model}#accounts/emulator/deployments/`));
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/send', text: 'What did evening 3 on the ridge teach?' });
    await idle();
    const turns = api.chat.session.current?.turns ?? [];
    const reply = (turns[turns.length - 1] as AssistantTurn).reply;
    assert.equal(reply.status, 'done', JSON.stringify(reply));
    assert.match(reply.text, /wind carries no grudges/);
  });

  it('a wrong Fireworks key gives a clear error node in the Jobs tree', async () => {
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'fireworks', key: 'fw_wrong' });
    try {
      const node = await waitFor('the 401 error node', async () => {
        await api.jobs.store.load();
        const first = (await api.jobs.tree.getChildren())[0];
        return first?.kind === 'error' && first.info.kind === 'auth' ? first : undefined;
      });
      assert.match(node.kind === 'error' ? node.info.message : '', /key|401|unauthenticated/i);
    } finally {
      await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'fireworks', key: emu.key });
    }
  });
});
