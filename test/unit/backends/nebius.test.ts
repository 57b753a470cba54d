import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBackend } from '../../../src/core/backends';
import { NEBIUS_RULES, NebiusBackend } from '../../../src/core/backends/nebius';
import { parseRuled } from '../../../src/core/backends/rules';
import type { FineTuneBackend } from '../../../src/core/backends/types';
import { createClient } from '../../../src/core/config/client';
import { NEBIUS_BASE_URL, resolveBaseUrl, type BackendProfile } from '../../../src/core/config/profile';
import { DatasetRepository } from '../../../src/core/dataset/repository';
import { ManifestStore } from '../../../src/core/jobs/manifest';
import { runStartFineTune } from '../../../src/core/jobs/wizard';
import { coreWizardDeps } from '../../../src/core/jobs/wizardDeps';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { ScriptedUi } from '../jobs/scriptedUi';
import { runUntil, writeDataset } from './helpers';

/** The emulator's Nebius flavor trains its own base models; what it checks is Nebius' hyperparameter contract. */
const BASE = 'gpt-4.1-mini-2025-04-14';

interface Sent {
  method: string;
  path: string;
  body: unknown;
}

type Body = { hyperparameters?: Record<string, unknown>; method?: unknown; metadata?: unknown; suffix?: string; seed?: number };

describe('Nebius Token Factory backend (real openai client over HTTP, Nebius flavor of the emulator)', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let dir: string;
  let manifests: ManifestStore;
  const sent: Sent[] = [];

  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    sent.push({ method: init?.method ?? 'GET', path: url.pathname.replace(/^\/v1/, ''), body });
    return fetch(input, init);
  };
  const profile = (baseUrl: string): BackendProfile => ({
    provider: 'nebius',
    baseUrl,
    azureEndpoint: '',
    azureApiVersion: '',
    defaultChatModel: '',
    defaultBaseModel: '',
  });
  const backend = (): FineTuneBackend => {
    const r = createClient(profile(emu.url), emu.key, { fetch: recordingFetch, maxRetries: 0 });
    if (!r.ok) throw new Error(r.message);
    return createBackend(profile(emu.url), r.client, r.baseURL);
  };
  const lastCreate = (): Body => {
    const c = sent.filter((s) => s.method === 'POST' && s.path === '/fine_tuning/jobs').at(-1);
    assert.ok(c, 'a create request was sent');
    return c.body as Body;
  };
  const deps = (b: FineTuneBackend) =>
    coreWizardDeps({
      backend: b,
      datasets: new DatasetRepository({ roots: () => [dir], folderSetting: () => undefined, activeFolder: () => undefined }),
      manifests,
      defaultBaseModel: BASE,
    });

  before(async () => {
    emu = await startEmulator({ flavor: 'nebius', timeScale: 1, tokensPerSecond: 0 });
    dir = await mkdtemp(path.join(tmpdir(), 'socratune-nebius-'));
    manifests = new ManifestStore(path.join(dir, 'manifests'));
    await writeDataset(dir, 'journal', 12, { validation: 10, salt: 'nebius' });
  });
  after(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('talks to https://api.tokenfactory.nebius.com/v1 unless socratune.baseUrl overrides it', () => {
    assert.deepEqual(resolveBaseUrl(profile('')), { ok: true, baseURL: NEBIUS_BASE_URL });
    assert.equal(NEBIUS_BASE_URL, 'https://api.tokenfactory.nebius.com/v1');
    const b = backend();
    assert.ok(b instanceof NebiusBackend);
    assert.equal(b.baseURL, emu.url);
    assert.equal(b.capabilities.openaiHyperparameters, false);
    assert.equal(b.capabilities.dpo, false);
  });

  it('runs the wizard with Nebius’ own hyperparameters and sends them under their Nebius names', async () => {
    const b = backend();
    const ui = new ScriptedUi({
      dataset: (c) => c.find((d) => d.name === 'journal'),
      model: BASE,
      hyperparameters: { nEpochs: '2', batchSize: '16', learningRate: '0.00002', warmupRatio: '0.1', loraRank: '16', loraAlpha: '32', loraDropout: '0.05' },
      choices: { lora: 'LoRA' },
      suffix: 'journal',
      seed: '7',
    });
    const r = await runStartFineTune(deps(b), ui);
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    const asked = ui.shown.filter((s) => s.kind === 'hyperparameter').map((s) => s.detail);
    assert.deepEqual(asked, ['nEpochs', 'batchSize', 'learningRate', 'warmupRatio', 'loraRank', 'loraAlpha', 'loraDropout']);
    assert.ok(ui.kinds().includes('choice'), 'LoRA or full is asked');
    const body = lastCreate();
    assert.deepEqual(body.hyperparameters, {
      n_epochs: 2,
      batch_size: 16,
      learning_rate: 0.00002,
      warmup_ratio: 0.1,
      lora: true,
      lora_r: 16,
      lora_alpha: 32,
      lora_dropout: 0.05,
    });
    assert.deepEqual(body.method, { type: 'supervised' });
    assert.equal(body.metadata, undefined, 'Nebius does not document job metadata: the manifest keeps it');
    assert.equal(body.suffix, 'journal');
    assert.equal(body.seed, 7);
    // What the server reports back is read under Socratune's names.
    assert.equal(r.job.hyperparameters.learningRate, 0.00002);
    assert.equal(r.job.hyperparameters.loraRank, 16);
    assert.equal(r.job.hyperparameters.learningRateMultiplier, undefined);
    assert.equal(r.manifest.hyperparameters.learningRate, 0.00002);
    const summary = ui.shown.find((s) => s.kind === 'confirm')?.detail as { cost: unknown; costNote: string };
    assert.equal(summary.cost, null);
    assert.match(summary.costNote, /cannot estimate the cost/);
  });

  it('a full fine-tune sends lora: false and no LoRA values; auto values are left to Nebius', async () => {
    const b = backend();
    const up = sent.length;
    const ds = path.join(dir, '.socratune', 'datasets', 'journal');
    const r = await runStartFineTune(deps(b), new ScriptedUi(), {
      datasetFolder: ds,
      baseModel: BASE,
      hyperparameters: { nEpochs: 3, loraRank: 32 },
      choices: { lora: 'Full' },
      assumeYes: true,
    });
    assert.equal(r.status, 'created', JSON.stringify(r));
    assert.ok(sent.length > up);
    assert.deepEqual(lastCreate().hyperparameters, { n_epochs: 3, lora: false });
  });

  it('refuses values outside Nebius’ ranges before anything is sent, and the server refuses OpenAI’s multiplier', async () => {
    const rule = (n: string) => NEBIUS_RULES.hyperparameters.find((r) => r.name === n)!;
    assert.match(JSON.stringify(parseRuled(rule('batchSize'), '4')), /too small/);
    assert.match(JSON.stringify(parseRuled(rule('loraRank'), '256')), /too large/);
    assert.match(JSON.stringify(parseRuled(rule('nEpochs'), '30')), /too large/);
    const before = sent.filter((s) => s.path === '/files').length;
    const blocked = await runStartFineTune(deps(backend()), new ScriptedUi(), {
      datasetFolder: path.join(dir, '.socratune', 'datasets', 'journal'),
      baseModel: BASE,
      suffix: 'v1.2',
      assumeYes: true,
    });
    assert.equal(blocked.status, 'blocked');
    assert.equal(sent.filter((s) => s.path === '/files').length, before, 'nothing uploaded for refused input');
    const c = createClient(profile(emu.url), emu.key, { maxRetries: 0 });
    if (!c.ok) throw new Error(c.message);
    const file = (sent.find((s) => s.path === '/fine_tuning/jobs' && s.method === 'POST')?.body as { training_file: string }).training_file;
    await assert.rejects(
      c.client.fineTuning.jobs.create({ model: BASE, training_file: file, hyperparameters: { learning_rate_multiplier: 2 } }),
      /Unrecognized request argument supplied: learning_rate_multiplier/,
    );
  });

  it('serves what GET /models lists; a checkpoint that is not deployed says it needs deploying (serverless, per token)', async () => {
    const b = backend();
    const jobs = await b.listJobs({ limit: 5 });
    const job = jobs.data.find((j) => j.suffix === 'journal');
    assert.ok(job);
    assert.equal(await runUntil(emu, b, job.id, (s) => s === 'succeeded'), 'succeeded');
    const done = await b.getJob(job.id);
    assert.ok(done.fineTunedModel);
    const targets = await b.chatTargets();
    const model = targets.find((t) => t.id === done.fineTunedModel);
    assert.deepEqual(model?.target, { ok: true, model: done.fineTunedModel }, 'a listed model answers');
    const ckpt = targets.find((t) => t.kind === 'checkpoint' && t.jobId === job.id && t.id !== done.fineTunedModel);
    assert.ok(ckpt, 'checkpoints are offered');
    assert.equal(ckpt.target.ok, false);
    if (!ckpt.target.ok) {
      assert.equal(ckpt.target.reason, 'needs-deployment');
      assert.match(ckpt.target.message, /deployed as a custom model \(serverless, billed per token/);
    }
    assert.deepEqual(b.chatTarget('meta-llama/Llama-3.3-70B-Instruct'), { ok: true, model: 'meta-llama/Llama-3.3-70B-Instruct' });
  });
});
