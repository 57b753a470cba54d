import assert from 'node:assert/strict';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { assertRequest, assertResponse, operationPath } from '../support/togetherSchema';
import { journalExamples, jsonl } from './support/emulator';

/** The Together flavor over plain HTTP; every response body is checked against Together's published OpenAPI schemas. */
describe('emulator: Together AI flavor (responses validated against together-openapi.yaml)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  const checked = new Set<string>();

  before(async () => {
    emu = await startEmulator({ flavor: 'together', timeScale: 1, tokensPerSecond: 0 }); // time moves by emu.advance()
  });
  after(() => emu.close());

  async function call(method: string, path: string, body?: unknown, opts: { form?: FormData; key?: string } = {}): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.key ?? emu.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${emu.url}${path}`, { method, headers, body: opts.form ?? (body !== undefined ? JSON.stringify(body) : undefined) });
    const text = await res.text();
    const json: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    const op = operationPath(path.split('?')[0]);
    assert.ok(op, `${path} is an operation of Together's API`);
    if (res.headers.get('content-type')?.includes('json')) {
      assertResponse(op, method, res.status, json);
      checked.add(`${method} ${op} ${res.status}`);
    }
    return { status: res.status, json };
  }

  const form = (text: string, name = 'train.jsonl') => {
    const f = new FormData();
    f.set('purpose', 'fine-tune');
    f.set('file_name', name);
    f.set('file_type', 'jsonl');
    f.set('file', new Blob([text]), name);
    return f;
  };

  it('uploads, lists, reads and deletes files with Together’s shapes', async () => {
    const up = await call('POST', '/files/upload', undefined, { form: form(jsonl(journalExamples(12))) });
    assert.equal(up.status, 200);
    const id = (up.json as { id: string }).id;
    assert.equal((await call('GET', '/files')).status, 200);
    assert.equal((await call('GET', `/files/${id}`)).status, 200);
    assert.equal((await call('DELETE', `/files/${id}`)).status, 200);
    const gone = await call('GET', `/files/${id}`);
    assert.equal(gone.status, 404);
    const noName = new FormData();
    noName.set('purpose', 'fine-tune');
    noName.set('file', new Blob(['{}\n']), 'x.jsonl');
    assert.equal((await call('POST', '/files/upload', undefined, { form: noName })).status, 400, 'file_name is required');
  });

  it('lists supported models, their limits (404 for an unknown one) and the base models with context lengths', async () => {
    const sup = await call('GET', '/fine-tunes/models/supported');
    const models = (sup.json as { models: string[] }).models;
    assert.ok(models.includes('Qwen/Qwen3-8B'));
    const lim = await call('GET', `/fine-tunes/models/limits?model_name=${encodeURIComponent('Qwen/Qwen3-8B')}`);
    assert.equal((lim.json as { max_num_epochs: number }).max_num_epochs, 20);
    const big = await call('GET', `/fine-tunes/models/limits?model_name=${encodeURIComponent('meta-llama/Llama-3.3-70B-Instruct-Reference')}`);
    const b = big.json as { full_training?: unknown; lora_training: { max_batch_size_dpo: number } };
    assert.equal(b.full_training, undefined, 'LoRA only: no full_training limits');
    assert.equal(b.lora_training.max_batch_size_dpo, 0, 'no DPO batch fits');
    assert.equal((await call('GET', '/fine-tunes/models/limits?model_name=nope%2Fnope')).status, 404);
    const list = await call('GET', '/models');
    assert.ok(
      Array.isArray(list.json) && list.json.some((m: { id: string; context_length?: number }) => m.id === 'Qwen/Qwen3-8B' && m.context_length === 32768),
    );
  });

  it('runs a LoRA job through pending → … → completed with events, checkpoints and metrics; the result answers serverless', async () => {
    const up = await call('POST', '/files/upload', undefined, { form: form(jsonl(journalExamples(12))) });
    const file = (up.json as { id: string }).id;
    const price = await call('POST', '/fine-tunes/estimate-price', {
      training_file: file,
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      n_epochs: 2,
    });
    assert.ok((price.json as { estimated_total_price: number }).estimated_total_price >= 0);
    const body = {
      training_file: file,
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      n_epochs: 2,
      n_checkpoints: 2,
      batch_size: 8,
      learning_rate: 1e-4,
      warmup_ratio: 0.1,
      suffix: 'journal',
      training_method: { method: 'sft', train_on_inputs: false },
      training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16, lora_dropout: 0.05 },
    };
    assertRequest('/fine-tunes', 'POST', body);
    const created = await call('POST', '/fine-tunes', body);
    assert.equal(created.status, 200);
    const job = created.json as { id: string; status: string };
    assert.match(job.id, /^ft-[0-9a-f-]{36}$/);
    assert.equal(job.status, 'pending');
    emu.advance(10 * 60 * 60_000);
    const got = await call('GET', `/fine-tunes/${job.id}`);
    const done = got.json as { status: string; model_output_name: string; events: { type: string }[] };
    assert.equal(done.status, 'completed');
    assert.ok(done.events.some((e) => e.type === 'job_complete'));
    const ev = await call('GET', `/fine-tunes/${job.id}/events`);
    assert.ok((ev.json as { data: unknown[] }).data.length > 5);
    const cps = await call('GET', `/fine-tunes/${job.id}/checkpoints`);
    assert.ok((cps.json as { data: unknown[] }).data.length >= 1);
    const m = await call('GET', `/fine-tunes/${job.id}/metrics`);
    assert.ok((m.json as { metrics: { train_loss?: number }[] }).metrics.some((x) => typeof x.train_loss === 'number'));
    const list = await call('GET', '/fine-tunes');
    assert.ok((list.json as { data: { id: string }[] }).data.some((j) => j.id === job.id));
    const chat = await call('POST', '/chat/completions', { model: done.model_output_name, messages: [{ role: 'user', content: 'What does entry 1 teach?' }] });
    assert.equal(chat.status, 200, JSON.stringify(chat.json));
  });

  it('a fine-tune of a base without serverless LoRA needs a dedicated endpoint; bad requests and cancel have Together’s shapes', async () => {
    const up = await call('POST', '/files/upload', undefined, { form: form(jsonl(journalExamples(12))) });
    const file = (up.json as { id: string }).id;
    const created = await call('POST', '/fine-tunes', {
      training_file: file,
      model: 'Qwen/Qwen3-8B',
      training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
    });
    const id = (created.json as { id: string }).id;
    emu.advance(10 * 60 * 60_000);
    const done = (await call('GET', `/fine-tunes/${id}`)).json as { model_output_name: string };
    const chat = await call('POST', '/chat/completions', { model: done.model_output_name, messages: [{ role: 'user', content: 'Hi?' }] });
    assert.equal(chat.status, 400);
    assert.match(JSON.stringify(chat.json), /dedicated endpoint/);
    assert.equal((await call('POST', '/fine-tunes', { training_file: file, model: 'gpt-4.1-mini-2025-04-14' })).status, 400, 'not a Together base');
    assert.equal((await call('POST', '/fine-tunes', { training_file: file, model: 'Qwen/Qwen3-8B', suffix: 'has.dot' })).status, 400);
    assert.equal((await call('GET', '/fine-tunes', undefined, { key: 'wrong' })).status, 401);
    const second = await call('POST', '/fine-tunes', { training_file: file, model: 'Qwen/Qwen3-8B' });
    const cancelled = await call('POST', `/fine-tunes/${(second.json as { id: string }).id}/cancel`);
    assert.equal((cancelled.json as { status: string }).status, 'cancelled', JSON.stringify(cancelled.json));
  });

  it('dedicated endpoints: hardware with prices, create → PENDING → STARTING → STARTED, chat only while STARTED, stop and start', async () => {
    const up = await call('POST', '/files/upload', undefined, { form: form(jsonl(journalExamples(12))) });
    const file = (up.json as { id: string }).id;
    const created = await call('POST', '/fine-tunes', { training_file: file, model: 'Qwen/Qwen3-8B', suffix: 'ep' });
    emu.advance(10 * 60 * 60_000);
    const model = ((await call('GET', `/fine-tunes/${(created.json as { id: string }).id}`)).json as { model_output_name: string }).model_output_name;
    const all = await call('GET', '/hardware');
    assert.ok((all.json as { data: unknown[] }).data.length >= 2);
    const hw = await call('GET', `/hardware?model=${encodeURIComponent(model)}`);
    const h = (hw.json as { data: { id: string; pricing: { cents_per_minute: number }; availability?: { status: string } }[] }).data;
    assert.ok(h.every((x) => x.pricing.cents_per_minute > 0 && x.availability?.status === 'available'));
    assert.equal(
      (await call('GET', `/hardware?model=${encodeURIComponent('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference')}`)).status,
      404,
      '-Reference bases cannot be deployed',
    );
    const ask = (m: string) => call('POST', '/chat/completions', { model: m, messages: [{ role: 'user', content: 'What does entry 1 teach?' }] });
    assert.equal((await ask(model)).status, 400);
    const body = { model, hardware: h[0].id, autoscaling: { min_replicas: 1, max_replicas: 2 }, display_name: 'journal' };
    assertRequest('/endpoints', 'POST', body);
    const ep = await call('POST', '/endpoints', body);
    assert.equal(ep.status, 200, JSON.stringify(ep.json));
    const e = ep.json as { id: string; name: string; state: string };
    assert.equal(e.state, 'PENDING');
    assert.match(e.id, /^endpoint-[0-9a-f-]{36}$/);
    const pending = await ask(e.name);
    assert.equal(pending.status, 400);
    assert.match(JSON.stringify(pending.json), /is PENDING/);
    emu.advance(90_000);
    assert.equal(((await call('GET', `/endpoints/${e.id}`)).json as { state: string }).state, 'STARTING');
    emu.advance(10 * 60_000);
    assert.equal(((await call('GET', `/endpoints/${e.id}`)).json as { state: string }).state, 'STARTED');
    const mine = await call('GET', '/endpoints?type=dedicated&mine=true');
    assert.deepEqual(
      (mine.json as { data: { id: string }[] }).data.map((x) => x.id),
      [e.id],
    );
    assert.ok(((await call('GET', '/endpoints')).json as { data: { type: string }[] }).data.some((x) => x.type === 'serverless'));
    assert.equal((await ask(e.name)).status, 200, 'the endpoint name answers');
    assert.equal((await ask(model)).status, 200, 'so does the model it serves');
    assertRequest('/endpoints/{endpointId}', 'PATCH', { state: 'STOPPED' });
    assert.equal(((await call('PATCH', `/endpoints/${e.id}`, { state: 'STOPPED' })).json as { state: string }).state, 'STOPPING');
    emu.advance(60_000);
    const stopped = await ask(e.name);
    assert.equal(stopped.status, 400);
    assert.match(JSON.stringify(stopped.json), /is STOPPED/);
    assert.equal(((await call('PATCH', `/endpoints/${e.id}`, { state: 'STARTED' })).json as { state: string }).state, 'STARTING');
    emu.advance(10 * 60_000);
    assert.equal((await ask(model)).status, 200);
    assert.equal((await call('POST', '/endpoints', { model, hardware: h[0].id })).status, 400, 'autoscaling is required');
    assert.equal((await call('POST', '/endpoints', { ...body, hardware: '8x_nope' })).status, 400, 'unknown hardware');
    assert.equal((await call('POST', '/endpoints', { ...body, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' })).status, 400);
    assert.equal((await call('GET', '/endpoints/endpoint-nope')).status, 404);
    assert.equal((await call('DELETE', `/endpoints/${e.id}`)).status, 204);
    assert.equal((await ask(model)).status, 400, 'deleted: the model needs an endpoint again');
  });

  it('checked every Together endpoint it serves', () => {
    for (const op of [
      'POST /files/upload 200',
      'GET /files 200',
      'GET /files/{id} 200',
      'DELETE /files/{id} 200',
      'POST /fine-tunes 200',
      'GET /fine-tunes 200',
    ])
      assert.ok(checked.has(op), `${op} was validated (${[...checked].join(', ')})`);
    for (const op of [
      'GET /fine-tunes/{id} 200',
      'GET /fine-tunes/{id}/events 200',
      'GET /fine-tunes/{id}/checkpoints 200',
      'GET /fine-tunes/{id}/metrics 200',
    ])
      assert.ok(checked.has(op), op);
    for (const op of [
      'POST /fine-tunes/{id}/cancel 200',
      'POST /fine-tunes/estimate-price 200',
      'GET /fine-tunes/models/supported 200',
      'GET /fine-tunes/models/limits 200',
    ])
      assert.ok(checked.has(op), op);
    for (const op of [
      'GET /models 200',
      'POST /chat/completions 200',
      'POST /chat/completions 400',
      'GET /fine-tunes/models/limits 404',
      'GET /fine-tunes 401',
    ])
      assert.ok(checked.has(op), op);
    for (const op of [
      'GET /hardware 200',
      'GET /hardware 404',
      'GET /endpoints 200',
      'POST /endpoints 200',
      'POST /endpoints 400',
      'GET /endpoints/{endpointId} 200',
      'GET /endpoints/{endpointId} 404',
      'PATCH /endpoints/{endpointId} 200',
    ])
      assert.ok(checked.has(op), op);
  });
});
