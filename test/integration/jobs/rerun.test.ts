import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type OpenAI from 'openai';
import type { SocratuneApi } from '../../../src/extension';
import type { FineTuneJob } from '../../../src/core/backends/types';
import type { JobManifest } from '../../../src/core/jobs/manifest';
import type { WizardResult } from '../../../src/core/jobs/wizard';
import type { RerunResult } from '../../../src/jobs/rerun';
import { activateSocratune, flushedLog, useEmulatorBackend, workspaceRoot } from '../support/host';

const PROMPT = 'You are the journal: answer as its author would.';
const BASE = 'gpt-4.1-mini-2025-04-14';

function example(i: number, salt: string): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: PROMPT },
      { role: 'user', content: `What does entry ${i} of ${salt} say about the morning?` },
      { role: 'assistant', content: `Entry ${i}: rise, do the work of a human being, and do not complain of it (${salt}).` },
    ],
  });
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('jobs: Re-run on… against the emulator', function () {
  this.timeout(120_000);
  let api: SocratuneApi;
  /** An SDK client on the emulator, made while the provider is `emulator`: it checks what the server holds. */
  let emulator: OpenAI;
  let folder: string;
  let original: FineTuneJob;
  let manifest: JobManifest;
  const config = () => vscode.workspace.getConfiguration('socratune');

  const rerun = (args: Record<string, unknown>) => vscode.commands.executeCommand<RerunResult>('socratune.jobs.rerun', args);
  const jobIdsOnServer = async (): Promise<string[]> => {
    const ids: string[] = [];
    for await (const j of emulator.fineTuning.jobs.list({ limit: 100 })) ids.push(j.id);
    return ids;
  };
  const created = (r: RerunResult | undefined): Extract<WizardResult, { status: 'created' }> => {
    assert.ok(r, 'the command returned nothing');
    if (r.status !== 'created') assert.fail(`expected a created job, got ${JSON.stringify(r)}`);
    return r;
  };

  before(async () => {
    api = await activateSocratune();
    // Workspace scope, as in the demo workspace (.vscode/settings.json): a re-run's backend switch must win over it.
    await useEmulatorBackend(api);
    const c = await api.services.client();
    if (!c.ok) throw new Error(`no emulator client: ${c.message}`);
    emulator = c.client;

    folder = path.join(workspaceRoot().fsPath, '.socratune', 'datasets', 'it-rerun');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'train.jsonl'), Array.from({ length: 12 }, (_, i) => example(i, 'it-rerun')).join('\n') + '\n');
    await writeFile(
      path.join(folder, 'dataset.json'),
      JSON.stringify({ name: 'it-rerun', systemPrompt: PROMPT, format: 'markdown', createdAt: new Date().toISOString(), version: 1 }),
    );
    const r = await vscode.commands.executeCommand<WizardResult>('socratune.startFineTune', {
      dataset: folder,
      baseModel: BASE,
      hyperparameters: { nEpochs: 2, batchSize: 3, learningRateMultiplier: 0.4 },
      suffix: 'it-rerun',
      seed: 4242,
      yes: true,
    });
    original = created(r).job;
    const m = await api.jobs.manifests.load(original.id);
    assert.ok(m, 'the wizard saved a manifest');
    manifest = m;
  });

  after(async () => {
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'openai-compatible', silent: true });
    await rm(path.join(workspaceRoot().fsPath, '.socratune'), { recursive: true, force: true });
    for (const k of ['provider', 'baseUrl']) {
      await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await config().update(k, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  /** The new job as the emulator holds it, checked against the original's manifest; returns the new manifest. */
  async function assertSameRecipe(job: FineTuneJob, trainingSha256: string): Promise<JobManifest> {
    assert.notEqual(job.id, original.id, 'a new job, not the original');
    const raw = await emulator.fineTuning.jobs.retrieve(job.id);
    assert.equal(raw.model, manifest.baseModel);
    // OpenAI (and the emulator) return the suffix as `user_provided_suffix`; the SDK's type does not declare it.
    assert.equal((raw as { user_provided_suffix?: unknown }).user_provided_suffix, manifest.suffix);
    assert.equal(raw.seed, manifest.seed);
    assert.deepEqual(raw.method?.supervised?.hyperparameters, { n_epochs: 2, batch_size: 3, learning_rate_multiplier: 0.4 });
    assert.deepEqual(job.hyperparameters, manifest.hyperparameters);
    const content = await (await emulator.files.content(raw.training_file)).text();
    assert.equal(sha256(content), trainingSha256, 'the training file on the server has the expected content');
    const m = await api.jobs.manifests.load(job.id);
    assert.ok(m, 'the re-run saved its own manifest');
    assert.equal(m.dataset.folder, manifest.dataset.folder);
    assert.deepEqual(m.systemPrompt, manifest.systemPrompt);
    assert.equal(m.files.training.sha256, trainingSha256);
    assert.deepEqual(m.rerunOf, { jobId: original.id, backend: 'emulator' });
    return m;
  }

  it('repeats a job from its manifest: a new job on the emulator with the same base model, hyperparameters, suffix, seed and training content', async () => {
    assert.equal(manifest.files.training.sha256, sha256(await readFile(path.join(folder, 'train.jsonl'), 'utf8')));
    const r = created(await rerun({ jobId: original.id, provider: 'emulator', yes: true }));
    const m = await assertSameRecipe(r.job, manifest.files.training.sha256);
    assert.equal(m.backend.kind, 'emulator');
    assert.equal(m.dataset.sha256, manifest.dataset.sha256);
    assert.ok((await jobIdsOnServer()).includes(r.job.id));
    assert.ok(api.jobs.store.job(r.job.id), 'the new job is in the Fine-tune Jobs store');
    assert.equal(config().get('provider'), 'emulator', 'same backend: the provider is untouched');
  });

  it('switches socratune.provider to the backend picked, where it is set, and runs the job there', async () => {
    const key = process.env.SOCRATUNE_EMULATOR_KEY ?? '';
    assert.ok(await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'openai-compatible', key }));
    try {
      const r = created(await rerun({ jobId: original.id, provider: 'openai-compatible', yes: true }));
      assert.equal(config().get('provider'), 'openai-compatible');
      assert.equal(config().inspect('provider')?.workspaceValue, 'openai-compatible', 'written in the scope that set it');
      const m = await assertSameRecipe(r.job, manifest.files.training.sha256);
      assert.equal(m.backend.kind, 'openai-compatible');
    } finally {
      await config().update('provider', 'emulator', vscode.ConfigurationTarget.Workspace);
      await config().update('provider', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses a job without a local manifest with a clear warning, and starts nothing', async () => {
    // A job started outside Socratune (straight through the API) has no manifest on this machine.
    const foreign = await emulator.fineTuning.jobs.create({ model: BASE, training_file: manifest.files.training.fileId, suffix: 'elsewhere' });
    const before = await jobIdsOnServer();
    const r = await rerun({ jobId: foreign.id, provider: 'openai-compatible', yes: true });
    assert.equal(r?.status, 'refused', JSON.stringify(r));
    if (r?.status !== 'refused') return;
    assert.match(r.message, new RegExp(`no local manifest for ${foreign.id}: it was not started by Socratune on this machine`));
    assert.deepEqual(await jobIdsOnServer(), before, 'no job was created');
    assert.equal(config().get('provider'), 'emulator', 'the provider was not switched');
  });

  it('refuses an unknown backend and writes nothing', async () => {
    const before = await jobIdsOnServer();
    const r = await rerun({ jobId: original.id, provider: 'bedrock', yes: true });
    assert.equal(r?.status, 'refused', JSON.stringify(r));
    if (r?.status === 'refused') assert.match(r.message, /must be one of openai, azure, openai-compatible, emulator/);
    assert.deepEqual(await jobIdsOnServer(), before);
    assert.equal(config().get('provider'), 'emulator');
  });

  it('detects a training file changed since the job and, when confirmed, re-runs with the current version', async () => {
    await appendFile(path.join(folder, 'train.jsonl'), example(12, 'it-rerun-added') + '\n');
    const current = sha256(await readFile(path.join(folder, 'train.jsonl'), 'utf8'));
    assert.notEqual(current, manifest.files.training.sha256);
    const r = created(await rerun({ jobId: original.id, provider: 'emulator', yes: true }));
    const m = await assertSameRecipe(r.job, current);
    assert.notEqual(m.dataset.sha256, manifest.dataset.sha256, 'the new manifest records the new dataset version');
    assert.equal(m.dataset.examples, 13);
    const log = await flushedLog(api);
    assert.match(
      log,
      new RegExp(
        `Re-running ${original.id} with the current version of it-rerun: its training file changed since \\(sha256 ${manifest.files.training.sha256.slice(0, 12)}… → ${current.slice(0, 12)}…\\)`,
      ),
    );
  });

  it('detects a validation file added since the job and re-runs with it, saying so', async () => {
    const validation = path.join(folder, 'validation.jsonl');
    assert.equal(manifest.files.validation, undefined, 'the original job had no validation file');
    const text = [example(100, 'it-rerun-v'), example(101, 'it-rerun-v'), example(102, 'it-rerun-v')].join('\n') + '\n';
    await writeFile(validation, text);
    try {
      const r = created(await rerun({ jobId: original.id, provider: 'emulator', yes: true }));
      const raw = await emulator.fineTuning.jobs.retrieve(r.job.id);
      assert.ok(raw.validation_file, 'the re-run uploaded the validation file');
      assert.equal(sha256(await (await emulator.files.content(raw.validation_file)).text()), sha256(text));
      const m = await api.jobs.manifests.load(r.job.id);
      assert.equal(m?.files.validation?.sha256, sha256(text));
      const log = await flushedLog(api);
      assert.match(
        log,
        new RegExp(
          `Re-running ${original.id} with the current version of it-rerun: .*validation file was added since \\(sha256 ${sha256(text).slice(0, 12)}…\\)`,
        ),
      );
    } finally {
      await rm(validation, { force: true });
    }
  });

  it('refuses when the training file is gone, before switching the backend, and starts nothing', async () => {
    const train = path.join(folder, 'train.jsonl');
    await rename(train, `${train}.moved`);
    try {
      const before = await jobIdsOnServer();
      const r = await rerun({ jobId: original.id, provider: 'openai-compatible', yes: true });
      assert.equal(r?.status, 'refused', JSON.stringify(r));
      if (r?.status === 'refused') assert.equal(r.message, `The dataset of ${original.id} is no longer at ${train}.`);
      assert.deepEqual(await jobIdsOnServer(), before);
      assert.equal(config().get('provider'), 'emulator', 'the provider was not switched');
    } finally {
      await rename(`${train}.moved`, train);
    }
  });
});
