import assert from 'node:assert/strict';
import { connect } from 'node:net';
import OpenAI from 'openai';
import type { EmulatorHandle } from '../../../src/emulator';
import { assertSchema } from './support/schema';
import { sdk, start, uploadText } from './support/emulator';

interface ErrorJson {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };
const fault = (spec: string) => ({ headers: { 'x-emulator-fault': spec } });

describe('emulator: errors, retries and fault injection with the openai SDK', () => {
  let emu: EmulatorHandle;

  before(async () => {
    emu = await start();
  });
  after(() => emu.close());

  const attempts = (path: string) => emu.requests.filter((r) => r.path === `/v1${path}`);

  it('raises AuthenticationError for a missing or wrong key, with OpenAI fields', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-123456', baseURL: emu.url, maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (e: unknown) => {
      assert.ok(e instanceof OpenAI.AuthenticationError);
      assert.equal(e.status, 401);
      assert.equal(e.code, 'invalid_api_key');
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.param, null);
      assert.match(e.message, /^401 Incorrect API key provided: sk-\*+3456\./);
      assert.match(e.requestID ?? '', /^req_[0-9a-f]{32}$/);
      assertSchema('ErrorResponse', { error: e.error });
      return true;
    });
    const res = await fetch(`${emu.url}/models`);
    assert.equal(res.status, 401);
    assertSchema('ErrorResponse', await res.json());
  });

  it('retries 429 honouring retry-after-ms, counting attempts on the server', async () => {
    const client = sdk(emu, { maxRetries: 2 });
    const reply = await client.chat.completions.create(ask, fault('429;retry-after-ms=150;times=2'));
    assert.equal(reply.object, 'chat.completion');
    const tries = attempts('/chat/completions')
      .filter((r) => r.faults.length > 0 || r.retryCount !== null)
      .slice(-3);
    assert.deepEqual(
      tries.map((r) => [r.retryCount, r.status]),
      [
        [0, 429],
        [1, 429],
        [2, 200],
      ],
    );
    assert.ok(tries[1].at - tries[0].at >= 140 && tries[2].at - tries[1].at >= 140, 'the SDK waited at least retry-after-ms between attempts');
  });

  it('retries 503 and 500 (retry-after in seconds), then gives up with InternalServerError', async () => {
    const client = sdk(emu, { maxRetries: 1 });
    const ok = await client.models.list(fault('503;retry-after=1;times=1'));
    assert.ok(ok.data.length > 0);
    const tries = attempts('/models').slice(-2);
    assert.deepEqual(
      tries.map((r) => [r.retryCount, r.status]),
      [
        [0, 503],
        [1, 200],
      ],
    );
    assert.ok(tries[1].at - tries[0].at >= 990, 'retry-after: 1 (seconds) honoured');
    await assert.rejects(client.models.list(fault('500;retry-after-ms=1')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.InternalServerError);
      assert.equal(e.status, 500);
      assert.equal(e.type, 'server_error');
      return true;
    });
    assert.deepEqual(
      attempts('/models')
        .slice(-2)
        .map((r) => r.retryCount),
      [0, 1],
      'one retry, then the error',
    );
  });

  it('surfaces RateLimitError fields, x-should-retry:false and insufficient_quota', async () => {
    const client = sdk(emu, { maxRetries: 2 });
    const before = attempts('/models').length;
    await assert.rejects(client.models.list(fault('429;x-should-retry=false')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.status, 429);
      assert.equal(e.code, 'rate_limit_exceeded');
      assert.equal(e.type, 'requests');
      assert.equal(e.headers?.get('x-should-retry'), 'false');
      return true;
    });
    assert.equal(attempts('/models').length - before, 1, 'x-should-retry: false stops the SDK from retrying');
    await assert.rejects(
      sdk(emu).models.list(fault('429;code=insufficient_quota')),
      (e: unknown) => e instanceof OpenAI.RateLimitError && e.code === 'insufficient_quota' && e.type === 'insufficient_quota',
    );
  });

  it('resets connections → APIConnectionError, and the SDK recovers when a retry succeeds', async () => {
    await assert.rejects(sdk(emu).models.list(fault('reset')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIConnectionError);
      assert.equal(e.status, undefined);
      return true;
    });
    const list = await sdk(emu, { maxRetries: 1 }).models.list(fault('reset;times=1'));
    assert.ok(list.data.length > 0);
    assert.deepEqual(
      attempts('/models')
        .slice(-2)
        .map((r) => r.retryCount),
      [0, 1],
    );
  });

  it('stalls until the SDK times out (APIConnectionTimeoutError)', async () => {
    await assert.rejects(sdk(emu, { timeout: 300 }).models.list(fault('stall')), OpenAI.APIConnectionTimeoutError);
  });

  it('cuts, errors and resets streams mid-way', async () => {
    const client = sdk(emu);
    const cut = await client.chat.completions.create({ ...ask, stream: true }, fault('cut;after=4'));
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const c of cut) chunks.push(c);
    assert.equal(chunks.length, 4, 'the iteration just ends: no finish chunk, no [DONE]');
    assert.ok(chunks.every((c) => c.choices[0].finish_reason === null));

    const broken = await client.chat.completions.create({ ...ask, stream: true }, fault('stream-error;after=2;code=server_error;message=boom'));
    let got = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of broken) got++;
      })(),
      (e: unknown) => e instanceof OpenAI.APIError && /boom/.test(e.message),
    );
    assert.equal(got, 2);

    const reset = await client.chat.completions.create({ ...ask, stream: true }, fault('reset;after=3'));
    let seen = 0;
    await assert.rejects(async () => {
      for await (const _ of reset) seen++;
    });
    assert.equal(seen, 3);

    const stalled = await client.chat.completions.create({ ...ask, stream: true }, { ...fault('stall;after=2;ms=50'), timeout: 5000 });
    let all = 0;
    for await (const _ of stalled) all++;
    assert.ok(all > 5, 'a bounded stall resumes the stream');
  });

  it('streams at the tokens/second a tps fault asks for (server-side chunk count only)', async () => {
    const stream = await sdk(emu).chat.completions.create({ ...ask, stream: true }, fault('tps=1000'));
    let n = 0;
    for await (const _ of stream) n++;
    const entry = emu.requests.filter((r) => r.faults.includes('tps=1000')).pop();
    assert.equal(entry?.info.streamed, n);
  });

  it('reports malformed requests with OpenAI error shapes and never falls over', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${emu.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${emu.key}`, 'content-type': 'application/json', ...headers } });
    const cases: [Promise<Response>, number, string | null][] = [
      [post('/chat/completions', '{"model": "gpt-4o-mini", "messages": ['), 400, null],
      [post('/chat/completions', '[1,2,3]'), 400, 'invalid_type'],
      [post('/chat/completions', '"just a string"'), 400, 'invalid_type'],
      [post('/fine_tuning/jobs', ''), 400, 'missing_required_parameter'],
      [post('/fine_tuning/jobs', '{"model": null, "training_file": "x"}'), 400, 'invalid_type'],
      [post('/files', 'not multipart'), 400, 'invalid_content_type'],
      [post('/files', '--x\r\nbroken', { 'content-type': 'multipart/form-data; boundary=x' }), 400, null],
      [post('/chat/completions', '{}', { 'x-emulator-fault': 'explode' }), 400, 'invalid_fault'],
      [fetch(`${emu.url}/fine_tuning/jobs?limit=abc`, { headers: { authorization: `Bearer ${emu.key}` } }), 400, 'invalid_value'],
      [fetch(`${emu.url}/files?order=sideways`, { headers: { authorization: `Bearer ${emu.key}` } }), 400, 'invalid_value'],
      [fetch(`${emu.url}/models/%E0%A4%A`, { headers: { authorization: `Bearer ${emu.key}` } }), 404, null],
      [fetch(`${emu.url}/fine_tuning/jobs/ftjob-x/explode`, { headers: { authorization: `Bearer ${emu.key}` } }), 404, null],
      [fetch(`${emu.url.replace('/v1', '')}/v2/models`, { headers: { authorization: `Bearer ${emu.key}` } }), 404, null],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      const body = (await res.json()) as ErrorJson;
      assert.equal(res.status, status, JSON.stringify(body));
      assertSchema('ErrorResponse', body);
      assert.equal(body.error.code, code, body.error.message);
    }
    const first = (await (await post('/chat/completions', '{bad')).json()) as ErrorJson;
    assert.match(first.error.message, /^We could not parse the JSON body of your request/);

    // Garbage on the socket gets a 400 and leaves the server up.
    const url = new URL(emu.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end('THIS IS NOT HTTP\r\n\r\n'));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    assert.ok((await sdk(emu).models.list()).data.length > 0, 'still serving');
  });

  it('answers hundreds of randomly malformed requests with 4xx errors, never a 500 or a crash', async () => {
    // Seeded generator of JSON values, biased towards the keys each endpoint reads.
    let state = 12345;
    const rand = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const value = (depth: number): unknown => {
      const kind = Math.floor(rand() * (depth > 2 ? 6 : 8));
      if (kind === 0) return null;
      if (kind === 1) return rand() < 0.5;
      if (kind === 2) return pick([0, -1, 1.5, 1e308, 256, 2 ** 53, NaN]);
      if (kind === 3) return pick(['', 'auto', 'gpt-4o-mini', 'user', 'file-x', '\u0000', 'x'.repeat(300)]);
      if (kind === 4) return pick(['system', 'user', 'assistant', 'tool']);
      if (kind === 5) return [];
      if (kind === 6) return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => value(depth + 1));
      const keys = [
        'model',
        'messages',
        'role',
        'content',
        'stream',
        'stream_options',
        'include_usage',
        'n',
        'stop',
        'max_tokens',
        'temperature',
        'training_file',
        'validation_file',
        'method',
        'type',
        'supervised',
        'dpo',
        'hyperparameters',
        'n_epochs',
        'batch_size',
        'beta',
        'metadata',
        'integrations',
        'suffix',
        'seed',
        'bytes',
        'filename',
        'purpose',
        'mime_type',
        'part_ids',
        'expires_after',
      ];
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => [pick(keys), value(depth + 1)]));
    };
    const file = await uploadText(sdk(emu), 'x\n');
    const paths = ['/chat/completions', '/fine_tuning/jobs', '/uploads', '/uploads/upload_x/complete', `/fine_tuning/jobs/ftjob-x/cancel`, '/files'];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const path = pick(paths);
      let body = JSON.stringify(value(0));
      if (path === '/fine_tuning/jobs' && rand() < 0.5) body = JSON.stringify({ model: 'gpt-4o-mini', training_file: file.id, ...(value(1) as object) });
      if (path === '/chat/completions' && rand() < 0.5)
        body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...(value(1) as object) });
      const res = await fetch(`${emu.url}${path}`, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${emu.key}`, 'content-type': 'application/json' },
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500, `${path} ${body} → ${res.status} ${text}`);
      if (res.status >= 400) assertSchema('ErrorResponse', JSON.parse(text));
    }
    assert.ok((statuses.get(400) ?? 0) > 100, JSON.stringify([...statuses]));
    assert.equal(emu.requests.filter((r) => r.info.internalError).length, 0);
    assert.ok((await sdk(emu).models.list()).data.length > 0, 'still serving');
  });

  it('draws probabilistic server faults reproducibly from the seed', async () => {
    const run = async () => {
      const e = await start({ seed: 7, faults: '500;p=0.5;path=/models' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 16; i++) statuses.push((await fetch(`${e.url}/models`, { headers: { authorization: `Bearer ${e.key}` } })).status);
        const other = await fetch(`${e.url}/files`, { headers: { authorization: `Bearer ${e.key}` } });
        assert.equal(other.status, 200, 'path filter');
        return statuses;
      } finally {
        await e.close();
      }
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(500) && a.includes(200), `a mix of outcomes: ${a.join(',')}`);
  });
});
