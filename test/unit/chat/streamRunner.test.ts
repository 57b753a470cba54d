import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import OpenAI from 'openai';
import { classifyError, retryAfter } from '../../../src/core/chat/errors';
import { runChatStream, StreamRequest } from '../../../src/core/chat/streamRunner';
import { EmulatorHandle, startEmulator } from '../../../src/emulator';

const BASE = 'gpt-4.1-mini-2025-04-14';

describe('chat/runChatStream against the emulator (real openai SDK over HTTP)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let client: OpenAI;

  before(async () => {
    emu = await startEmulator({ timeScale: 10_000, tokensPerSecond: 0 });
    client = new OpenAI({ apiKey: emu.key, baseURL: emu.url, maxRetries: 0 });
  });
  after(async () => {
    await emu?.close();
  });

  const req = (extra: Partial<StreamRequest> & { fault?: string } = {}): StreamRequest & { deltas: string[] } => {
    const deltas: string[] = [];
    const { fault, ...rest } = extra;
    return {
      client,
      baseURL: emu.url,
      model: BASE,
      messages: [{ role: 'user', content: 'How should I face a difficult morning with patience and courage?' }],
      onDelta: (t) => deltas.push(t),
      ...(fault ? { headers: { 'x-emulator-fault': fault } } : {}),
      ...rest,
      deltas,
    };
  };
  const lastChat = () => [...emu.requests].reverse().find((r) => r.path.endsWith('/chat/completions'));

  it('streams a reply with finish_reason, usage and [DONE]; deltas add up to the text', async () => {
    const r = req({ params: { temperature: 0.5, topP: 1, maxTokens: 400 } });
    const out = await runChatStream(r);
    assert.equal(out.status, 'done', JSON.stringify(out.error));
    assert.ok(out.text.length > 10);
    assert.equal(r.deltas.join(''), out.text);
    assert.equal(out.finishReason, 'stop');
    assert.equal(out.sawDone, true);
    assert.ok(out.usage && out.usage.completionTokens > 0 && out.usage.totalTokens >= out.usage.completionTokens);
  });

  it('sends max_tokens instead of max_completion_tokens for servers that need it, and reports finish_reason length', async () => {
    const out = await runChatStream(req({ params: { maxTokens: 3 }, maxTokensField: 'max_tokens' }));
    assert.equal(out.status, 'done');
    assert.equal(out.finishReason, 'length');
  });

  it('stop before the first token: resolves as stopped with nothing, and the request is abandoned', async () => {
    const ac = new AbortController();
    const r = req({ fault: 'latency=3000', signal: ac.signal });
    const p = runChatStream(r);
    setTimeout(() => ac.abort(), 100);
    const out = await p;
    assert.equal(out.status, 'stopped');
    assert.equal(out.text, '');
    assert.equal(out.error, undefined);
    assert.deepEqual(r.deltas, []);
  });

  it('stop with an already-aborted signal sends nothing', async () => {
    const before = emu.requests.length;
    const ac = new AbortController();
    ac.abort();
    const out = await runChatStream(req({ signal: ac.signal }));
    assert.equal(out.status, 'stopped');
    assert.equal(emu.requests.length, before);
  });

  it('stop mid-stream keeps the partial reply and aborts the HTTP request (the server sees the disconnect)', async () => {
    const ac = new AbortController();
    const r = req({ fault: 'tps=30', signal: ac.signal });
    const out = await runChatStream({
      ...r,
      onDelta: (t) => {
        r.deltas.push(t);
        if (r.deltas.length === 3) ac.abort();
      },
    });
    assert.equal(out.status, 'stopped');
    assert.equal(out.text, r.deltas.join(''));
    assert.ok(out.text.length > 0);
    assert.equal(out.finishReason, undefined);
    // The emulator notes an aborted stream once it notices the closed socket.
    const entry = lastChat();
    for (let i = 0; i < 100 && !entry?.info.aborted; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(entry?.info.aborted, true, JSON.stringify(entry));
    assert.ok(Number(entry?.info.streamed) < Number(entry?.info.of), 'the server stopped sending before the end');
  });

  it('429: reports the wait from retry-after (seconds) as a clear, retryable message', async () => {
    const out = await runChatStream(req({ fault: '429;retry-after=7' }));
    assert.equal(out.status, 'error');
    assert.equal(out.error?.kind, 'rate-limit');
    assert.equal(out.error?.retryAfterMs, 7000);
    assert.equal(out.error?.status, 429);
    assert.match(out.error?.message ?? '', /Try again in 7 s/);
    assert.equal(out.error?.retryable, true);
  });

  it('429: retry-after-ms wins, and insufficient_quota says retrying will not help', async () => {
    const a = await runChatStream(req({ fault: '429;retry-after-ms=1500;retry-after=9' }));
    assert.equal(a.error?.retryAfterMs, 1500);
    assert.match(a.error?.message ?? '', /2 s/);
    const q = await runChatStream(req({ fault: '429;code=insufficient_quota' }));
    assert.equal(q.error?.kind, 'quota');
    assert.equal(q.error?.retryable, false);
  });

  it('5xx: a server error message that invites a retry', async () => {
    const out = await runChatStream(req({ fault: '503' }));
    assert.equal(out.error?.kind, 'server');
    assert.equal(out.error?.status, 503);
    assert.match(out.error?.message ?? '', /server error \(503\)/);
  });

  it('401 bad key and 404 unknown model are classified with actionable messages', async () => {
    const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: emu.url, maxRetries: 0 });
    const a = await runChatStream({ ...req(), client: bad });
    assert.equal(a.error?.kind, 'auth');
    assert.match(a.error?.message ?? '', /Set API Key/);
    assert.doesNotMatch(a.error?.message ?? '', /sk-wrong/, 'the key never appears in a message');
    const b = await runChatStream(req({ model: 'ft:gpt-4.1-mini-2025-04-14:emulator:nope:zzzzzzzz' }));
    assert.equal(b.error?.kind, 'not-found');
    assert.match(b.error?.message ?? '', /was not found/);
  });

  it('network down: a connection error names the host', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = new OpenAI({ apiKey: 'x', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const out = await runChatStream({ ...req(), client: down, baseURL: `http://127.0.0.1:${port}/v1` });
    assert.equal(out.error?.kind, 'network');
    assert.match(out.error?.message ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('idle watchdog: a stream that stalls is aborted as stalled, keeping what arrived', async () => {
    const r = req({ fault: 'stall;after=4', idleTimeoutMs: 300 });
    const out = await runChatStream(r);
    assert.equal(out.status, 'error');
    assert.equal(out.error?.kind, 'stalled');
    assert.ok(out.text.length > 0, 'partial text kept');
    assert.equal(out.text, r.deltas.join(''));
    assert.match(out.error?.message ?? '', /No data arrived/);
  });

  it('watchdog before the first byte uses the first-chunk allowance', async () => {
    const out = await runChatStream(req({ fault: 'stall', idleTimeoutMs: 100, firstChunkTimeoutMs: 250 }));
    assert.equal(out.error?.kind, 'stalled');
    assert.equal(out.text, '');
  });

  it('a stream cut without finish_reason and [DONE] is reported as truncated, keeping the partial reply', async () => {
    const r = req({ fault: 'cut;after=5' });
    const out = await runChatStream(r);
    assert.equal(out.status, 'error');
    assert.equal(out.error?.kind, 'truncated');
    assert.equal(out.sawDone, false);
    assert.ok(out.text.length > 0);
    assert.match(out.error?.message ?? '', /no finish_reason, no \[DONE\]/);
  });

  it('a connection reset mid-stream is truncated too; an in-stream error event is a server error', async () => {
    const reset = await runChatStream(req({ fault: 'reset;after=4' }));
    assert.equal(reset.status, 'error');
    assert.ok(['truncated', 'network'].includes(reset.error?.kind ?? ''), JSON.stringify(reset.error));
    assert.ok(reset.text.length > 0);
    const se = await runChatStream(req({ fault: 'stream-error;after=4' }));
    assert.equal(se.error?.kind, 'server');
    assert.ok(se.text.length > 0);
  });
});

describe('chat/errors', () => {
  it('reads retry-after as seconds, HTTP date and retry-after-ms', () => {
    const now = Date.parse('2026-11-26T00:00:00Z');
    assert.equal(retryAfter(new Headers({ 'retry-after': '3' })), 3000);
    assert.equal(retryAfter(new Headers({ 'retry-after': 'Thu, 26 Nov 2026 00:00:10 GMT' }), now), 10_000);
    assert.equal(retryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' })), 250);
    assert.equal(retryAfter(new Headers({})), undefined);
    assert.equal(retryAfter(new Headers({ 'retry-after': 'soon' })), undefined);
  });

  it('classifies a missing key', () => {
    const e = classifyError(new OpenAI.OpenAIError('Missing credentials. Please pass an `apiKey`'), { model: 'm' });
    assert.equal(e.kind, 'no-key');
    assert.match(e.message, /Set API Key/);
  });
});
