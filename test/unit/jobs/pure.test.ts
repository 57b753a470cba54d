import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { normalizeEvent, normalizeJob, normalizeModel, toMillis } from '../../../src/core/backends/normalize';
import { age, jobDescription, jobLabel, jobTooltipMarkdown } from '../../../src/core/jobs/format';
import { JobManifest, ManifestStore, buildJobMetadata, datasetContentHash, readJobMetadata, sha256Hex } from '../../../src/core/jobs/manifest';
import { checkPreferenceFile, isPreferenceFile } from '../../../src/core/jobs/preference';
import { mask, scanDatasetPrivacy } from '../../../src/core/jobs/privacy';
import { costFor } from '../../../src/core/jobs/wizardDeps';
import { decodeFromCurvesWebview, decodeToCurvesWebview } from '../../../src/shared/curvesProtocol';

const isFromCurvesWebview = (m: unknown) => decodeFromCurvesWebview(m).ok;
const isToCurvesWebview = (m: unknown) => decodeToCurvesWebview(m).ok;
import { smoothEma } from '../../../src/webview/charts/smoothing';

const NOW = Date.UTC(2026, 10, 26, 12);

describe('job normalization (tolerant of provider drift)', () => {
  it('ignores error {} and null fields on healthy jobs, reads hyperparameters from method, keeps raw', () => {
    const raw = {
      id: 'ftjob-1',
      object: 'fine_tuning.job',
      created_at: 1_790_000_000,
      model: 'gpt-4.1-mini-2025-04-14',
      status: 'paused',
      error: { code: null, message: null, param: null },
      hyperparameters: { n_epochs: 'auto' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 4, batch_size: 'auto', learning_rate_multiplier: '0.5' } } },
      user_provided_suffix: 'journal',
      trained_tokens: null,
      result_files: ['file-r'],
      metadata: { socratune_dataset: 'j', other: 3 },
    };
    const j = normalizeJob(raw, 'openai');
    assert.equal(j.error, undefined);
    assert.equal(j.status, 'paused');
    assert.deepEqual(j.hyperparameters, { nEpochs: 4, batchSize: 'auto', learningRateMultiplier: 0.5 });
    assert.equal(j.suffix, 'journal');
    assert.equal(j.trainedTokens, undefined);
    assert.equal(j.createdAt, 1_790_000_000_000);
    assert.deepEqual(j.metadata, { socratune_dataset: 'j' });
    assert.equal(j.raw, raw);
    assert.equal(normalizeJob({ ...raw, error: {} }, 'openai').error, undefined);
    assert.deepEqual(
      normalizeJob({ ...raw, status: 'failed', error: { code: 'invalid_n_examples', message: 'Too few', param: 'training_file' } }, 'openai').error,
      { code: 'invalid_n_examples', message: 'Too few', param: 'training_file' },
    );
  });

  it('accepts ISO dates and unix ms, drops -1 metrics, reads shutdown dates', () => {
    assert.equal(toMillis('2026-11-26T00:00:00Z'), Date.UTC(2026, 10, 26));
    assert.equal(toMillis(1_790_000_000_000), 1_790_000_000_000);
    const e = normalizeEvent({
      id: 'e',
      created_at: '2026-11-26T00:00:00Z',
      level: 'info',
      message: 'Step 2',
      type: 'metrics',
      data: { step: 2, train_loss: 0.5, valid_loss: -1 },
    });
    assert.deepEqual(e.metrics, { step: 2, train_loss: 0.5 });
    assert.equal(normalizeModel({ id: 'gpt-4o', created: 1, owned_by: 'system', shutdown_date: '2027-01-14' }).shutdownDate, '2027-01-14');
    assert.equal(normalizeModel({ id: 'ft:gpt-4o:o::x', created: 1, owned_by: 'org' }).fineTuned, true);
  });
});

describe('job text', () => {
  const job = normalizeJob(
    {
      id: 'ftjob-9',
      created_at: (NOW - 3 * 3_600_000) / 1000,
      model: 'gpt-4.1-mini-2025-04-14',
      status: 'succeeded',
      trained_tokens: 12_400,
      user_provided_suffix: 'journal',
      metadata: { socratune_dataset: 'journal', socratune_dataset_sha256: 'a'.repeat(64) },
      fine_tuned_model: 'ft:gpt-4.1-mini-2025-04-14:o:journal:x',
    },
    'openai',
  );

  it('describes a job as base model · age · trained tokens', () => {
    assert.equal(jobDescription(job, NOW), 'gpt-4.1-mini-2025-04-14 · 3h ago · 12k tokens');
    assert.equal(jobLabel(job), 'journal — ftjob-9');
    assert.equal(age(NOW - 30_000, NOW), '30s ago');
    assert.equal(age(NOW - 90 * 86_400_000, NOW), new Date(NOW - 90 * 86_400_000).toISOString().slice(0, 10));
  });

  it('escapes markdown in the tooltip', () => {
    const md = jobTooltipMarkdown({ ...job, error: { code: 'x', message: 'bad *bold* [link](http://x)' } }, NOW);
    assert.match(md, /\*\*Succeeded\*\*/);
    assert.match(md, /bad \\\*bold\\\* \\\[link\\\]\\\(http:\/\/x\\\)/);
    assert.match(md, /Trained tokens: 12,400/);
  });
});

describe('manifests and metadata', () => {
  it('builds metadata within OpenAI limits and reads it back', () => {
    const md = buildJobMetadata({ datasetName: 'n'.repeat(600), datasetSha256: 'b'.repeat(64), promptSha256: sha256Hex('p') });
    assert.ok(Object.keys(md).length <= 16);
    for (const [k, v] of Object.entries(md)) assert.ok(k.length <= 64 && v.length <= 512);
    assert.equal(readJobMetadata(md).promptSha256, sha256Hex('p'));
    assert.notEqual(datasetContentHash('a'), datasetContentHash('a', 'b'));
  });

  it('stores manifests atomically and ignores files that are not manifests', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'socratune-manifests-'));
    try {
      const store = new ManifestStore(dir);
      const m: JobManifest = {
        version: 1,
        jobId: 'ftjob-abc',
        createdAt: '2026-11-26T00:00:00Z',
        backend: { kind: 'emulator', label: 'Socratune emulator', baseURL: 'http://127.0.0.1:1/v1' },
        dataset: { name: 'j', folder: '/ws/.socratune/datasets/j', sha256: 'c'.repeat(64) },
        files: { training: { path: '/ws/t.jsonl', sha256: 'd'.repeat(64), bytes: 10, fileId: 'file-1', filename: 't.jsonl', reused: false } },
        baseModel: 'gpt-4.1-mini-2025-04-14',
        method: 'supervised',
        hyperparameters: { nEpochs: 3 },
        metadata: {},
      };
      await store.save(m);
      assert.deepEqual(await store.load('ftjob-abc'), m);
      await writeFile(path.join(dir, 'junk.json'), '{"version":2}');
      // Shaped like a manifest but wrong inside: the schema refuses it rather than handing out a half-typed value.
      await writeFile(path.join(dir, 'bad-kind.json'), JSON.stringify({ ...m, jobId: 'bad-kind', backend: { ...m.backend, kind: 'mars' } }));
      await writeFile(path.join(dir, 'bad-epochs.json'), JSON.stringify({ ...m, jobId: 'bad-epochs', hyperparameters: { nEpochs: 'three' } }));
      await writeFile(path.join(dir, 'no-file.json'), JSON.stringify({ ...m, jobId: 'no-file', files: {} }));
      await writeFile(path.join(dir, 'torn.json'), JSON.stringify(m).slice(0, 80));
      assert.equal(await store.load('bad-kind'), undefined);
      assert.deepEqual(
        (await store.list()).map((x) => x.jobId),
        ['ftjob-abc'],
      );
      assert.equal(await store.load('missing'), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dataset checks for the wizard', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'socratune-wizard-checks-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('recognizes and checks preference (DPO) files', async () => {
    const good = (i: number) =>
      JSON.stringify({
        input: { messages: [{ role: 'user', content: `q${i}` }] },
        preferred_output: [{ role: 'assistant', content: 'good' }],
        non_preferred_output: [{ role: 'assistant', content: 'bad' }],
      });
    const f = path.join(dir, 'dpo.jsonl');
    await writeFile(
      f,
      [...Array.from({ length: 10 }, (_, i) => good(i)), JSON.stringify({ input: { messages: [] }, preferred_output: [], non_preferred_output: [] })].join(
        '\n',
      ) + '\n',
    );
    assert.equal(await isPreferenceFile(f), true);
    const r = await checkPreferenceFile(f, { purpose: 'train' });
    assert.equal(r.examples, 11);
    assert.equal(r.errorCount, 1);
    assert.equal(r.errors[0].line, 11);
    const sft = path.join(dir, 'sft.jsonl');
    await writeFile(sft, JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) + '\n');
    assert.equal(await isPreferenceFile(sft), false);
  });

  it('reports personal data with masked excerpts', async () => {
    const t = path.join(dir, 'pii-train.jsonl');
    await writeFile(
      t,
      JSON.stringify({
        messages: [
          { role: 'user', content: 'Mail me at marcus.aurelius@example.com' },
          { role: 'assistant', content: 'Call +44 20 7946 0958.' },
        ],
      }) + '\n',
    );
    const r = await scanDatasetPrivacy({ name: 'p', folder: dir, trainPath: t });
    assert.ok(r.findings >= 1);
    assert.match(r.summary, /email address/);
    assert.ok(
      r.details.every((d) => !d.includes('marcus.aurelius@example.com')),
      'excerpts are masked',
    );
    assert.equal(mask('secret-value'), 'se••••••••e');
    const clean = path.join(dir, 'clean.jsonl');
    await writeFile(
      clean,
      JSON.stringify({
        messages: [
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: 'world' },
        ],
      }) + '\n',
    );
    assert.equal((await scanDatasetPrivacy({ name: 'c', folder: dir, trainPath: clean })).findings, 0);
  });

  it('estimates cost from billable tokens × epochs at the model price (auto epochs by the cookbook rule)', () => {
    const check = {
      model: 'gpt-4.1-mini-2025-04-14',
      preference: false,
      examples: 20,
      errors: [],
      errorCount: 0,
      warnings: [],
      warningCount: 0,
      billableTokens: 10_000,
    };
    const auto = costFor('gpt-4.1-mini-2025-04-14', check, 'auto');
    assert.ok(auto);
    assert.equal(auto?.epochs, 5); // 100 // 20
    assert.equal(auto?.defaultEpochs, true);
    assert.equal(auto?.trainedTokens, 50_000);
    assert.equal(auto?.usd, (50_000 * 5) / 1_000_000);
    const fixed = costFor('gpt-4.1-mini-2025-04-14', check, 2);
    assert.equal(fixed?.epochs, 2);
    assert.equal(fixed?.defaultEpochs, false);
    assert.equal(costFor('some-unknown-model', check, 2), null);
    assert.equal(costFor('gpt-4.1-mini-2025-04-14', { ...check, billableTokens: undefined }, 2), null);
  });
});

describe('training curves: smoothing and message guards', () => {
  it('smooths with a debiased EMA and keeps gaps', () => {
    assert.deepEqual(smoothEma([1, 1, 1], 0.9), [1, 1, 1]);
    const s = smoothEma([0, 10, undefined, 10], 0.5);
    assert.equal(s[0], 0);
    assert.ok(Math.abs((s[1] ?? 0) - 20 / 3) < 1e-9);
    assert.equal(s[2], undefined);
    assert.deepEqual(smoothEma([3, 4], 0), [3, 4]);
  });

  it('accepts only well-formed messages in both directions', () => {
    assert.equal(isFromCurvesWebview({ type: 'curves/ready' }), true);
    assert.equal(isFromCurvesWebview({ type: 'curves/ready', extra: 1 }), false);
    assert.equal(isFromCurvesWebview({ type: 'curves/removeJob', jobId: '' }), false);
    assert.equal(isFromCurvesWebview({ type: 'curves/rendered', series: 1, points: 2, logScale: 'yes', learningRate: false }), false);
    assert.equal(isFromCurvesWebview({ type: 'curves/rendered', series: 1, points: 2, logScale: true, learningRate: false }), true);
    assert.equal(isFromCurvesWebview({ type: 'run', command: 'x' }), false);
    const series = {
      jobId: 'j',
      label: 'l',
      hyperparameters: 'h',
      status: 'running',
      live: true,
      source: 'events',
      points: [{ step: 1, trainLoss: 0.5 }],
      checkpoints: [{ step: 1, modelId: 'm' }],
    };
    assert.equal(isToCurvesWebview({ type: 'curves/state', series: [series] }), true);
    assert.equal(isToCurvesWebview({ type: 'curves/state', series: [{ ...series, points: [{ step: 1, trainLoss: 'NaN' }] }] }), false);
    assert.equal(isToCurvesWebview({ type: 'curves/state', series: [{ ...series, source: 'disk' }] }), false);
  });
});
