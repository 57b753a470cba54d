/**
 * `socratune.azure.apiVersion` (issue 10, bug 3): the value reaches every request as the `api-version` query
 * parameter, through the real `openai` SDK over HTTP, to a stand-in Azure endpoint in front of the emulator.
 */
import { strict as assert } from 'node:assert';
import { createClient } from '../../../src/core/config/client';
import type { BackendProfile } from '../../../src/core/config/profile';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator/index';
import { startAzureStandIn, type AzureStandIn } from '../../integration/support/azureStandIn';

const KEY = 'k'.repeat(32);

describe('Azure api-version setting', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let azure: AzureStandIn;
  before(async () => {
    emu = await startEmulator({ timeScale: 1 });
    azure = await startAzureStandIn({ emulatorUrl: emu.url, emulatorKey: emu.key, apiKey: KEY, deployments: { mentor: 'gpt-4.1-mini-2025-04-14' } });
  });
  after(async () => {
    await azure?.close();
    await emu?.close();
  });

  const profile = (azureApiVersion: string): BackendProfile => ({
    provider: 'azure',
    baseUrl: '',
    azureEndpoint: azure.endpoint,
    azureApiVersion,
    defaultChatModel: '',
    defaultBaseModel: 'gpt-4.1-mini-2025-04-14',
  });

  async function callEverything(apiVersion: string): Promise<{ path: string; apiVersion: string | null }[]> {
    const r = createClient(profile(apiVersion), KEY, { maxRetries: 0 });
    assert.ok(r.ok);
    const from = azure.requests.length;
    const emuFrom = emu.requests.length;
    await r.client.models.list();
    await r.client.fineTuning.jobs.list({ limit: 3 });
    await r.client.files.list();
    const chat = await r.client.chat.completions.create({ model: 'mentor', messages: [{ role: 'user', content: 'Hello' }] });
    assert.ok(chat.choices.length > 0);
    const stream = await r.client.chat.completions.create({ model: 'mentor', messages: [{ role: 'user', content: 'Hello' }], stream: true });
    for await (const chunk of stream) void chunk;
    // Every request went on to the emulator and was answered there.
    const answered = emu.requests.slice(emuFrom);
    assert.equal(answered.length, 5);
    assert.ok(
      answered.every((e) => e.status === 200),
      JSON.stringify(answered),
    );
    return azure.requests.slice(from).map((q) => {
      const url = new URL(q.path, 'http://x');
      return { path: url.pathname, apiVersion: url.searchParams.get('api-version') };
    });
  }

  it('sends api-version=preview on every request when set to "preview"', async () => {
    const seen = await callEverything('preview');
    assert.equal(seen.length, 5);
    assert.deepEqual(
      seen.map((s) => s.apiVersion),
      ['preview', 'preview', 'preview', 'preview', 'preview'],
      JSON.stringify(seen),
    );
    // A request's own query is kept next to it.
    const jobs = azure.requests.find((q) => q.path.startsWith('/openai/v1/fine_tuning/jobs'));
    assert.match(jobs?.path ?? '', /[?&]limit=3(&|$)/);
  });

  it('sends no api-version when the setting is empty (generally available v1 API)', async () => {
    const seen = await callEverything('  ');
    assert.deepEqual(
      seen.map((s) => s.apiVersion),
      [null, null, null, null, null],
    );
  });

  it('never sends it to other backends', () => {
    const r = createClient({ ...profile('preview'), provider: 'emulator', baseUrl: emu.url }, emu.key);
    assert.ok(r.ok);
    assert.equal(r.ok && r.client.buildURL('/models', undefined), `${emu.url}/models`);
  });
});
