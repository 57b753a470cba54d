import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createBackend } from '../../../src/core/backends';
import { deploymentNameError } from '../../../src/core/backends/azure';
import { parseModelId } from '../../../src/core/backends/modelIds';
import { createClient } from '../../../src/core/config/client';
import { Fixture, PROFILE, chatJsonl, fixture } from './helpers';

interface Seen {
  method: string;
  url: string;
  apiKey?: string;
}

/**
 * A stand-in for an Azure resource endpoint: records what the SDK sends to `{endpoint}/openai/v1/…`
 * and forwards it to the emulator's `/v1/…`, so the whole path (SDK → HTTP → server) is real.
 */
async function azureFront(emuUrl: string, seen: Seen[]): Promise<{ endpoint: string; close(): Promise<void> }> {
  const target = new URL(emuUrl);
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', apiKey: req.headers['api-key'] as string | undefined });
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

describe('Azure OpenAI v1 backend', function () {
  this.timeout(30_000);
  let f: Fixture;
  const seen: Seen[] = [];
  let front: { endpoint: string; close(): Promise<void> };
  before(async () => {
    f = await fixture();
    front = await azureFront(f.emu.url, seen);
  });
  after(async () => {
    await front.close();
    await f.close();
  });

  function azure(deployments: Record<string, string> = {}) {
    const profile = { ...PROFILE, provider: 'azure' as const, azureEndpoint: front.endpoint };
    const r = createClient(profile, f.emu.key, { maxRetries: 0 });
    if (!r.ok) throw new Error(r.message);
    return createBackend(profile, r.client, r.baseURL, { azureDeployments: deployments });
  }

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
});
