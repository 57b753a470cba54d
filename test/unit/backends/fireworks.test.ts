import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBackend } from '../../../src/core/backends';
import { openaiErrorBody } from '../../../src/core/backends/fireworksShape';
import { BackendError } from '../../../src/core/backends/openaiShape';
import type { FineTuneBackend } from '../../../src/core/backends/types';
import { createClient } from '../../../src/core/config/client';
import { resolveBaseUrl, type BackendProfile } from '../../../src/core/config/profile';
import { DatasetRepository } from '../../../src/core/dataset/repository';
import { ManifestStore } from '../../../src/core/jobs/manifest';
import { runStartFineTune } from '../../../src/core/jobs/wizard';
import { coreWizardDeps } from '../../../src/core/jobs/wizardDeps';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { ScriptedUi } from '../jobs/scriptedUi';
import { assertRequest } from '../support/fireworksShapes';
import { runUntil, writeDataset } from './helpers';

const QWEN = 'accounts/fireworks/models/qwen3-8b';
const GLM = 'accounts/fireworks/models/glm-5p3-flash';

interface Sent {
  method: string;
  url: string;
  body: unknown;
  form?: string[];
}

/** The Fireworks backend over real HTTP against the emulator's Fireworks flavor; every request it sends is checked against fireworks-rest-shapes.json. */
describe('Fireworks AI backend (real openai client over HTTP, Fireworks flavor of the emulator)', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let dir: string;
  let manifests: ManifestStore;
  let folder: string;
  const sent: Sent[] = [];

  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = init?.body;
    const form = body instanceof FormData ? [...body.keys()] : undefined;
    const json: unknown = typeof body === 'string' ? JSON.parse(body) : undefined;
    sent.push({ method: init?.method ?? 'GET', url: url.pathname + url.search, body: json, form });
    return fetch(input, init);
  };

  const profile = (): BackendProfile => ({
    provider: 'fireworks',
    baseUrl: emu.url,
    azureEndpoint: '',
    azureApiVersion: '',
    defaultChatModel: '',
    defaultBaseModel: '',
  });
  const client = (key = emu.key, headers?: Record<string, string>) => {
    const r = createClient(profile(), key, { fetch: recordingFetch, maxRetries: 0, headers });
    if (!r.ok) throw new Error(r.message);
    return r;
  };
  const backend = (opts: { key?: string; headers?: Record<string, string>; account?: string } = {}): FineTuneBackend => {
    const r = client(opts.key, opts.headers);
    return createBackend(profile(), r.client, r.baseURL, { fireworksAccount: opts.account ?? 'emulator' });
  };
  const deps = (b: FineTuneBackend) =>
    coreWizardDeps({
      backend: b,
      datasets: new DatasetRepository({ roots: () => [dir], folderSetting: () => undefined, activeFolder: () => undefined }),
      manifests,
      defaultBaseModel: QWEN,
    });
  const chat = async (model: string) => {
    const reply = await client().client.chat.completions.create({ model, messages: [{ role: 'user', content: 'What did you learn on day 3?' }] });
    return reply.choices[0].message.content ?? '';
  };

  before(async () => {
    emu = await startEmulator({ flavor: 'fireworks', timeScale: 1, tokensPerSecond: 0 });
    dir = await mkdtemp(path.join(tmpdir(), 'socratune-fireworks-'));
    manifests = new ManifestStore(path.join(dir, 'manifests'));
    folder = (await writeDataset(dir, 'journal', 12, { validation: 4, salt: 'fireworks' })).folder;
  });
  after(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    // Every request the backend sent is one of Fireworks' documented calls, with documented query keys and body fields.
    for (const s of sent.splice(0)) {
      const op = assertRequest(s.method, s.url, s.body);
      if (s.form) assert.deepEqual(s.form, ['file'], `${op.id}: the multipart field is exactly "file"`);
    }
  });

  let modelId = '';

  it('runs the wizard with Fireworks’ own rules: LoRA rank, epochs, absolute learning rate, max context length, batch size; no cost guess', async () => {
    const ui = new ScriptedUi({
      dataset: (c) => c.find((d) => d.name === 'journal'),
      model: QWEN,
      hyperparameters: { nEpochs: '2', learningRate: '0.0002', loraRank: '16', maxContextLength: '4096', batchSize: 'auto' },
      suffix: 'journal',
    });
    const r = await runStartFineTune(deps(backend()), ui);
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    const asked = ui.shown.filter((s) => s.kind === 'hyperparameter').map((s) => s.detail);
    assert.deepEqual(asked, ['nEpochs', 'learningRate', 'loraRank', 'maxContextLength', 'batchSize']);
    const create = sent.find((s) => s.method === 'POST' && s.url.endsWith('/supervisedFineTuningJobs'));
    const body = create?.body as Record<string, unknown>;
    assert.equal(body.baseModel, QWEN);
    assert.match(String(body.dataset), /^accounts\/emulator\/datasets\/socratune-[0-9a-f]{24}$/);
    assert.match(String(body.evaluationDataset), /^accounts\/emulator\/datasets\//);
    assert.deepEqual([body.epochs, body.learningRate, body.loraRank, body.maxContextLength], [2, 0.0002, 16, 4096]);
    assert.match(String(body.outputModel), /^journal-[a-z0-9]{6}$/);
    const summary = ui.shown.find((s) => s.kind === 'confirm')?.detail as { cost: unknown; costNote: string };
    assert.equal(summary.cost, null);
    assert.match(summary.costNote, /cannot estimate/);
    assert.equal(r.job.status, 'validating');
    const done = await runUntil(emu, backend(), r.job.id, (s) => s === 'succeeded' || s === 'failed');
    assert.equal(done, 'succeeded');
    const job = await backend().getJob(r.job.id);
    assert.equal(job.rawStatus, 'JOB_STATE_COMPLETED');
    modelId = job.fineTunedModel ?? '';
    assert.match(modelId, /^accounts\/emulator\/models\/journal-/);
    const events = await backend().listEvents(r.job.id);
    assert.ok(events.data.some((e) => /100% done/.test(e.message)));
    assert.ok((await backend().listJobs()).data.some((j) => j.id === r.job.id));
  });

  it('says the fine-tune needs a deployment billed per GPU-hour, creates one only after the confirmation, then chats with it', async () => {
    const b = backend();
    await b.listJobs();
    const before = b.chatTarget(modelId);
    assert.equal(before.ok, false);
    if (!before.ok) assert.match(before.message, /only through a deployment, billed per GPU-hour/);
    await assert.rejects(chat(modelId), /not deployed/);
    assert.ok(b.deploy);
    const questions: string[] = [];
    const declined = await b.deploy(modelId, async (q) => (questions.push(q), false));
    assert.equal(declined.status, 'declined');
    assert.match(questions[0], /per GPU-hour/);
    assert.ok(!sent.some((s) => s.method === 'POST' && /\/deployments/.test(s.url)), 'nothing billed without a yes');
    const created = await b.deploy(modelId, () => Promise.resolve(true));
    assert.equal(created.status, 'created');
    emu.advance(600_000);
    const targets = await b.chatTargets();
    const t = targets.find((x) => x.id === modelId)?.target;
    assert.ok(t?.ok, JSON.stringify(t));
    if (!t?.ok) return;
    assert.match(t.model, /#accounts\/emulator\/deployments\/socratune-journal-/);
    assert.match(await chat(t.model), /obstacle is the way/);
    assert.ok(targets.some((x) => x.id === QWEN && x.kind === 'base' && x.target.ok));
    assert.equal((await b.deploy(modelId, () => Promise.reject(new Error('not asked again')))).status, 'exists');
  });

  it('a LoRA on a serverless-LoRA base answers by name without a deployment', async () => {
    const b = backend();
    const r = await runStartFineTune(deps(b), new ScriptedUi(), { datasetFolder: folder, baseModel: GLM, suffix: 'glm', assumeYes: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    await runUntil(emu, b, r.job.id, (s) => s === 'succeeded');
    const model = (await b.getJob(r.job.id)).fineTunedModel ?? '';
    const t = b.chatTarget(model);
    assert.deepEqual(t.ok && t.model, model);
    assert.match(await chat(model), /obstacle is the way/);
  });

  it('bad input: wrong key, no account ID, a base it cannot tune, an invalid suffix, 429 with retry-after, a server-side failure, an unused upload deleted', async () => {
    await assert.rejects(
      backend({ key: 'fw_wrong' }).listJobs(),
      (e: unknown) => e instanceof BackendError && e.info.kind === 'auth' && /unauthenticated/.test(e.info.message),
    );
    await assert.rejects(
      backend({ account: '' }).listJobs(),
      (e: unknown) => e instanceof BackendError && /socratune\.fireworks\.accountId/.test(e.info.message),
    );
    const kimi = await runStartFineTune(deps(backend()), new ScriptedUi(), {
      datasetFolder: folder,
      baseModel: 'accounts/fireworks/models/kimi-k2-instruct-0905',
      assumeYes: true,
    });
    assert.equal(kimi.status, 'blocked');
    if (kimi.status === 'blocked') assert.match(kimi.message, /cannot be fine-tuned on Fireworks AI/);
    const badSuffix = await runStartFineTune(deps(backend()), new ScriptedUi(), {
      datasetFolder: folder,
      baseModel: QWEN,
      suffix: 'Journal_v1.2',
      assumeYes: true,
    });
    assert.equal(badSuffix.status, 'blocked');
    if (badSuffix.status === 'blocked') assert.match(badSuffix.message, /lowercase letters, digits and "-"/);
    assert.ok(!sent.some((s) => s.url.includes(':upload')), 'nothing uploaded for refused input');
    await assert.rejects(
      backend({ headers: { 'x-emulator-fault': '429;retry-after=7' } }).listJobs(),
      (e: unknown) => e instanceof BackendError && e.info.kind === 'rate-limit' && e.info.retryAfterMs === 7000,
    );
    const failing = backend({
      headers: { 'x-emulator-fault': 'job-fail;at=running;message=CUDA out of memory;path=/accounts/emulator/supervisedFineTuningJobs' },
    });
    const r = await runStartFineTune(deps(failing), new ScriptedUi(), { datasetFolder: folder, baseModel: QWEN, suffix: 'oom', assumeYes: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    assert.equal(await runUntil(emu, backend(), r.job.id, (s) => s === 'failed' || s === 'succeeded'), 'failed');
    const failed = await backend().getJob(r.job.id);
    assert.equal(failed.rawStatus, 'JOB_STATE_FAILED');
    assert.match(failed.error?.message ?? '', /CUDA out of memory/);
    // A create the server refuses after a fresh upload: the datasets uploaded for it are deleted again.
    await writeDataset(dir, 'other', 12, { salt: 'refused' });
    const refusing = backend({ headers: { 'x-emulator-fault': '400;path=/accounts/emulator/supervisedFineTuningJobs' } });
    const refused = await runStartFineTune(deps(refusing), new ScriptedUi(), {
      datasetFolder: path.join(dir, '.socratune', 'datasets', 'other'),
      baseModel: QWEN,
      assumeYes: true,
    });
    assert.equal(refused.status, 'failed', JSON.stringify(refused));
    if (refused.status === 'failed') assert.match(refused.error?.message ?? '', /were deleted again/);
    assert.ok(sent.some((s) => s.method === 'DELETE' && /\/datasets\/socratune-/.test(s.url)));
  });

  it('chats at the inference API beside the control plane (default https://api.fireworks.ai/v1 → …/inference/v1); a base URL not ending in /v1 is refused', () => {
    const p = { ...profile(), baseUrl: '' };
    assert.deepEqual(resolveBaseUrl(p), { ok: true, baseURL: 'https://api.fireworks.ai/inference/v1' });
    assert.deepEqual(resolveBaseUrl({ ...p, baseUrl: 'http://127.0.0.1:9/v1/' }), { ok: true, baseURL: 'http://127.0.0.1:9/inference/v1' });
    const bad = resolveBaseUrl({ ...p, baseUrl: 'https://api.fireworks.ai/inference' });
    assert.equal(bad.ok, false);
  });

  it('the reference check refuses what Fireworks does not document: an unknown field, a missing required one, a wrong type, an unknown query key', () => {
    const url = '/v1/accounts/emulator/supervisedFineTuningJobs';
    assert.doesNotThrow(() => assertRequest('POST', url, { dataset: 'accounts/emulator/datasets/d', baseModel: QWEN, epochs: 2 }));
    assert.throws(() => assertRequest('POST', url, { dataset: 'd', baseModel: QWEN, nEpochs: 2 }), /"nEpochs" is not in Fireworks' reference/);
    assert.throws(() => assertRequest('POST', url, { baseModel: QWEN }), /required field "dataset"/);
    assert.throws(() => assertRequest('POST', url, { dataset: 'd', epochs: '2' }), /expected an integer/);
    assert.throws(() => assertRequest('POST', `${url}?jobId=x`, { dataset: 'd' }), /query parameter "jobId"/);
    assert.throws(() => assertRequest('POST', '/v1/accounts/emulator/fine-tunes', {}), /not one of Fireworks' documented calls/);
  });

  it('turns a grpc Status error body into the SDK’s {error} shape, keeping anything else', () => {
    assert.deepEqual(openaiErrorBody({ code: 5, message: 'model not found', details: [] }), {
      error: { message: 'model not found', code: 'NOT_FOUND', type: 'fireworks_error', param: null },
    });
    assert.deepEqual(openaiErrorBody({ error: { message: 'x' } }), { error: { message: 'x' } });
  });
});
