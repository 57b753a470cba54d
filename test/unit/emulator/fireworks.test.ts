import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { assertResponse } from '../support/fireworksShapes';
import { journalExamples, jsonl } from './support/emulator';

const QWEN = 'accounts/fireworks/models/qwen3-8b';
const GLM = 'accounts/fireworks/models/glm-5p3-flash';

/** The Fireworks flavor over plain HTTP; every response body is checked against fireworks-rest-shapes.json. */
describe('emulator: Fireworks AI flavor (responses checked against fireworks-rest-shapes.json)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let origin = '';
  const A = '/v1/accounts/emulator';

  before(async () => {
    emu = await startEmulator({ flavor: 'fireworks', timeScale: 1, tokensPerSecond: 0 }); // time moves by emu.advance()
    origin = emu.url.replace(/\/v1$/, '');
  });
  after(() => emu.close());

  // The bodies are checked against the reference by assertResponse; the test then reads fields off them freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, body?: unknown, opts: { form?: FormData; key?: string } = {}): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.key ?? emu.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${origin}${path}`, { method, headers, body: opts.form ?? (body !== undefined ? JSON.stringify(body) : undefined) });
    const json: unknown = await res.json();
    assertResponse(method, path, res.status, json);
    return { status: res.status, json };
  }

  const form = (text: string) => {
    const f = new FormData();
    f.set('file', new Blob([text]), 'train.jsonl');
    return f;
  };

  async function dataset(id: string, n = 12): Promise<string> {
    assert.equal((await call('POST', `${A}/datasets`, { datasetId: id, dataset: { displayName: id, exampleCount: String(n), format: 'CHAT' } })).status, 200);
    const up = await call('POST', `${A}/datasets/${id}:upload`, undefined, { form: form(jsonl(journalExamples(n))) });
    assert.equal(up.status, 200, JSON.stringify(up.json));
    return `accounts/emulator/datasets/${id}`;
  }

  async function runToEnd(jobPath: string): Promise<string[]> {
    const states: string[] = [];
    for (let i = 0; i < 400; i++) {
      const { json } = await call('GET', jobPath);
      if (states[states.length - 1] !== json.state) states.push(json.state);
      if (/COMPLETED|FAILED|CANCELLED/.test(json.state)) break;
      emu.advance(20_000);
    }
    return states;
  }

  it('answers 401 with a grpc UNAUTHENTICATED body on a bad key, and 403 for another account', async () => {
    const bad = await call('GET', `${A}/supervisedFineTuningJobs`, undefined, { key: 'fw_wrong' });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.code, 16);
    const other = await call('GET', '/v1/accounts/someone-else/supervisedFineTuningJobs');
    assert.equal(other.status, 403);
    assert.equal(other.json.code, 7);
  });

  it('creates a dataset (UPLOADING), uploads its file (READY, example count as an int64 string) and refuses a bad ID', async () => {
    const created = await call('POST', `${A}/datasets`, { datasetId: 'lake-notes', dataset: { displayName: 'lake', exampleCount: '12', format: 'CHAT' } });
    assert.equal(created.json.state, 'UPLOADING');
    assert.equal(created.json.name, 'accounts/emulator/datasets/lake-notes');
    await call('POST', `${A}/datasets/lake-notes:upload`, undefined, { form: form(jsonl(journalExamples(12))) });
    const got = await call('GET', `${A}/datasets/lake-notes`);
    assert.equal(got.json.state, 'READY');
    assert.equal(got.json.exampleCount, '12');
    const bad = await call('POST', `${A}/datasets`, { datasetId: 'Bad_ID', dataset: {} });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 3);
    assert.equal((await call('POST', `${A}/datasets`, { datasetId: 'lake-notes', dataset: {} })).status, 409);
    assert.equal((await call('DELETE', `${A}/datasets/lake-notes`)).status, 200);
    assert.equal((await call('GET', `${A}/datasets/lake-notes`)).status, 404);
  });

  it('runs a LoRA job VALIDATING → PENDING → RUNNING → … → COMPLETED with progress; the model is READY', async () => {
    const ds = await dataset('journal-a');
    const body = {
      dataset: ds,
      baseModel: QWEN,
      outputModel: 'journal-a-model',
      displayName: 'journal a',
      epochs: 2,
      learningRate: 0.0001,
      loraRank: 16,
      maxContextLength: 4096,
    };
    const created = await call('POST', `${A}/supervisedFineTuningJobs?supervisedFineTuningJobId=job-a`, body);
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.name, 'accounts/emulator/supervisedFineTuningJobs/job-a');
    assert.equal(created.json.state, 'JOB_STATE_VALIDATING');
    const states = await runToEnd(`${A}/supervisedFineTuningJobs/job-a`);
    assert.deepEqual(states.slice(0, 3), ['JOB_STATE_VALIDATING', 'JOB_STATE_PENDING', 'JOB_STATE_RUNNING']);
    assert.equal(states[states.length - 1], 'JOB_STATE_COMPLETED');
    const done = await call('GET', `${A}/supervisedFineTuningJobs/job-a`);
    assert.equal(done.json.jobProgress.percent, 100);
    assert.equal(done.json.outputModel, 'accounts/emulator/models/journal-a-model');
    const model = await call('GET', `${A}/models/journal-a-model`);
    assert.equal(model.json.state, 'READY');
    assert.equal(model.json.kind, 'HF_PEFT_ADDON');
    assert.equal(model.json.peftDetails.baseModel, QWEN);
    const list = await call('GET', `${A}/supervisedFineTuningJobs`);
    assert.ok(list.json.supervisedFineTuningJobs.some((j: { name: string }) => j.name.endsWith('/job-a')));
    assert.equal((await call('GET', '/v1/accounts/fireworks/models/qwen3-8b')).json.kind, 'HF_BASE_MODEL');
  });

  it('a deployed fine-tune answers at the inference API; before that, 404 "not deployed"; deleting the deployment stops it', async () => {
    const model = 'accounts/emulator/models/journal-a-model';
    const chat = (m: string) => call('POST', '/inference/v1/chat/completions', { model: m, messages: [{ role: 'user', content: 'What about anger?' }] });
    const before = await chat(model);
    assert.equal(before.status, 404);
    assert.match(before.json.error.message, /not deployed/);
    const dep = await call('POST', `${A}/deployments?deploymentId=journal-dep`, {
      baseModel: model,
      minReplicaCount: 0,
      maxReplicaCount: 1,
      acceleratorType: 'NVIDIA_H100_80GB',
      acceleratorCount: 1,
      autoscalingPolicy: { scaleToZeroWindow: '300s' },
    });
    assert.equal(dep.status, 200, JSON.stringify(dep.json));
    assert.equal(dep.json.state, 'CREATING');
    assert.equal((await chat(model)).status, 404, 'not yet READY');
    emu.advance(200_000);
    assert.equal((await call('GET', `${A}/deployments/journal-dep`)).json.state, 'READY');
    assert.equal((await call('GET', `${A}/deployments`)).json.deployments.length, 1);
    const answer = await chat(`${model}#accounts/emulator/deployments/journal-dep`);
    assert.equal(answer.status, 200);
    assert.match(answer.json.choices[0].message.content, /anger/i);
    assert.equal((await chat(model)).status, 200, 'the bare name routes to the default deployment');
    assert.equal((await call('GET', `${A}/models/journal-a-model`)).json.deployedModelRefs[0].state, 'DEPLOYED');
    assert.equal((await call('DELETE', `${A}/deployments/journal-dep`)).status, 200);
    assert.equal((await chat(model)).status, 404);
    assert.equal((await call('POST', `${A}/deployments`, { baseModel: 'accounts/emulator/models/nope' })).status, 404);
    const base = await chat(QWEN);
    assert.equal(base.status, 200, 'Fireworks bases answer serverless');
  });

  it('serves a LoRA of a serverless-LoRA base without a deployment', async () => {
    const ds = await dataset('journal-g');
    await call('POST', `${A}/supervisedFineTuningJobs?supervisedFineTuningJobId=job-g`, { dataset: ds, baseModel: GLM, outputModel: 'journal-g' });
    await runToEnd(`${A}/supervisedFineTuningJobs/job-g`);
    const r = await call('POST', '/inference/v1/chat/completions', {
      model: 'accounts/emulator/models/journal-g',
      messages: [{ role: 'user', content: 'morning?' }],
    });
    assert.equal(r.status, 200);
  });

  it('refuses bad jobs with grpc codes: unknown and untunable bases, bad output model ID, long display name, unknown field, dataset not READY', async () => {
    const ds = await dataset('journal-b');
    const post = (b: Record<string, unknown>, q = '') => call('POST', `${A}/supervisedFineTuningJobs${q}`, { dataset: ds, baseModel: QWEN, ...b });
    assert.equal((await post({ baseModel: 'accounts/fireworks/models/nope' })).status, 404);
    assert.equal((await post({ baseModel: 'accounts/fireworks/models/kimi-k2-instruct-0905' })).json.code, 3);
    assert.match((await post({ outputModel: 'Has Spaces' })).json.message, /lowercase/);
    assert.equal((await post({ displayName: 'x'.repeat(65) })).status, 400);
    assert.match((await post({ nEpochs: 2 })).json.message, /unknown field "nEpochs"/);
    assert.equal((await post({}, '?supervisedFineTuningJobId=UPPER')).status, 400);
    await call('POST', `${A}/datasets`, { datasetId: 'empty-one', dataset: {} });
    assert.equal((await post({ dataset: 'accounts/emulator/datasets/empty-one' })).json.code, 9);
    assert.equal((await post({ loraRank: 512 })).status, 400);
  });

  it('cancels a running job (JOB_STATE_CANCELLED) and reports a job that fails on the server (JOB_STATE_FAILED, status message)', async () => {
    const ds = await dataset('journal-c');
    await call('POST', `${A}/supervisedFineTuningJobs?supervisedFineTuningJobId=job-c`, { dataset: ds, baseModel: QWEN });
    assert.equal((await call('POST', `${A}/supervisedFineTuningJobs/job-c:cancel`, {})).status, 200);
    assert.equal((await call('GET', `${A}/supervisedFineTuningJobs/job-c`)).json.state, 'JOB_STATE_CANCELLED');
    assert.equal((await call('POST', `${A}/supervisedFineTuningJobs/job-c:cancel`, {})).json.code, 9);
    const res = await fetch(`${origin}${A}/supervisedFineTuningJobs?supervisedFineTuningJobId=job-f`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.key}`, 'content-type': 'application/json', 'x-emulator-fault': 'job-fail;message=GPU fell over' },
      body: JSON.stringify({ dataset: ds, baseModel: QWEN }),
    });
    assert.equal(res.status, 200);
    const states = await runToEnd(`${A}/supervisedFineTuningJobs/job-f`);
    assert.equal(states[states.length - 1], 'JOB_STATE_FAILED');
    const failed = await call('GET', `${A}/supervisedFineTuningJobs/job-f`);
    assert.equal(failed.json.status.code, 'INTERNAL');
    assert.match(failed.json.status.message, /GPU fell over/);
  });

  it('keeps datasets and deployments across a restart with --state-dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socratune-fw-state-'));
    try {
      const first = await startEmulator({ flavor: 'fireworks', stateDir: dir, timeScale: 1000 });
      const base = first.url.replace(/\/v1$/, '');
      const h = { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' };
      await fetch(`${base}${A}/datasets`, { method: 'POST', headers: h, body: JSON.stringify({ datasetId: 'kept', dataset: {} }) });
      await fetch(`${base}${A}/deployments?deploymentId=kept-dep`, { method: 'POST', headers: h, body: JSON.stringify({ baseModel: QWEN }) });
      await first.close();
      const second = await startEmulator({ flavor: 'fireworks', stateDir: dir, timeScale: 1000 });
      try {
        const again = second.url.replace(/\/v1$/, '');
        const auth = { authorization: `Bearer ${second.key}` };
        assert.equal((await fetch(`${again}${A}/datasets/kept`, { headers: auth })).status, 200);
        assert.equal((await fetch(`${again}${A}/deployments/kept-dep`, { headers: auth })).status, 200);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
