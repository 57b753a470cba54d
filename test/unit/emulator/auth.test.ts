import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { DEMO_KEY, startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { assertSchema } from './support/schema';
import { start } from './support/emulator';

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'What is virtue?' }] };

/** The real SDK over HTTP, with a transport hook that records the Authorization header each request carried. */
function observedSdk(emu: EmulatorHandle, opts: Partial<ConstructorParameters<typeof OpenAI>[0]>): { client: OpenAI; sent: (string | null)[] } {
  const sent: (string | null)[] = [];
  const client = new OpenAI({
    baseURL: emu.url,
    maxRetries: 0,
    timeout: 10_000,
    ...opts,
    fetch: (url: string | URL | Request, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('authorization'));
      return fetch(url, init);
    },
  });
  return { client, sent };
}

const postChat = (emu: EmulatorHandle, headers: Record<string, string> = {}) =>
  fetch(`${emu.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(ask) });

describe('emulator: authentication on (default, like OpenAI) and off (like a local server)', () => {
  describe('auth: false', () => {
    let emu: EmulatorHandle;
    before(async () => {
      emu = await start({ auth: false });
    });
    after(() => emu.close());

    it('says so on the handle', () => {
      assert.equal(emu.auth, false);
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    });

    it('serves the SDK whatever key it sends: models, chat, streamed chat', async () => {
      const { client, sent } = observedSdk(emu, { apiKey: 'whatever-a-local-server-ignores' });
      const models = await client.models.list();
      assert.ok(
        models.data.some((m) => m.id === 'gpt-4o-mini'),
        'the model list comes back',
      );
      const reply = await client.chat.completions.create(ask);
      assertSchema('CreateChatCompletionResponse', reply);
      assert.match(reply.choices[0].message.content ?? '', /You asked about virtue/);
      const stream = await client.chat.completions.create({ ...ask, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      assert.equal(text, reply.choices[0].message.content);
      assert.deepEqual(sent, Array(3).fill('Bearer whatever-a-local-server-ignores'), 'the SDK really sent that key');
    });

    it('serves the SDK when it sends no Authorization header at all', async () => {
      const { client, sent } = observedSdk(emu, { apiKey: 'unused', defaultHeaders: { Authorization: null } });
      const models = await client.models.list();
      assert.ok(models.data.length > 0);
      const reply = await client.chat.completions.create(ask);
      assert.equal(reply.object, 'chat.completion');
      assert.deepEqual(sent, [null, null], 'no Authorization header left the client');
    });

    it('serves raw HTTP with no Authorization header, or one that is not Bearer', async () => {
      const before = emu.requests.length;
      const list = await fetch(`${emu.url}/models`);
      assert.equal(list.status, 200);
      const body = (await list.json()) as { object: string; data: { id: string }[] };
      assert.equal(body.object, 'list');
      assert.ok(body.data.length > 0);
      const chat = await postChat(emu);
      assert.equal(chat.status, 200);
      const completion = (await chat.json()) as OpenAI.Chat.ChatCompletion;
      assertSchema('CreateChatCompletionResponse', completion);
      assert.equal(completion.object, 'chat.completion');
      assert.equal((await postChat(emu, { authorization: 'Basic dXNlcjpwYXNz' })).status, 200);
      assert.equal((await fetch(`${emu.url}/models/gpt-4o-mini`, { headers: { authorization: 'Bearer ' } })).status, 200);
      assert.deepEqual(
        emu.requests.slice(before).map((r) => [r.method, r.path, r.status]),
        [
          ['GET', '/v1/models', 200],
          ['POST', '/v1/chat/completions', 200],
          ['POST', '/v1/chat/completions', 200],
          ['GET', '/v1/models/gpt-4o-mini', 200],
        ],
        'every request reached its handler and is in the request log',
      );
    });

    it('still answers bad requests and unknown models with OpenAI errors (only the key check is off)', async () => {
      const res = await fetch(`${emu.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask, model: 'ft:gpt-4o-mini-2024-07-18:x::nope' }),
      });
      assert.equal(res.status, 404);
      const err = (await res.json()) as { error: { code: string } };
      assertSchema('ErrorResponse', err);
      assert.equal(err.error.code, 'model_not_found');
    });
  });

  describe('auth on (the default)', () => {
    let emu: EmulatorHandle;
    before(async () => {
      emu = await start();
    });
    after(() => emu.close());

    it("answers a request with no Authorization header with OpenAI's 401, and a wrong key with invalid_api_key", async () => {
      assert.equal(emu.auth, true);
      assert.equal(emu.key, DEMO_KEY);
      for (const res of [await fetch(`${emu.url}/models`), await postChat(emu)]) {
        assert.equal(res.status, 401);
        const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
        assertSchema('ErrorResponse', body);
        assert.match(body.error.message, /^You didn't provide an API key\./);
        assert.equal(body.error.type, 'invalid_request_error');
        assert.equal(body.error.code, null);
      }
      const { client } = observedSdk(emu, { apiKey: 'sk-wrong-key-123456' });
      await assert.rejects(client.chat.completions.create(ask), (e: unknown) => {
        assert.ok(e instanceof OpenAI.AuthenticationError);
        assert.equal(e.code, 'invalid_api_key');
        return true;
      });
      const ok = observedSdk(emu, { apiKey: emu.key });
      assert.equal((await ok.client.chat.completions.create(ask)).object, 'chat.completion');
    });

    it('refuses auth: false together with keys (contradictory)', async () => {
      await assert.rejects(startEmulator({ auth: false, keys: ['sk-a'] }), /keys and auth: false contradict/);
    });
  });

  describe('CLI --no-auth', function () {
    this.timeout(60_000);
    const cli = path.join(__dirname, '../../../src/emulator/cli.ts');

    /** Runs the emulator CLI through tsx (as `npm run emulator` runs its bundle); resolves with its first stdout line. */
    function run(args: string[]) {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SOCRATUNE_EMULATOR_FAULT: '' },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const firstLine = new Promise<string | null>((resolve) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', (l) => resolve(l));
        lines.once('close', () => resolve(null));
      });
      return { child, firstLine, stderr: () => stderr };
    }

    it('starts a key-less server and says so in --json', async () => {
      const r = run(['--port', '0', '--json', '--no-auth']);
      try {
        const line = await r.firstLine;
        assert.ok(line, `the CLI printed its JSON line (stderr: ${r.stderr()})`);
        const info = JSON.parse(line) as { url: string; key: string; auth: boolean };
        assert.equal(info.auth, false);
        const res = await fetch(`${info.url}/models`);
        assert.equal(res.status, 200);
      } finally {
        const exited = once(r.child, 'exit');
        r.child.kill('SIGTERM');
        await exited;
      }
    });

    it('without --no-auth a request with no key gets 401', async () => {
      const r = run(['--port', '0', '--json']);
      try {
        const line = await r.firstLine;
        assert.ok(line, `the CLI printed its JSON line (stderr: ${r.stderr()})`);
        const info = JSON.parse(line) as { url: string; auth: boolean };
        assert.equal(info.auth, true);
        assert.equal((await fetch(`${info.url}/models`)).status, 401);
      } finally {
        const exited = once(r.child, 'exit');
        r.child.kill('SIGTERM');
        await exited;
      }
    });

    it('rejects --no-auth with --key, exit code 1 and a message', async () => {
      const r = run(['--port', '0', '--no-auth', '--key', 'sk-x']);
      const [code] = (await once(r.child, 'exit')) as [number | null];
      assert.equal(code, 1);
      assert.match(r.stderr(), /keys and auth: false contradict/);
    });
  });
});
