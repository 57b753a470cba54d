import { strict as assert } from 'node:assert';
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

  it('sends the Azure key as api-key as well', () => {
    const r = createClient({ ...base, provider: 'azure', azureEndpoint: 'https://r.openai.azure.com' }, 'k'.repeat(32));
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.baseURL, 'https://r.openai.azure.com/openai/v1');
  });
});
