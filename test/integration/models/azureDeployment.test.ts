import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import { AzureStandIn, startAzureStandIn } from '../support/azureStandIn';
import { activateSocratune, waitFor } from '../support/host';

/** An Azure-shaped fine-tuned model ID (`<base>.ft-<32 hex>`). */
const MODEL = 'gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef';
const DEPLOYMENT = 'journal-ft-prod';
const AZURE_KEY = 'azure-test-key-0000';
const PROMPT = 'You are the journal: answer as its author would.';
const CHAT_SETTINGS_KEY = 'socratune.chat.settings';

type Scoped = { globalValue?: unknown; workspaceValue?: unknown };

describe('models: Set Azure Deployment for Model…', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const deployments = () => config().get<Record<string, string>>('azure.deployments') ?? {};
  const saved = new Map<string, Scoped>();
  let savedChat: unknown;
  let azure: AzureStandIn;
  let conversationId: string | undefined;

  const setDeployment = (arg: Record<string, unknown>) => vscode.commands.executeCommand<boolean>('socratune.models.setAzureDeployment', arg);
  /** The chat target the product computes: the Azure backend BackendHost builds from the settings. */
  const chatTarget = async (modelId: string) => (await api.jobs.backendHost.backend()).chatTarget(modelId);

  before(async () => {
    const url = process.env.SOCRATUNE_EMULATOR_URL;
    if (!url) throw new Error('SOCRATUNE_EMULATOR_URL is not set: build the emulator (npm run build) so the launcher starts it');
    api = await activateSocratune();
    for (const k of ['provider', 'azure.endpoint', 'azure.deployments']) {
      const i = config().inspect(k);
      saved.set(k, { globalValue: i?.globalValue, workspaceValue: i?.workspaceValue });
    }
    savedChat = api.services.context.workspaceState.get(CHAT_SETTINGS_KEY);
    // The emulator does not speak Azure (docs/emulator.md): a stand-in resource endpoint checks Azure's
    // path, api-key header and deployment names, and forwards to the emulator (support/azureStandIn.ts).
    azure = await startAzureStandIn({
      emulatorUrl: url,
      emulatorKey: process.env.SOCRATUNE_EMULATOR_KEY ?? '',
      apiKey: AZURE_KEY,
      deployments: { [DEPLOYMENT]: 'gpt-4.1-mini-2025-04-14' },
    });
    await config().update('provider', 'azure', vscode.ConfigurationTarget.Workspace);
    await config().update('azure.endpoint', azure.endpoint, vscode.ConfigurationTarget.Workspace);
    assert.ok(await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'azure', key: AZURE_KEY }));
  });

  after(async () => {
    await api.chat.session.streams.whenIdle();
    if (conversationId) await api.chat.session.deleteConversation(conversationId, { confirm: false });
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'azure', silent: true });
    for (const [k, v] of saved) {
      await config().update(k, v.workspaceValue, vscode.ConfigurationTarget.Workspace);
      await config().update(k, v.globalValue, vscode.ConfigurationTarget.Global);
    }
    await api.services.context.workspaceState.update(CHAT_SETTINGS_KEY, savedChat);
    await api.services.modelPrompts.set(MODEL, undefined);
    await api.services.modelPrompts.set(DEPLOYMENT, undefined);
    await azure?.close();
  });

  it('without a mapping, Azure chat refuses the fine-tuned model and says to set a deployment', async () => {
    const t = await chatTarget(MODEL);
    assert.equal(t.ok, false);
    if (!t.ok) {
      assert.equal(t.reason, 'needs-deployment');
      assert.match(t.message, /Set Azure Deployment for Model/);
    }
  });

  it('maps the model to the deployment given, and the chat target becomes the deployment', async () => {
    await api.services.modelPrompts.set(MODEL, { systemPrompt: PROMPT, source: 'job', datasetName: 'journal' });
    assert.equal(await setDeployment({ modelId: MODEL, deployment: `  ${DEPLOYMENT} ` }), true);
    assert.deepEqual(config().inspect('azure.deployments')?.globalValue, { [MODEL]: DEPLOYMENT });
    assert.deepEqual(await chatTarget(MODEL), { ok: true, model: DEPLOYMENT, note: `Azure deployment "${DEPLOYMENT}" serving ${MODEL}` });
    // Chat looks the bound prompt up by the name it sends.
    assert.deepEqual(api.services.modelPrompts.get(DEPLOYMENT), { systemPrompt: PROMPT, source: 'job', datasetName: 'journal' });
  });

  it('chat with the model asks Azure for the deployment, with the bound prompt and the api-key header', async () => {
    assert.equal(await vscode.commands.executeCommand('socratune.models.chatWith', { modelId: MODEL }), true);
    assert.equal(api.chat.session.settings.settings.model, DEPLOYMENT);
    const chat = api.chat.session;
    assert.ok(await api.chat.simulate({ type: 'conversation/new' }));
    await chat.settled();
    const from = azure.requests.length;
    assert.ok(await api.chat.simulate({ type: 'chat/send', text: 'How should I begin a difficult morning?' }));
    await chat.settled();
    conversationId = chat.current?.id;
    await waitFor('the reply to start streaming', () => chat.streams.list().length > 0 || chat.current?.turns.at(-1)?.kind === 'assistant');
    await chat.streams.whenIdle();
    const turn = chat.current?.turns.at(-1);
    assert.ok(turn && turn.kind === 'assistant', JSON.stringify(turn));
    assert.equal(turn.reply.status, 'done', JSON.stringify(turn.reply.error));
    assert.equal(turn.reply.setup.model, DEPLOYMENT);
    const sent = azure.requests.slice(from).filter((r) => r.method === 'POST' && r.path.startsWith('/openai/v1/chat/completions'));
    assert.equal(sent.length, 1, JSON.stringify(azure.requests.slice(from)));
    assert.equal(sent[0].apiKey, AZURE_KEY);
    assert.equal(sent[0].body?.model, DEPLOYMENT);
    assert.deepEqual((sent[0].body?.messages as unknown[] | undefined)?.[0], { role: 'system', content: PROMPT });
    assert.ok(turn.reply.text.length > 0);
  });

  it('"Set as default chat model" stores the deployment name', async () => {
    const before = config().inspect<string>('chat.defaultModel')?.globalValue;
    try {
      assert.equal(await vscode.commands.executeCommand('socratune.models.setDefault', { modelId: MODEL }), true);
      assert.equal(config().inspect<string>('chat.defaultModel')?.globalValue, DEPLOYMENT);
    } finally {
      await config().update('chat.defaultModel', before, vscode.ConfigurationTarget.Global);
    }
  });

  for (const bad of ['journal ft', 'journal/ft', 'ft:gpt-4.1-mini:org:x:1']) {
    it(`refuses the invalid deployment name "${bad}" and writes nothing`, async () => {
      const before = config().inspect('azure.deployments')?.globalValue;
      assert.equal(await setDeployment({ modelId: MODEL, deployment: bad }), false);
      assert.deepEqual(config().inspect('azure.deployments')?.globalValue, before);
      assert.equal(deployments()[MODEL], DEPLOYMENT);
      assert.equal(api.services.modelPrompts.get(bad), undefined);
    });
  }

  it('an empty name removes the mapping, and Azure chat needs a deployment again', async () => {
    assert.equal(await setDeployment({ modelId: MODEL, deployment: '' }), true);
    assert.equal(MODEL in deployments(), false);
    assert.deepEqual(config().inspect('azure.deployments')?.globalValue, {});
    const t = await chatTarget(MODEL);
    assert.equal(t.ok, false);
  });
});
