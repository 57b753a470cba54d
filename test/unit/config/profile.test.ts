import { strict as assert } from 'node:assert';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../../../src/core/config/client';
import { BackendProfile, resolveBaseUrl } from '../../../src/core/config/profile';

const base: BackendProfile = {
  provider: 'openai',
  baseUrl: '',
  azureEndpoint: '',
  azureApiVersion: '',
  defaultChatModel: '',
  defaultBaseModel: 'gpt-4.1-mini-2025-04-14',
};

describe('backend profile', () => {
  it('resolves base URLs per provider', () => {
    assert.deepEqual(resolveBaseUrl(base), { ok: true, baseURL: 'https://api.openai.com/v1' });
    assert.deepEqual(resolveBaseUrl({ ...base, provider: 'azure', azureEndpoint: 'https://r.openai.azure.com/' }), {
      ok: true,
      baseURL: 'https://r.openai.azure.com/openai/v1',
    });
    assert.deepEqual(resolveBaseUrl({ ...base, provider: 'azure', azureEndpoint: 'https://r.openai.azure.com/openai/v1/' }), {
      ok: true,
      baseURL: 'https://r.openai.azure.com/openai/v1',
    });
    assert.deepEqual(resolveBaseUrl({ ...base, provider: 'emulator', baseUrl: 'http://127.0.0.1:8787/v1/' }), {
      ok: true,
      baseURL: 'http://127.0.0.1:8787/v1',
    });
    const missing = resolveBaseUrl({ ...base, provider: 'openai-compatible' });
    assert.equal(missing.ok, false);
    assert.equal(resolveBaseUrl({ ...base, provider: 'azure', azureEndpoint: 'r.openai.azure.com' }).ok, false);
  });

  it('needs a key except for OpenAI-compatible local servers', () => {
    const none = createClient(base, undefined);
    assert.equal(none.ok, false);
    assert.equal(!none.ok && none.reason, 'no-key');
    const local = createClient({ ...base, provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }, undefined);
    assert.equal(local.ok, true);
  });

  it('sends the Azure key as api-key as well', async () => {
    // A local stand-in for the Azure resource: the real SDK sends a real request, we look at its headers.
    const seen: IncomingHttpHeaders[] = [];
    const urls: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      urls.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const key = 'k'.repeat(32);
      const r = createClient({ ...base, provider: 'azure', azureEndpoint: `http://127.0.0.1:${port}` }, key, { maxRetries: 0 });
      if (!r.ok) assert.fail(r.message);
      await r.client.models.list();
      assert.equal(seen.length, 1);
      assert.match(urls[0], /^\/openai\/v1\/models(\?|$)/);
      assert.equal(seen[0]['api-key'], key);
      assert.equal(seen[0].authorization, `Bearer ${key}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
