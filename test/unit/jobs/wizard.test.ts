import { strict as assert } from 'node:assert';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { BackendErrorInfo } from '../../../src/core/backends/errors';
import { ManifestStore, METADATA_KEYS, datasetContentHash, sha256Hex } from '../../../src/core/jobs/manifest';
import { LaunchSummary, runStartFineTune } from '../../../src/core/jobs/wizard';
import { coreWizardDeps } from '../../../src/core/jobs/wizardDeps';
import { Fixture, SYSTEM_PROMPT, fixture, writeDataset } from '../backends/helpers';
import { ScriptedUi } from './scriptedUi';
import { DatasetRepository } from '../../../src/core/dataset/repository';
import { AZURE_RULES } from '../../../src/core/backends/rules';

const repoAt = (root: string) => new DatasetRepository({ roots: () => [root], folderSetting: () => undefined, activeFolder: () => undefined });

describe('fine-tune wizard (core logic, scripted UI, emulator over HTTP)', function () {
  this.timeout(60_000);
  let f: Fixture;
  let manifests: ManifestStore;
  before(async () => {
    f = await fixture();
    manifests = new ManifestStore(path.join(f.dir, 'manifests'));
  });
  after(() => f.close());

  const deps = (extra: Partial<Parameters<typeof coreWizardDeps>[0]> = {}) =>
    coreWizardDeps({ backend: f.backend(), datasets: repoAt(f.dir), manifests, defaultBaseModel: 'gpt-4.1-mini-2025-04-14', ...extra });

  it('walks every step and creates a job with metadata and a manifest', async () => {
    const ds = await writeDataset(f.dir, 'journal', 12, { validation: 10, salt: 'wiz' });
    const ui = new ScriptedUi({ hyperparameters: { nEpochs: '2', batchSize: 'auto', learningRateMultiplier: '0.5' }, suffix: 'journal-v1', seed: '42' });
    const privacy = { findings: 2, summary: '2 e-mail addresses', details: ['line 3: a@b.c', 'line 9: d@e.f'] };
    const r = await runStartFineTune(deps({ privacyScan: async () => privacy }), ui);
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    assert.deepEqual(
      ui.kinds().filter((k) => k !== 'progress'),
      ['pickDataset', 'warnings', 'privacy', 'pickBaseModel', 'hyperparameter', 'hyperparameter', 'hyperparameter', 'suffix', 'seed', 'confirm'],
    );
    assert.deepEqual(ui.shown.find((s) => s.kind === 'privacy')?.detail, privacy);
    const summary = ui.shown.find((s) => s.kind === 'confirm')?.detail as LaunchSummary;
    assert.equal(summary.method, 'supervised');
    assert.ok(summary.cost && summary.cost.usd > 0 && summary.cost.epochs === 2, 'cost estimate with the chosen epochs');
    assert.match(summary.costNote ?? '', /emulator charges nothing/);
    const job = r.job;
    assert.equal(job.baseModel, 'gpt-4.1-mini-2025-04-14');
    assert.equal(job.suffix, 'journal-v1');
    assert.equal(job.seed, 42);
    const trainHash = createHash('sha256')
      .update(await readFile(ds.train))
      .digest('hex');
    const valHash = createHash('sha256')
      .update(await readFile(ds.validation ?? ''))
      .digest('hex');
    assert.equal(job.metadata[METADATA_KEYS.dataset], 'journal');
    assert.equal(job.metadata[METADATA_KEYS.datasetHash], datasetContentHash(trainHash, valHash));
    assert.equal(job.metadata[METADATA_KEYS.promptHash], sha256Hex(SYSTEM_PROMPT));
    const m = await manifests.load(job.id);
    assert.ok(m);
    assert.equal(m?.systemPrompt?.text, SYSTEM_PROMPT);
    assert.equal(m?.files.training.sha256, trainHash);
    assert.equal(m?.files.validation?.sha256, valHash);
    assert.deepEqual(m?.hyperparameters, { nEpochs: 2, batchSize: 'auto', learningRateMultiplier: 0.5 });
    assert.equal(m?.backend.kind, 'emulator');
    assert.equal(m?.dataset.folder, ds.folder);
  });

  it('reuses identical uploads on a second launch', async () => {
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'journal'), suffix: '', seed: '' });
    const r = await runStartFineTune(deps(), ui, { assumeYes: true });
    assert.equal(r.status, 'created');
    if (r.status === 'created') {
      assert.equal(r.manifest.files.training.reused, true);
      assert.equal(r.manifest.files.validation?.reused, true);
    }
    assert.ok(ui.progress.some((p) => /reused/.test(p)));
  });

  it('sends nothing before the final confirmation, which shows the files, sizes, example counts, backend and cost', async () => {
    const ds = await writeDataset(f.dir, 'consent', 12, { validation: 10, salt: 'consent' });
    const before = f.emu.requests.length;
    let sentBeforeConsent: string[] = [];
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'consent'), launch: false });
    const origConfirm = ui.confirmLaunch.bind(ui);
    ui.confirmLaunch = async (summary) => {
      sentBeforeConsent = f.emu.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      return origConfirm(summary);
    };
    const r = await runStartFineTune(deps(), ui);
    assert.equal(r.status, 'cancelled');
    if (r.status !== 'cancelled') return;
    assert.equal(r.step, 'confirm');
    const uploads = (list: string[]) => list.filter((x) => /^POST .*\/(files|uploads)/.test(x));
    assert.deepEqual(uploads(sentBeforeConsent), [], 'no upload before the confirmation');
    assert.deepEqual(uploads(f.emu.requests.slice(before).map((x) => `${x.method} ${x.path}`)), [], 'no upload after declining');
    const s = r.summary;
    assert.ok(s);
    assert.equal(s?.files.training.path, ds.train);
    assert.equal(s?.files.training.bytes, (await readFile(ds.train)).length);
    assert.equal(s?.files.training.examples, 12);
    assert.equal(s?.files.validation?.examples, 10);
    assert.equal(s?.baseURL, f.emu.url);
    assert.ok(s?.cost && s.cost.usd > 0);
  });

  it('deletes the files it uploaded when the job cannot be created, and says so', async () => {
    await writeDataset(f.dir, 'orphan', 12, { salt: 'orphan-upload' });
    const backend = f.backend({ headers: { 'x-emulator-fault': '400;path=/fine_tuning/jobs;message=bad request' } });
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'orphan') });
    const r = await runStartFineTune({ ...deps(), backend }, ui, { assumeYes: true });
    assert.equal(r.status, 'failed');
    if (r.status !== 'failed') return;
    assert.match(r.error.message, /deleted again \(file-/);
    const id = /\((file-[\w-]+)/.exec(r.error.message)?.[1] ?? '';
    await assert.rejects(f.backend().fileInfo(id), 'the unused upload is gone');
  });

  it('takes its steps and checks from the backend: a server that cannot estimate the cost says so, a model token limit blocks', async () => {
    await writeDataset(f.dir, 'rules', 12, { salt: 'rules' });
    const compatible = f.backend({ provider: 'openai-compatible' });
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'rules'), launch: false });
    const r = await runStartFineTune({ ...deps(), backend: compatible }, ui);
    assert.equal(r.status, 'cancelled');
    const summary = r.status === 'cancelled' ? r.summary : undefined;
    assert.equal(summary?.cost, null);
    assert.match(summary?.costNote ?? '', /cannot estimate the cost/);
    // A backend whose model takes fewer tokens per example than the longest example: blocked before anything is sent.
    const before = f.emu.requests.length;
    const tight = Object.create(f.backend(), {
      tunableModels: { value: async () => [{ id: 'gpt-4.1-mini-2025-04-14', label: 'tight', methods: ['supervised'], maxExampleTokens: 5, listed: true }] },
    }) as ReturnType<Fixture['backend']>;
    const b = await runStartFineTune({ ...deps(), backend: tight }, new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'rules') }));
    assert.equal(b.status, 'blocked');
    if (b.status === 'blocked') assert.match(b.message, /at most 5 per example/);
    assert.deepEqual(
      f.emu.requests.slice(before).filter((x) => x.method === 'POST'),
      [],
    );
  });

  it("asks the backend's own choices and sends them (Azure-style trainingType), refusing values it does not offer", async () => {
    const azureLike = Object.create(f.backend(), { launchRules: { value: AZURE_RULES } }) as ReturnType<Fixture['backend']>;
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'rules'), choices: { trainingType: 'GlobalStandard' }, launch: false });
    const r = await runStartFineTune({ ...deps(), backend: azureLike }, ui);
    assert.ok(ui.kinds().includes('choice'));
    assert.equal(r.status, 'cancelled');
    if (r.status === 'cancelled') {
      // Chosen by its name in the wizard, sent as the API spells it.
      assert.deepEqual(r.summary?.choices, { trainingType: 'globalstandard' });
      assert.equal(r.summary?.suffix, 'rules');
    }
    const bad = await runStartFineTune(
      { ...deps(), backend: azureLike },
      new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'rules'), suffix: 'v1.2' }),
    );
    assert.equal(bad.status, 'blocked');
    if (bad.status === 'blocked') assert.match(bad.message, /no "\."/);
    const odd = await runStartFineTune({ ...deps(), backend: azureLike }, new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'rules') }), {
      choices: { trainingType: 'Premium' },
      assumeYes: true,
    });
    assert.equal(odd.status, 'blocked');
    if (odd.status === 'blocked') assert.match(odd.message, /Standard, GlobalStandard, Developer/);
  });

  it('blocks on validation errors without uploading anything', async () => {
    const bad = await writeDataset(f.dir, 'broken', 12, { salt: 'broken' });
    await appendFile(bad.train, '{"messages": [{"role": "user", "content": "no answer"}]}\nnot json\n');
    const before = f.emu.requests.length;
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'broken') });
    const r = await runStartFineTune(deps(), ui);
    assert.equal(r.status, 'blocked');
    assert.equal(f.emu.requests.length, before, 'no request was sent');
    assert.ok(ui.kinds().includes('blocked'));
  });

  it('asks about warnings and stops when declined', async () => {
    const warn = await writeDataset(f.dir, 'warned', 12, { salt: 'warn' });
    // An example without a system message → a warning from the validator.
    const lines = (await readFile(warn.train, 'utf8')).trim().split('\n');
    lines[0] = JSON.stringify({
      messages: [
        { role: 'user', content: 'Hi there?' },
        { role: 'assistant', content: 'Hello, friend.' },
      ],
    });
    await writeFile(warn.train, lines.join('\n') + '\n');
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'warned'), acceptWarnings: false });
    const r = await runStartFineTune(deps(), ui);
    assert.deepEqual(r, { status: 'cancelled', step: 'validation' });
  });

  it('rejects out-of-range hyperparameters and a bad suffix from any UI', async () => {
    const a = await runStartFineTune(deps(), new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'journal'), hyperparameters: { nEpochs: '0' } }));
    assert.equal(a.status, 'blocked');
    if (a.status === 'blocked') assert.match(a.message, /Epochs/);
    const b = await runStartFineTune(deps(), new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'journal'), suffix: 'bad suffix' }));
    assert.equal(b.status, 'blocked');
    const c = await runStartFineTune(deps(), new ScriptedUi({ dataset: (x) => x.find((d) => d.name === 'journal'), model: 'gpt-4.1-nano-2025-04-14' }));
    assert.equal(c.status, 'blocked', 'a shut-down model is not tunable');
  });

  it('stops cleanly when the upload is cancelled', async () => {
    await writeDataset(f.dir, 'cancelme', 12, { salt: 'cancel-upload' });
    const r = await runStartFineTune(deps(), new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'cancelme'), cancelProgress: /^Uploading/ }));
    assert.deepEqual(r, { status: 'cancelled', step: 'upload' });
  });

  it('explains the OpenAI wind-down when creation is refused, and writes no manifest', async () => {
    const openai = f.backend({ provider: 'openai', headers: { 'x-emulator-fault': '403;path=/fine_tuning/jobs' } });
    const before = (await manifests.list()).length;
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'journal') });
    const r = await runStartFineTune({ ...deps(), backend: openai }, ui, { assumeYes: true });
    assert.equal(r.status, 'failed');
    const err = ui.shown.find((s) => s.kind === 'error')?.detail as BackendErrorInfo;
    assert.equal(err.kind, 'finetune-unavailable');
    assert.match(err.message, /2027-01-06/);
    assert.equal((await manifests.list()).length, before);
  });

  it('non-interactive (assumeYes) takes defaults for everything not preset, and asks nothing', async () => {
    const ds = path.join(f.dir, '.socratune', 'datasets', 'journal');
    const ui = new ScriptedUi({ hyperparameters: { nEpochs: '0' } });
    const r = await runStartFineTune(deps(), ui, { datasetFolder: ds, hyperparameters: { nEpochs: 2 }, assumeYes: true });
    assert.equal(r.status, 'created', JSON.stringify(r));
    assert.deepEqual(
      ui.kinds().filter((k) => k !== 'progress'),
      [],
    );
    if (r.status === 'created') {
      assert.equal(r.job.baseModel, 'gpt-4.1-mini-2025-04-14');
      assert.deepEqual(r.manifest.hyperparameters, { nEpochs: 2, batchSize: 'auto', learningRateMultiplier: 'auto' });
      assert.equal(r.manifest.suffix, 'journal');
      assert.equal(r.manifest.seed, undefined);
    }
  });

  it('uses presets (command arguments / Re-run on…) without asking', async () => {
    const ds = path.join(f.dir, '.socratune', 'datasets', 'journal');
    const ui = new ScriptedUi();
    const r = await runStartFineTune(deps(), ui, {
      datasetFolder: ds,
      baseModel: 'gpt-4o-mini-2024-07-18',
      hyperparameters: { nEpochs: 1 },
      suffix: 'again',
      seed: 3,
      assumeYes: true,
      rerunOf: { jobId: 'ftjob-old', backend: 'openai' },
    });
    assert.equal(r.status, 'created');
    assert.deepEqual(
      ui.kinds().filter((k) => k !== 'progress' && k !== 'hyperparameter'),
      [],
    );
    if (r.status === 'created') {
      assert.equal(r.job.baseModel, 'gpt-4o-mini-2024-07-18');
      assert.deepEqual(r.manifest.rerunOf, { jobId: 'ftjob-old', backend: 'openai' });
    }
  });
});
