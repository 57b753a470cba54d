import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { BackendError } from '../../../src/core/backends';
import { OPENAI_WIND_DOWN, retryAfterMs } from '../../../src/core/backends/errors';
import { createClient } from '../../../src/core/config/client';
import { createBackend } from '../../../src/core/backends';
import { Fixture, PROFILE, chatJsonl, fixture } from './helpers';

async function caught(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BackendError, `expected BackendError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('backend errors are explained (emulator faults over HTTP)', function () {
  this.timeout(30_000);
  let f: Fixture;
  let trainingFileId: string;
  before(async () => {
    f = await fixture();
    const p = path.join(f.dir, 't.jsonl');
    await writeFile(p, chatJsonl(12));
    trainingFileId = (await f.backend().upload({ path: p })).id;
  });
  after(() => f.close());

  const spec = () => ({ baseModel: 'gpt-4.1-mini-2025-04-14', trainingFileId, method: 'supervised' as const, hyperparameters: {} });

  it('explains a 403 on job creation from OpenAI as the fine-tuning wind-down, with dates and a way out', async () => {
    const openai = f.backend({
      provider: 'openai',
      headers: { 'x-emulator-fault': '403;path=/fine_tuning/jobs;message=This organization does not have access to fine-tuning' },
    });
    assert.equal(openai.kind, 'openai');
    const e = await caught(openai.createJob(spec()));
    assert.equal(e.info.kind, 'finetune-unavailable');
    assert.equal(e.info.status, 403);
    for (const date of [OPENAI_WIND_DOWN.neverFineTuned, OPENAI_WIND_DOWN.noRecentInference, OPENAI_WIND_DOWN.everyone])
      assert.ok(e.info.message.includes(date), date);
    assert.ok(e.info.message.includes(OPENAI_WIND_DOWN.url));
    assert.match(e.info.message, /Choose Backend/);
    assert.match(e.info.message, /does not have access to fine-tuning/);
    assert.deepEqual(e.info.actions, ['chooseBackend', 'windDownInfo']);
  });

  it('does not blame the wind-down for a 403 elsewhere', async () => {
    const other = f.backend({ headers: { 'x-emulator-fault': '403' } });
    const e = await caught(other.createJob(spec()));
    assert.equal(e.info.kind, 'forbidden');
    const openaiList = await caught(f.backend({ provider: 'openai', headers: { 'x-emulator-fault': '403' } }).listJobs());
    assert.equal(openaiList.info.kind, 'forbidden');
  });

  it('a bad key offers "Set API Key"', async () => {
    const e = await caught(f.backend({ key: 'sk-wrong-key-123456' }).listJobs());
    assert.equal(e.info.kind, 'auth');
    assert.deepEqual(e.info.actions, ['setApiKey']);
    assert.ok(!e.info.message.includes('sk-wrong-key-123456'), 'the key is not echoed');
  });

  it("429 carries the server's retry-after", async () => {
    const e = await caught(f.backend({ headers: { 'x-emulator-fault': '429;retry-after-ms=4500' } }).listJobs());
    assert.equal(e.info.kind, 'rate-limit');
    assert.equal(e.info.retryAfterMs, 4500);
    const s = await caught(f.backend({ headers: { 'x-emulator-fault': '429;retry-after=7' } }).listJobs());
    assert.equal(s.info.retryAfterMs, 7000);
    const q = await caught(f.backend({ headers: { 'x-emulator-fault': '429;code=insufficient_quota;message=You exceeded your current quota' } }).listJobs());
    assert.equal(q.info.kind, 'quota');
  });

  it('5xx and network failures are transient and say so', async () => {
    const e = await caught(f.backend({ headers: { 'x-emulator-fault': '503' } }).listJobs());
    assert.equal(e.info.kind, 'server');
    assert.equal(e.info.status, 503);
    const r = createClient({ ...PROFILE, baseUrl: 'http://127.0.0.1:9/v1' }, 'k', { maxRetries: 0, timeoutMs: 5000 });
    assert.ok(r.ok);
    if (!r.ok) return;
    const down = createBackend({ ...PROFILE, baseUrl: 'http://127.0.0.1:9/v1' }, r.client, r.baseURL);
    const n = await caught(down.listJobs());
    assert.equal(n.info.kind, 'network');
    assert.match(n.info.message, /Cannot connect/);
  });

  it('a rejected request keeps the server message and parameter', async () => {
    const e = await caught(f.backend().createJob({ ...spec(), baseModel: 'not-a-model' }));
    assert.equal(e.info.kind, 'bad-request');
    assert.ok(e.info.message.length > 10);
    assert.match(e.info.message, /dataset is unchanged/);
  });

  it('parses retry-after headers in all forms', () => {
    const h = (o: Record<string, string>) => ({ get: (k: string) => o[k] ?? null });
    assert.equal(retryAfterMs(h({ 'retry-after-ms': '250' })), 250);
    assert.equal(retryAfterMs(h({ 'retry-after': '3' })), 3000);
    assert.equal(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000), 6000);
    assert.equal(retryAfterMs(h({})), undefined);
  });
});
