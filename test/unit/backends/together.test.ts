import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBackend } from '../../../src/core/backends';
import { BackendError } from '../../../src/core/backends/openaiShape';
import { TogetherBackend } from '../../../src/core/backends/together';
import { endpointConfirmation, replicasError } from '../../../src/core/backends/togetherEndpoints';
import type { FineTuneBackend } from '../../../src/core/backends/types';
import { createClient } from '../../../src/core/config/client';
import type { BackendProfile } from '../../../src/core/config/profile';
import { pointsFromEvents } from '../../../src/core/jobs/metrics';
import { ManifestStore } from '../../../src/core/jobs/manifest';
import { runStartFineTune } from '../../../src/core/jobs/wizard';
import { coreWizardDeps } from '../../../src/core/jobs/wizardDeps';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { ScriptedUi } from '../jobs/scriptedUi';
import { assertRequest, operationPath } from '../support/togetherSchema';
import { writeDataset } from './helpers';
import { DatasetRepository } from '../../../src/core/dataset/repository';

const LLAMA = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

interface Sent {
  method: string;
  path: string;
  body: unknown;
  form?: Record<string, string>;
}

/** The Together backend over real HTTP against the emulator's Together flavor; every request it sends is checked against Together's request schemas. */
describe('Together AI backend (real openai client over HTTP, Together flavor of the emulator)', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let dir: string;
  let manifests: ManifestStore;
  const sent: Sent[] = [];

  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const p = url.pathname.replace(/^\/v1/, '');
    const body = init?.body;
    let form: Record<string, string> | undefined;
    let json: unknown;
    if (body instanceof FormData) form = Object.fromEntries([...body.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '<binary>']));
    else if (typeof body === 'string') json = JSON.parse(body) as unknown;
    sent.push({ method: init?.method ?? 'GET', path: p, body: json, form });
    return fetch(input, init);
  };

  const backend = (opts: { key?: string; headers?: Record<string, string> } = {}): FineTuneBackend => {
    const profile: BackendProfile = {
      provider: 'together',
      baseUrl: emu.url,
      azureEndpoint: '',
      azureApiVersion: '',
      defaultChatModel: '',
      defaultBaseModel: '',
    };
    const r = createClient(profile, opts.key ?? emu.key, { fetch: recordingFetch, maxRetries: 0, headers: opts.headers });
    if (!r.ok) throw new Error(r.message);
    return createBackend(profile, r.client, r.baseURL);
  };
  const deps = (b: FineTuneBackend) =>
    coreWizardDeps({
      backend: b,
      datasets: new DatasetRepository({ roots: () => [dir], folderSetting: () => undefined, activeFolder: () => undefined }),
      manifests,
      defaultBaseModel: LLAMA,
    });

  before(async () => {
    emu = await startEmulator({ flavor: 'together', timeScale: 1, tokensPerSecond: 0 });
    dir = await mkdtemp(path.join(tmpdir(), 'socratune-together-'));
    manifests = new ManifestStore(path.join(dir, 'manifests'));
    await writeDataset(dir, 'journal', 12, { validation: 10, salt: 'together' });
  });
  after(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    // Every request the backend sent is one of Together's operations, and every JSON or multipart body matches its schema.
    for (const s of sent.splice(0)) {
      const op = operationPath(s.path);
      assert.ok(op, `${s.method} ${s.path} is an operation of Together's API`);
      if (s.body !== undefined) assertRequest(op, s.method, s.body);
      if (s.form) assertRequest(op, s.method, s.form, 'multipart/form-data');
    }
  });

  let modelId = '';
  let jobId = '';
  let qwenModel = '';

  it('runs the wizard with Together’s own rules: LoRA settings, absolute learning rate, no cost guess before consent', async () => {
    const b = backend();
    const ui = new ScriptedUi({
      dataset: (c) => c.find((d) => d.name === 'journal'),
      model: LLAMA,
      hyperparameters: { nEpochs: '2', batchSize: 'auto', learningRate: '0.0002', loraRank: '16', loraAlpha: 'auto', nCheckpoints: '2' },
      suffix: 'journal',
      seed: '5',
    });
    const r = await runStartFineTune(deps(b), ui);
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    const asked = ui.shown.filter((s) => s.kind === 'hyperparameter').map((s) => s.detail);
    assert.deepEqual(asked, ['nEpochs', 'batchSize', 'learningRate', 'loraRank', 'loraAlpha', 'loraDropout', 'warmupRatio', 'nCheckpoints']);
    assert.ok(!asked.includes('learningRateMultiplier'), 'OpenAI’s multiplier is not asked');
    assert.ok(ui.kinds().includes('choice'), 'LoRA or full');
    const create = sent.find((s) => s.method === 'POST' && s.path === '/fine-tunes');
    assert.deepEqual(create?.body && (create.body as { training_type: unknown }).training_type, { type: 'Lora', lora_r: 16, lora_alpha: 32 });
    assert.equal((create?.body as { learning_rate: number }).learning_rate, 0.0002);
    assert.ok(
      sent.some((s) => s.path === '/fine-tunes/estimate-price'),
      'Together’s own estimate, after the upload',
    );
    assert.ok(r.manifest.estimatedCostUsd !== undefined);
    const summary = ui.shown.find((s) => s.kind === 'confirm')?.detail as { cost: unknown; costNote: string };
    assert.equal(summary.cost, null);
    assert.match(summary.costNote, /cannot estimate it before you consent/);
    jobId = r.job.id;
    assert.equal(r.job.status, 'queued', 'pending on Together is queued for Socratune');
  });

  it('follows the job to completed with events, metrics for the curves and checkpoints, and chats with the serverless LoRA result', async () => {
    const b = backend();
    emu.advance(10 * 3_600_000);
    const job = await b.getJob(jobId);
    assert.equal(job.status, 'succeeded');
    assert.equal(job.rawStatus, 'completed');
    modelId = job.fineTunedModel ?? '';
    assert.match(modelId, /^emulator\/Meta-Llama-3\.1-8B-Instruct-Reference-journal-/);
    const list = await b.listJobs();
    assert.ok(list.data.some((j) => j.id === jobId));
    const events = await b.listEvents(jobId);
    assert.ok(events.data.some((e) => e.type === 'job_complete'));
    const points = pointsFromEvents(events.data);
    assert.ok(
      points.filter((p) => typeof p.trainLoss === 'number').length >= 2,
      `loss curve points (one step per epoch at batch "max"): ${JSON.stringify(points.slice(0, 3))}`,
    );
    const cps = await b.listCheckpoints(jobId);
    assert.ok(cps.data.length >= 1);
    const target = b.chatTarget(modelId);
    assert.ok(target.ok);
    const profile: BackendProfile = {
      provider: 'together',
      baseUrl: emu.url,
      azureEndpoint: '',
      azureApiVersion: '',
      defaultChatModel: '',
      defaultBaseModel: '',
    };
    const c = createClient(profile, emu.key, { fetch: recordingFetch });
    if (!c.ok || !target.ok) return;
    const reply = await c.client.chat.completions.create({ model: target.model, messages: [{ role: 'user', content: 'What did you learn on day 3?' }] });
    assert.match(reply.choices[0].message.content ?? '', /obstacle is the way/);
    const models = await b.listModels();
    assert.ok(models.find((m) => m.id === modelId)?.fineTuned);
    assert.ok(!models.find((m) => m.id === LLAMA)?.fineTuned);
  });

  it('says a fine-tune without serverless LoRA needs a dedicated endpoint billed per minute, and creates none', async () => {
    const b = backend();
    const r = await runStartFineTune(deps(b), new ScriptedUi(), {
      datasetFolder: path.join(dir, '.socratune', 'datasets', 'journal'),
      baseModel: 'Qwen/Qwen3-8B',
      assumeYes: true,
    });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    emu.advance(10 * 3_600_000);
    const done = await b.getJob(r.job.id);
    qwenModel = done.fineTunedModel ?? '';
    const t = b.chatTarget(done.fineTunedModel ?? '');
    assert.equal(t.ok, false);
    if (!t.ok) assert.match(t.message, /dedicated endpoint, billed per minute/);
    assert.ok(!sent.some((s) => /endpoints/.test(s.path)), 'no endpoint was created');
  });

  it('dedicated endpoints: hardware prices, a confirmation stating the price per minute, create, chat once STARTED, stop', async () => {
    const b = backend();
    assert.ok(b instanceof TogetherBackend);
    await b.listJobs();
    assert.ok(qwenModel);
    const before = b.chatTarget(qwenModel);
    assert.ok(!before.ok && /Dedicated Endpoint…/.test(before.message), JSON.stringify(before));
    assert.deepEqual(await b.endpoints.hardware(LLAMA), [], 'a -Reference base cannot be deployed (404 → no hardware)');
    const hw = await b.endpoints.hardware(qwenModel);
    const h100 = hw.find((h) => h.id === '1x_nvidia_h100_80gb_sxm');
    assert.ok(h100);
    assert.equal(h100.gpus, '1 × h100-80gb (80 GB)');
    const req = { model: qwenModel, hardware: h100.id, minReplicas: 1, maxReplicas: 2 };
    const c = endpointConfirmation(req, h100);
    assert.match(c.title, /billed per minute while it runs, even when idle/);
    assert.match(c.detail, /5\.58¢ per minute per replica \(\$3\.35 per hour\)/);
    assert.match(c.detail, /1–2 replicas: \$3\.35 to \$6\.70 per hour/);
    assert.equal(replicasError(1, 2), undefined);
    assert.match(replicasError(0, 2) ?? '', /At least 1 replica/);
    assert.match(replicasError(3, 2) ?? '', /at least min_replicas/);
    const e = await b.endpoints.create(req);
    assert.equal(e.state, 'PENDING');
    const pending = (await b.chatTargets()).find((t) => t.id === qwenModel);
    assert.equal(pending?.detail, 'dedicated endpoint PENDING');
    assert.ok(pending && !pending.target.ok && /is PENDING/.test(pending.target.message));
    emu.advance(15 * 60_000);
    const started = (await b.chatTargets()).find((t) => t.id === qwenModel);
    assert.deepEqual(started?.target, { ok: true, model: e.name, note: `Dedicated endpoint ${e.name} (billed per minute while it runs)` });
    const profile: BackendProfile = {
      provider: 'together',
      baseUrl: emu.url,
      azureEndpoint: '',
      azureApiVersion: '',
      defaultChatModel: '',
      defaultBaseModel: '',
    };
    const client = createClient(profile, emu.key, { fetch: recordingFetch });
    if (!client.ok) return;
    const reply = await client.client.chat.completions.create({ model: e.name, messages: [{ role: 'user', content: 'What did you learn on day 3?' }] });
    assert.match(reply.choices[0].message.content ?? '', /obstacle is the way/);
    assert.deepEqual(
      (await b.endpoints.list(qwenModel)).map((x) => x.id),
      [e.id],
    );
    assert.equal((await b.endpoints.stop(e.id)).state, 'STOPPING');
    emu.advance(60_000);
    await b.refreshEndpoints();
    const stopped = b.chatTarget(qwenModel);
    assert.ok(!stopped.ok && /is STOPPED\. Start it/.test(stopped.message), JSON.stringify(stopped));
    assert.equal((await b.endpoints.start(e.id)).state, 'STARTING');
    await assert.rejects(b.endpoints.get('endpoint-nope'), (err: unknown) => err instanceof BackendError && err.info.kind === 'not-found');
  });

  it('takes each model’s own limits from /fine-tunes/models/limits: rank, epochs and training types refused before anything is sent', async () => {
    const b = backend();
    const models = await b.tunableModels();
    const big = models.find((m) => m.id === 'meta-llama/Llama-3.3-70B-Instruct-Reference');
    assert.ok(big?.launchRules, 'the 70B model has its own rules');
    assert.deepEqual(big.methods, ['supervised'], 'no DPO for the 70B model (its limits allow no DPO batch)');
    assert.match(big.label, /LoRA r ≤ 64 · ≤ 20 epochs · batch 8–16 · SFT only/);
    assert.deepEqual(
      big.launchRules.choices.find((c) => c.field === 'training_type')?.options.map((o) => o.value),
      ['Lora'],
      'no full training offered where the limits have no full_training',
    );
    assert.ok(sent.some((s) => s.path === '/fine-tunes/models/limits'));
    sent.splice(0);
    await b.tunableModels();
    assert.ok(!sent.some((s) => s.path === '/fine-tunes/models/limits'), 'limits are read once per backend instance');
    const ds = path.join(dir, '.socratune', 'datasets', 'journal');
    const rank = await runStartFineTune(deps(b), new ScriptedUi(), {
      datasetFolder: ds,
      baseModel: LLAMA,
      hyperparameters: { loraRank: 128 },
      assumeYes: true,
    });
    assert.equal(rank.status, 'blocked');
    if (rank.status === 'blocked') assert.match(rank.message, /LoRA rank 128 is too large: .*1 to 64/);
    const batch = await runStartFineTune(deps(b), new ScriptedUi(), {
      datasetFolder: ds,
      baseModel: 'meta-llama/Llama-3.3-70B-Instruct-Reference',
      hyperparameters: { batchSize: 32 },
      assumeYes: true,
    });
    assert.equal(batch.status, 'blocked');
    if (batch.status === 'blocked') assert.match(batch.message, /Batch size 32 is too large: .*8 to 16/);
    const full = await runStartFineTune(deps(b), new ScriptedUi(), {
      datasetFolder: ds,
      baseModel: 'meta-llama/Llama-3.3-70B-Instruct-Reference',
      choices: { training_type: 'Full' },
      assumeYes: true,
    });
    assert.equal(full.status, 'blocked');
    if (full.status === 'blocked') assert.match(full.message, /Training type "Full" is not offered/);
    const fullBatch = await runStartFineTune(deps(b), new ScriptedUi(), {
      datasetFolder: ds,
      baseModel: 'Qwen/Qwen3-8B',
      hyperparameters: { batchSize: 4 },
      choices: { training_type: 'Full' },
      assumeYes: true,
    });
    assert.equal(fullBatch.status, 'blocked', 'batch 4 is below the model’s minimum of 8');
    assert.ok(!sent.some((s) => s.path === '/files/upload' || s.path === '/fine-tunes'), 'nothing uploaded or created for refused settings');
  });

  it('bad input: wrong key, a model Together cannot tune, an invalid suffix, 429 with retry-after, a job failing on the server', async () => {
    const ds = path.join(dir, '.socratune', 'datasets', 'journal');
    await assert.rejects(backend({ key: 'wrong' }).listJobs(), (e: unknown) => e instanceof BackendError && e.info.kind === 'auth');
    const notTunable = await runStartFineTune(deps(backend()), new ScriptedUi(), { datasetFolder: ds, baseModel: 'gpt-4.1-mini-2025-04-14', assumeYes: true });
    assert.equal(notTunable.status, 'blocked');
    if (notTunable.status === 'blocked') assert.match(notTunable.message, /cannot be fine-tuned on Together AI/);
    const badSuffix = await runStartFineTune(deps(backend()), new ScriptedUi(), { datasetFolder: ds, baseModel: LLAMA, suffix: 'v1.2', assumeYes: true });
    assert.equal(badSuffix.status, 'blocked');
    assert.ok(!sent.some((s) => s.path === '/files/upload'), 'nothing uploaded for refused input');
    await assert.rejects(
      backend({ headers: { 'x-emulator-fault': '429;retry-after=7' } }).listJobs(),
      (e: unknown) => e instanceof BackendError && e.info.kind === 'rate-limit' && e.info.retryAfterMs === 7000,
    );
    const failing = backend({ headers: { 'x-emulator-fault': 'job-fail;at=running;message=CUDA out of memory;path=/fine-tunes' } });
    const r = await runStartFineTune(deps(failing), new ScriptedUi(), { datasetFolder: ds, baseModel: LLAMA, suffix: 'oom', assumeYes: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    emu.advance(10 * 3_600_000);
    const failed = await backend().getJob(r.job.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /CUDA out of memory/);
  });
});
