import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { Reply } from '../../../src/core/chat/types';
import type { ProviderKind } from '../../../src/core/config/profile';
import type { SocratuneApi } from '../../../src/extension';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import type { ChatSettings, ModelsState, ToChatWebview } from '../../../src/shared/protocol';
import { chatDriver } from '../support/chat';
import { activateSocratune, waitFor } from '../support/host';

/**
 * A local OpenAI-compatible server that needs no API key (Ollama, LM Studio, llama.cpp, vLLM without
 * --api-key), played by a second emulator started in-process with authentication off.
 */
describe('chat with a local server that needs no API key (real VS Code, emulator with auth off)', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  let local: EmulatorHandle;
  const posted: ToChatWebview[] = [];
  let sub: vscode.Disposable | undefined;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const saved: { settings: Record<string, unknown>; keys: Partial<Record<ProviderKind, string>>; chat?: ChatSettings; conversationId?: string } = {
    settings: {},
    keys: {},
  };
  const mine: string[] = [];

  before(async () => {
    api = await activateSocratune();
    local = await startEmulator({ auth: false, timeScale: 1000, tokensPerSecond: 0 });
    for (const k of ['provider', 'baseUrl']) saved.settings[k] = config().inspect(k)?.workspaceValue;
    for (const kind of ['openai-compatible', 'openai'] as const) {
      saved.keys[kind] = await api.services.keys.get(kind);
      await api.services.keys.clear(kind);
    }
    saved.chat = api.chat.session.settings.settings;
    saved.conversationId = api.chat.session.current?.id;
    sub = api.chat.observe((m) => posted.push(m));
    await vscode.commands.executeCommand('socratune.chat.focus');
    await waitFor('the chat webview to resolve', () => api.chat.isResolved);
    await config().update('provider', 'openai-compatible', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', local.url, vscode.ConfigurationTarget.Workspace);
    await sim({ type: 'chat/setCompare', enabled: false });
    await sim({ type: 'chat/setParams', params: {} });
    await sim({ type: 'conversation/new' });
  });

  after(async () => {
    sub?.dispose();
    await api.chat.session.streams.whenIdle();
    for (const id of mine) await api.chat.session.deleteConversation(id, { confirm: false });
    if (saved.chat) await api.chat.session.settings.update(saved.chat);
    if (saved.conversationId) await api.chat.session.openConversation(saved.conversationId);
    for (const [k, v] of Object.entries(saved.settings)) await config().update(k, v, vscode.ConfigurationTarget.Workspace);
    for (const kind of ['openai-compatible', 'openai'] as const) {
      const key = saved.keys[kind];
      if (key) await api.services.keys.set(kind, key);
      else await api.services.keys.clear(kind);
    }
    await local?.close();
  });

  const { sim, lastReply, idle } = chatDriver(() => api);
  const sendAndWait = async (text: string): Promise<Reply> => {
    await sim({ type: 'chat/send', text });
    const id = api.chat.session.current?.id;
    if (id && !mine.includes(id)) mine.push(id);
    await idle();
    return lastReply();
  };
  const backendLabel = () => `OpenAI-compatible · ${new URL(local.url).host}`;

  it('no key is stored for openai-compatible, and the emulator really accepts requests without one', async () => {
    assert.equal(await api.services.keys.get('openai-compatible'), undefined);
    assert.equal(api.services.profile().provider, 'openai-compatible');
    assert.equal(local.auth, false);
    const res = await fetch(`${local.url}/models`);
    assert.equal(res.status, 200, 'no Authorization header, still served');
  });

  it("the model picker lists the server's models (GET /models with no key)", async () => {
    const res = await fetch(`${local.url}/models`);
    const serverIds = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    assert.ok(serverIds.length > 0);
    const from = local.requests.length;
    const postedFrom = posted.length;
    await sim({ type: 'chat/refreshModels' });
    const complete = (m: ModelsState) =>
      !m.loading && m.backend === backendLabel() && serverIds.every((id) => m.entries.some((e) => e.id === id && e.kind === 'server'));
    const state = await waitFor('the catalog to list every server model', () =>
      complete(api.chat.session.models.current) ? api.chat.session.models.current : undefined,
    );
    assert.equal(state.error, undefined, 'no "no API key" or listing error');
    const toView = await waitFor('the picker (webview) to get that list', () =>
      posted.slice(postedFrom).find((m): m is Extract<ToChatWebview, { type: 'chat/models' }> => m.type === 'chat/models' && complete(m.models)),
    );
    assert.equal(toView.models.error, undefined);
    assert.ok(
      local.requests.slice(from).some((r) => r.method === 'GET' && r.path === '/v1/models' && r.status === 200),
      `the list came from the key-less server: ${JSON.stringify(local.requests.slice(from).map((r) => [r.method, r.path, r.status]))}`,
    );
  });

  it('picks a server model, sends a prompt and streams the reply to done, with no key', async () => {
    const model = api.chat.session.models.current.entries.find((e) => e.kind === 'server' && e.id === 'gpt-4o-mini-2024-07-18');
    assert.ok(model, 'the model is in the picker');
    await sim({ type: 'chat/setModel', model: model.id });
    const from = local.requests.length;
    const postedFrom = posted.length;
    const r = await sendAndWait('What is virtue, asked of a local model?');
    assert.equal(r.status, 'done', JSON.stringify(r.error));
    assert.equal(r.setup.model, model.id);
    assert.equal(r.finishReason, 'stop');
    assert.match(r.text, /^\(gpt-4o-mini-2024-07-18, emulated\) You asked about virtue/);
    const deltas = posted.slice(postedFrom).filter((m): m is Extract<ToChatWebview, { type: 'chat/delta' }> => m.type === 'chat/delta');
    assert.ok(deltas.length >= 1, 'the reply streamed to the view');
    assert.equal(deltas.map((d) => d.text).join(''), r.text);
    const chats = local.requests.slice(from).filter((q) => q.method === 'POST' && q.path === '/v1/chat/completions');
    assert.equal(chats.length, 1, 'exactly one request reached the key-less server');
    assert.equal(chats[0].status, 200);
    assert.equal(await api.services.keys.get('openai-compatible'), undefined, 'still no key stored');
  });

  it('the same server as provider "openai" with no key: a clear "no API key" error and nothing is sent', async () => {
    await config().update('provider', 'openai', vscode.ConfigurationTarget.Workspace);
    assert.equal(api.services.profile().baseUrl, local.url, 'the base URL override still points at the local server');
    const openaiCatalog = () => {
      const m = api.chat.session.models.current;
      return !m.loading && m.backend === `OpenAI · ${new URL(local.url).host}` ? m : undefined;
    };
    // The switch itself refreshes the catalog: once that has settled, count what reaches the server.
    await waitFor('the catalog to follow the switch to the openai backend', openaiCatalog);
    const from = local.requests.length;
    const r = await sendAndWait('Will this reach anyone?');
    assert.equal(r.status, 'error');
    assert.equal(r.error?.kind, 'no-key');
    assert.match(r.error?.message ?? '', /No API key is set for the openai backend/);
    assert.match(r.error?.message ?? '', /Set API Key/);
    await sim({ type: 'chat/refreshModels' });
    const models = await waitFor('the catalog to settle on the openai backend', openaiCatalog);
    assert.match(models.error ?? '', /No API key is set for the openai backend/);
    assert.equal(models.entries.filter((e) => e.kind !== 'fine-tuned' && e.kind !== 'checkpoint').length, 0, 'no server models listed without a key');
    const sent = local.requests.slice(from).filter((q) => q.path === '/v1/chat/completions' || q.path === '/v1/models');
    assert.deepEqual(
      sent.map((q) => [q.method, q.path]),
      [],
      'no chat or model request left the extension',
    );

    // With a key for "openai", the very same send reaches that server: the key was the only thing missing.
    await api.services.keys.set('openai', 'sk-local-test-not-a-real-key-0000');
    try {
      const ok = await sendAndWait('And now?');
      assert.equal(ok.status, 'done', JSON.stringify(ok.error));
      assert.ok(local.requests.slice(from).some((q) => q.method === 'POST' && q.path === '/v1/chat/completions' && q.status === 200));
    } finally {
      await api.services.keys.clear('openai');
    }
  });
});
