import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createBackend } from '../../../src/core/backends';
import { deploymentNameError } from '../../../src/core/backends/azure';
import { parseModelId } from '../../../src/core/backends/modelIds';
import { AZURE_RULES, suffixError } from '../../../src/core/backends/rules';
import { createClient } from '../../../src/core/config/client';
import { DatasetRepository } from '../../../src/core/dataset/repository';
import { ManifestStore } from '../../../src/core/jobs/manifest';
import { runStartFineTune } from '../../../src/core/jobs/wizard';
import { coreWizardDeps } from '../../../src/core/jobs/wizardDeps';
import { ScriptedUi } from '../jobs/scriptedUi';
import { Fixture, PROFILE, chatJsonl, fixture, runUntil, writeDataset } from './helpers';

interface Seen {
  method: string;
  url: string;
  apiKey?: string;
  body?: unknown;
}

/**
 * A stand-in for an Azure resource endpoint: records what the SDK sends to `{endpoint}/openai/v1/…`
 * and forwards it to the emulator's `/v1/…`, so the whole path (SDK → HTTP → server) is real.
 */
async function azureFront(emuUrl: string, seen: Seen[]): Promise<{ endpoint: string; close(): Promise<void> }> {
  const target = new URL(emuUrl);
  const server = http.createServer((req, res) => {
    const entry: Seen = { method: req.method ?? '', url: req.url ?? '', apiKey: req.headers['api-key'] as string | undefined };
    seen.push(entry);
    if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => (entry.body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown));
    }
    const forwardPath = (req.url ?? '').replace(/^\/openai\/v1/, '/v1');
    const headers = { ...req.headers, host: target.host };
    const up = http.request({ host: target.hostname, port: target.port, path: forwardPath, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('Azure OpenAI v1 backend (azure flavor of the emulator behind an {endpoint}/openai/v1 front)', function () {
  this.timeout(60_000);
  let f: Fixture;
  const seen: Seen[] = [];
  let front: { endpoint: string; close(): Promise<void> };
  before(async () => {
    f = await fixture({ flavor: 'azure', tokensPerSecond: 0 });
    front = await azureFront(f.emu.url, seen);
  });
  after(async () => {
    await front.close();
    await f.close();
  });

  function azure(deployments: Record<string, string> = {}, now?: () => number) {
    const profile = { ...PROFILE, provider: 'azure' as const, azureEndpoint: front.endpoint };
    const r = createClient(profile, f.emu.key, { maxRetries: 0 });
    if (!r.ok) throw new Error(r.message);
    return createBackend(profile, r.client, r.baseURL, { azureDeployments: deployments, now });
  }
  const deps = (manifests: ManifestStore) =>
    coreWizardDeps({
      backend: azure(),
      datasets: new DatasetRepository({ roots: () => [f.dir], folderSetting: () => undefined, activeFolder: () => undefined }),
      manifests,
      defaultBaseModel: 'gpt-4.1-mini-2025-04-14',
    });
  const creates = () => seen.filter((s) => s.method === 'POST' && s.url.replace(/\?.*$/, '') === '/openai/v1/fine_tuning/jobs');

  it('sends every call to {endpoint}/openai/v1/… with the api-key header', async () => {
    const b = azure();
    assert.equal(b.kind, 'azure');
    assert.equal(b.baseURL, `${front.endpoint}/openai/v1`);
    const p = path.join(f.dir, 'az.jsonl');
    await writeFile(p, chatJsonl(12, 'azure'));
    const up = await b.upload({ path: p });
    const job = await b.createJob({
      baseModel: 'gpt-4.1-mini-2025-04-14',
      trainingFileId: up.id,
      method: 'supervised',
      hyperparameters: { nEpochs: 1 },
      metadata: { socratune_dataset: 'x' },
    });
    await b.listJobs({ limit: 5 });
    await b.getJob(job.id);
    await b.listEvents(job.id);
    await b.listCheckpoints(job.id);
    await b.cancel(job.id);
    assert.ok(seen.length >= 7);
    for (const s of seen) {
      assert.match(s.url, /^\/openai\/v1\//, s.url);
      assert.equal(s.apiKey, f.emu.key);
    }
    const paths = seen.map((s) => `${s.method} ${s.url.replace(/\?.*$/, '')}`);
    assert.ok(paths.includes('POST /openai/v1/files'));
    assert.ok(paths.includes('POST /openai/v1/fine_tuning/jobs'));
    assert.ok(paths.includes(`GET /openai/v1/fine_tuning/jobs/${job.id}/events`));
    assert.ok(paths.includes(`POST /openai/v1/fine_tuning/jobs/${job.id}/cancel`));
    // Azure does not document job metadata: the manifest keeps it locally instead.
    assert.equal(b.capabilities.metadata, false);
    assert.deepEqual(job.metadata, {});
  });

  it('needs a deployment to chat with a fine-tuned model, and uses the mapped deployment name', () => {
    const ft = 'gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef';
    const unmapped = azure().chatTarget(ft);
    assert.equal(unmapped.ok, false, 'an unmapped Azure fine-tune has no chat target');
    assert.equal(!unmapped.ok && unmapped.reason, 'needs-deployment');
    assert.match(!unmapped.ok ? unmapped.message : '', /deployment/i);
    const mapped = azure({ [ft]: 'journal-mentor' }).chatTarget(ft);
    assert.equal(mapped.ok, true);
    assert.equal(mapped.ok && mapped.model, 'journal-mentor');
  });

  it('lists chat targets whose Azure fine-tunes name their deployment, or say why they cannot answer yet', async () => {
    // The emulator lists OpenAI-shaped IDs; an Azure-shaped one is checked through chatTarget, which chatTargets uses for every entry.
    const targets = await azure().chatTargets();
    assert.ok(targets.length > 0);
    for (const t of targets) assert.deepEqual(t.target, azure().chatTarget(t.id), t.id);
    const ft = 'gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef';
    const unmapped = azure().chatTarget(ft);
    assert.equal(unmapped.ok === false && unmapped.reason, 'needs-deployment');
  });

  it('accepts deployment names of letters, digits, ".", "_" and "-" (empty = no deployment), refuses anything else', () => {
    for (const ok of ['journal-mentor', 'gpt-4.1-mini.ft_v2', '  padded  ', '']) assert.equal(deploymentNameError(ok), undefined, ok);
    for (const bad of ['journal mentor', 'a/b', 'ft:gpt-4.1-mini:org:x:1', 'ünïcode', 'x?api-version=1'])
      assert.match(deploymentNameError(bad) ?? '', /letters, digits/, bad);
  });

  it('parses Azure and OpenAI fine-tuned model IDs', () => {
    assert.deepEqual(parseModelId('gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef'), {
      fineTuned: true,
      checkpoint: false,
      base: 'gpt-4.1-mini-2025-04-14',
    });
    assert.equal(parseModelId('ftchkpt-abc123').checkpoint, true);
    assert.deepEqual(parseModelId('ft:gpt-4o-mini-2024-07-18:my-org:journal:9ABel2dg'), {
      fineTuned: true,
      checkpoint: false,
      base: 'gpt-4o-mini-2024-07-18',
      suffix: 'journal',
      step: undefined,
    });
    assert.deepEqual(parseModelId('ft:gpt-4o-mini-2024-07-18:my-org::9ABel2dg:ckpt-step-88'), {
      fineTuned: true,
      checkpoint: true,
      base: 'gpt-4o-mini-2024-07-18',
      suffix: undefined,
      step: 88,
    });
    assert.equal(parseModelId('gpt-4.1-mini').fineTuned, false);
  });

  it("offers Azure's documented tunable models", async () => {
    const models = await azure().tunableModels();
    assert.ok(models.some((m) => m.id === 'gpt-4.1-mini-2025-04-14'));
    assert.ok(models.every((m) => !m.id.startsWith('ft:')));
  });

  it('sends the training type chosen in the wizard as Microsoft spells it, and records it in the job manifest', async () => {
    await writeDataset(f.dir, 'azure-journal', 12, { salt: 'azure' });
    const manifests = new ManifestStore(path.join(f.dir, 'manifests'));
    const ui = new ScriptedUi({ dataset: (c) => c.find((d) => d.name === 'azure-journal'), choices: { trainingType: 'GlobalStandard' }, suffix: 'journal_v2' });
    const r = await runStartFineTune(deps(manifests), ui);
    assert.equal(r.status, 'created', JSON.stringify(r));
    if (r.status !== 'created') return;
    assert.ok(ui.kinds().includes('choice'), 'the training type is asked');
    const body = creates().at(-1)?.body as { trainingType?: string; suffix?: string; metadata?: unknown };
    assert.equal(body.trainingType, 'globalstandard');
    assert.equal(body.suffix, 'journal_v2');
    assert.equal((r.job.raw as { trainingType?: string }).trainingType, 'globalstandard', 'Azure echoes it on the job');
    assert.deepEqual(r.manifest.choices, { trainingType: 'globalstandard' });
    assert.deepEqual((await manifests.load(r.job.id))?.choices, { trainingType: 'globalstandard' }, 'the stored manifest keeps it');
    // Developer is sent as developerTier; the default (assumeYes) is Standard.
    const dev = await runStartFineTune(deps(manifests), new ScriptedUi(), {
      datasetFolder: path.join(f.dir, '.socratune', 'datasets', 'azure-journal'),
      choices: { trainingType: 'Developer' },
      assumeYes: true,
    });
    assert.equal(dev.status, 'created', JSON.stringify(dev));
    assert.equal((creates().at(-1)?.body as { trainingType?: string }).trainingType, 'developerTier');
  });

  it('refuses a suffix Azure would refuse (over 40 characters, or with "."), with a clear message and nothing uploaded', async () => {
    assert.match(suffixError(AZURE_RULES.suffix, 'journal.v2', 'Azure OpenAI') ?? '', /letters, digits, "_" and "-" \(no "\."\)/);
    assert.match(suffixError(AZURE_RULES.suffix, 'x'.repeat(41), 'Azure OpenAI') ?? '', /41 characters; Azure OpenAI allows at most 40/);
    assert.equal(suffixError(AZURE_RULES.suffix, 'A-z_09', 'Azure OpenAI'), undefined);
    await writeDataset(f.dir, 'azure-suffix', 12, { salt: 'suffix' });
    const uploads = seen.filter((s) => s.method === 'POST' && s.url.startsWith('/openai/v1/files')).length;
    const r = await runStartFineTune(deps(new ManifestStore(path.join(f.dir, 'manifests'))), new ScriptedUi(), {
      datasetFolder: path.join(f.dir, '.socratune', 'datasets', 'azure-suffix'),
      suffix: 'v1.2',
      assumeYes: true,
    });
    assert.equal(r.status, 'blocked');
    if (r.status === 'blocked') assert.match(r.message, /no "\."/);
    assert.equal(seen.filter((s) => s.method === 'POST' && s.url.startsWith('/openai/v1/files')).length, uploads, 'nothing uploaded');
  });

  it("carries Azure's retirement dates and stops offering a model once its training has retired", async () => {
    const today = await azure({}, () => Date.parse('2026-12-03T12:00:00Z')).tunableModels();
    const mini = today.find((m) => m.id === 'gpt-4o-mini-2024-07-18');
    assert.equal(mini?.trainingEnds, '2027-04-01');
    assert.equal(mini?.shutdownDate, '2027-10-01');
    assert.equal(today.find((m) => m.id === 'gpt-4.1-2025-04-14')?.trainingEnds, '2027-04-14');
    const april = await azure({}, () => Date.parse('2027-04-05T00:00:00Z')).tunableModels();
    assert.ok(!april.some((m) => m.id.startsWith('gpt-4o')), 'gpt-4o training retired on 2027-04-01');
    assert.ok(
      april.some((m) => m.id === 'gpt-4.1-mini-2025-04-14'),
      'gpt-4.1 trains until 2027-04-14',
    );
    assert.deepEqual(await azure({}, () => Date.parse('2027-04-14T00:00:00Z')).tunableModels(), []);
  });

  it('names checkpoints by the ftchkpt-… ID Azure deploys them under, which needs a deployment to chat', async () => {
    const b = azure();
    const job = creates().length > 0 ? (await b.listJobs({ limit: 10 })).data.find((j) => j.suffix === 'journal_v2') : undefined;
    assert.ok(job, 'the wizard test created a job');
    assert.equal(await runUntil(f.emu, b, job.id, (s) => s === 'succeeded'), 'succeeded');
    const cps = (await b.listCheckpoints(job.id)).data;
    assert.ok(cps.length > 0);
    for (const c of cps) {
      assert.match(c.modelId, /^ftchkpt-[0-9a-f]{32}$/);
      assert.equal(parseModelId(c.modelId).checkpoint, true);
      assert.equal(b.chatTarget(c.modelId).ok, false);
    }
    const mapped = azure({ [cps[0].modelId]: 'journal-ckpt' }).chatTarget(cps[0].modelId);
    assert.deepEqual(mapped, { ok: true, model: 'journal-ckpt', note: `Azure deployment "journal-ckpt" serving ${cps[0].modelId}` });
  });

  it('the azure flavor refuses a training type Azure does not document and a suffix Azure would refuse, as the server would', async () => {
    const profile = { ...PROFILE, provider: 'azure' as const, azureEndpoint: front.endpoint };
    const c = createClient(profile, f.emu.key, { maxRetries: 0 });
    if (!c.ok) throw new Error(c.message);
    const p = path.join(f.dir, 'az-raw.jsonl');
    await writeFile(p, chatJsonl(12, 'azure raw'));
    const up = await azure().upload({ path: p });
    const create = (extra: Record<string, unknown>) =>
      c.client.fineTuning.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: up.id, ...extra } as never, { maxRetries: 0 });
    await assert.rejects(
      create({ trainingType: 'Premium' }),
      /Invalid value for 'trainingType': 'Premium'. Supported values are: standard, globalstandard, developerTier/,
    );
    await assert.rejects(create({ suffix: 'journal.v2' }), /at most 40 characters of a-z, A-Z, 0-9, '-' and '_' \(no '\.'\)/);
    const ok = (await create({ trainingType: 'developerTier', suffix: 'raw' })) as unknown as { trainingType?: string };
    assert.equal(ok.trainingType, 'developerTier');
  });
});
