import { strict as assert } from 'node:assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import OpenAI from 'openai';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import type { RerunResult } from '../../../src/jobs/rerun';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { SocratuneApi } from '../../../src/extension';
import { activateSocratune, flushedLog, useEmulatorBackend, waitFor, workspaceRoot } from '../support/host';

const BASE = 'gpt-4.1-mini-2025-04-14';
const PROMPT = 'You are the journal: answer as its author would.';

/**
 * Nebius Token Factory in the real extension host, against an in-process emulator speaking Nebius' hyperparameters:
 * a job started from arguments with Nebius' own values, then an OpenAI-style job re-run on Nebius, its recipe mapped
 * (multiplier → absolute rate) and the change said before the launch.
 */
describe('Nebius Token Factory backend in VS Code (emulator --flavor nebius)', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  let emu: EmulatorHandle;
  let nebius: OpenAI;
  let folder: string;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const saved: Record<string, unknown> = {};
  const useNebius = async () => {
    await config().update('provider', 'nebius', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
  };
  const detailRow = async (jobId: string, label: string): Promise<string> => {
    const root = await api.jobs.tree.getChildren();
    const el = root.find((e) => e.kind === 'job' && e.jobId === jobId);
    assert.ok(el, `job ${jobId} in the tree`);
    const details = (await api.jobs.tree.getChildren(el)).find((e) => e.kind === 'section' && e.section === 'details');
    assert.ok(details, 'a details section');
    const rows = await api.jobs.tree.getChildren(details);
    const row = rows.find((r) => r.kind === 'detail' && r.label === label);
    return row && row.kind === 'detail' ? row.value : '';
  };

  before(async () => {
    api = await activateSocratune();
    for (const k of ['provider', 'baseUrl']) saved[k] = config().inspect(k)?.workspaceValue;
    emu = await startEmulator({ flavor: 'nebius', timeScale: 5_000, tokensPerSecond: 0 });
    nebius = new OpenAI({ apiKey: emu.key, baseURL: emu.url });
    await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'nebius', key: emu.key });
    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'nebius-journal');
    await mkdir(folder, { recursive: true });
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: `What did morning ${i} by the river teach?` },
          { role: 'assistant', content: `Morning ${i} by the river taught me that nothing stays, and that this is fine (${i}).` },
        ],
      }),
    );
    await writeFile(path.join(folder, 'train.jsonl'), lines.join('\n') + '\n');
    await writeFile(path.join(folder, 'dataset.json'), JSON.stringify({ name: 'nebius-journal', systemPrompt: PROMPT, format: 'markdown', version: 1 }));
    await vscode.commands.executeCommand('socratune.jobs.focus');
    api.jobs.scheduler.setFocused(true);
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
    for (const k of ['provider', 'baseUrl']) await config().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'nebius', silent: true });
    await emu?.close();
  });

  it('starts a LoRA fine-tune from command arguments with Nebius’ hyperparameters; it succeeds in the Jobs tree, described in words', async () => {
    await useNebius();
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder,
      baseModel: BASE,
      hyperparameters: { nEpochs: 2, learningRate: 0.0002, loraRank: 16 },
      choices: { lora: 'LoRA' },
      suffix: 'river',
      yes: true,
    });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    assert.equal(r.manifest.backend.kind, 'nebius');
    assert.deepEqual(r.manifest.choices, { lora: 'LoRA' });
    const onServer = (await nebius.fineTuning.jobs.retrieve(r.job.id)).hyperparameters as unknown as Record<string, unknown>;
    assert.equal(onServer.learning_rate, 0.0002);
    assert.equal(onServer.lora, true);
    assert.equal(onServer.lora_r, 16);
    assert.equal(onServer.learning_rate_multiplier, undefined);
    await waitFor(
      'the Nebius job to succeed in the tree',
      async () => {
        const root = await api.jobs.tree.getChildren();
        const el = root.find((e) => e.kind === 'job' && e.jobId === r.job.id);
        return el && api.jobs.tree.getTreeItem(el).contextValue === 'job.succeeded';
      },
      60_000,
      200,
    );
    const described = await detailRow(r.job.id, 'Hyperparameters');
    assert.match(described, /^epochs 2 · .*learning rate 0\.0002 · .*LoRA rank 16\b/);
    assert.doesNotMatch(described, /multiplier/);
  });

  it('re-runs an OpenAI-style job on Nebius: the multiplier becomes an absolute rate, and the change is said', async () => {
    await useEmulatorBackend(api);
    const original = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder,
      baseModel: BASE,
      hyperparameters: { nEpochs: 2, batchSize: 4, learningRateMultiplier: 1.8 },
      suffix: 'river-openai',
      yes: true,
    });
    assert.equal(original.status, 'created', JSON.stringify(original));
    if (original.status !== 'created') return;
    await config().update('baseUrl', emu.url, vscode.ConfigurationTarget.Workspace);
    const r = await vscode.commands.executeCommand<RerunResult>('socratune.jobs.rerun', { jobId: original.job.id, provider: 'nebius', yes: true });
    assert.equal(r?.status, 'created', JSON.stringify(r));
    if (r?.status !== 'created') return;
    assert.equal(config().get('provider'), 'nebius');
    assert.deepEqual(r.manifest.rerunOf, { jobId: original.job.id, backend: 'emulator' });
    const hp = r.manifest.hyperparameters;
    assert.deepEqual([hp.nEpochs, hp.batchSize, hp.learningRate, hp.learningRateMultiplier], [2, 'auto', 0.000018, undefined]);
    const onServer = (await nebius.fineTuning.jobs.retrieve(r.job.id)).hyperparameters as unknown as Record<string, unknown>;
    assert.equal(onServer.learning_rate, 0.000018);
    const log = await flushedLog(api);
    assert.match(log, /learning-rate multiplier 1\.8 → learning rate 0\.000018 \(Nebius Token Factory's default 0\.00001 × 1\.8/);
    assert.match(log, /batch size 4 → auto: .*from 8 to 32/);
  });
});
