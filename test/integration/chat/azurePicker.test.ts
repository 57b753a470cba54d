import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { ToChatWebview } from '../../../src/shared/protocol';
import { AzureStandIn, startAzureStandIn } from '../support/azureStandIn';
import { chatDriver } from '../support/chat';
import { activateSocratune, waitFor } from '../support/host';

/** An Azure-shaped fine-tuned model ID (`<base>.ft-<32 hex>`), as picked (or typed) in the chat's model picker. */
const MODEL = 'gpt-4.1-mini-2025-04-14.ft-fedcba9876543210fedcba9876543210';
const DEPLOYMENT = 'mentor-picker';
const AZURE_KEY = 'azure-test-key-picker';
const CHAT_SETTINGS_KEY = 'socratune.chat.settings';

type Scoped = { globalValue?: unknown; workspaceValue?: unknown };

/** Issue 10 bug 2: the chat picker asks the backend how to address a model, so Azure chat names the deployment. */
describe('chat picker on Azure: a fine-tuned model is reached through its deployment', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  let azure: AzureStandIn;
  const posted: ToChatWebview[] = [];
  let stop: vscode.Disposable | undefined;
  const saved = new Map<string, Scoped>();
  let savedChat: unknown;
  const conversations: string[] = [];
  const config = () => vscode.workspace.getConfiguration('socratune');
  const { sim, conv, last } = chatDriver(() => api);
  const chatRequests = (from: number) => azure.requests.slice(from).filter((r) => r.method === 'POST' && r.path.startsWith('/openai/v1/chat/completions'));

  before(async () => {
    const url = process.env.SOCRATUNE_EMULATOR_URL;
    if (!url) throw new Error('SOCRATUNE_EMULATOR_URL is not set: build the emulator (npm run build) so the launcher starts it');
    api = await activateSocratune();
    for (const k of ['provider', 'azure.endpoint', 'azure.deployments']) {
      const i = config().inspect(k);
      saved.set(k, { globalValue: i?.globalValue, workspaceValue: i?.workspaceValue });
    }
    savedChat = api.services.context.workspaceState.get(CHAT_SETTINGS_KEY);
    azure = await startAzureStandIn({
      emulatorUrl: url,
      emulatorKey: process.env.SOCRATUNE_EMULATOR_KEY ?? '',
      apiKey: AZURE_KEY,
      deployments: { [DEPLOYMENT]: 'gpt-4.1-mini-2025-04-14' },
    });
    await config().update('provider', 'azure', vscode.ConfigurationTarget.Workspace);
    await config().update('azure.endpoint', azure.endpoint, vscode.ConfigurationTarget.Workspace);
    assert.ok(await vscode.commands.executeCommand('socratune.setApiKey', { provider: 'azure', key: AZURE_KEY }));
    stop = api.chat.observe((m) => posted.push(m));
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/setCompare', enabled: false });
    await sim({ type: 'chat/setModel', model: MODEL });
  });

  after(async () => {
    stop?.dispose();
    await api.chat.session.streams.whenIdle();
    for (const id of conversations) await api.chat.session.deleteConversation(id, { confirm: false });
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'azure', silent: true });
    for (const [k, v] of saved) {
      await config().update(k, v.workspaceValue, vscode.ConfigurationTarget.Workspace);
      await config().update(k, v.globalValue, vscode.ConfigurationTarget.Global);
    }
    await api.services.context.workspaceState.update(CHAT_SETTINGS_KEY, savedChat);
    await azure?.close();
  });

  it('without a deployment, sending refuses with the deploy explanation and sends nothing to Azure', async () => {
    const from = azure.requests.length;
    const notices = posted.length;
    await sim({ type: 'chat/send', text: 'What did I learn this week?' });
    assert.deepEqual(chatRequests(from), [], 'no chat request reaches Azure');
    const notice = posted.slice(notices).find((m): m is Extract<ToChatWebview, { type: 'chat/notice' }> => m.type === 'chat/notice');
    assert.equal(notice?.level, 'error');
    assert.match(notice?.message ?? '', /deployment/i);
    assert.match(notice?.message ?? '', /Set Azure Deployment for Model/);
  });

  it('with a deployment set, the picked model is sent as the deployment name and answers', async () => {
    await config().update('azure.deployments', { [MODEL]: DEPLOYMENT }, vscode.ConfigurationTarget.Global);
    const from = azure.requests.length;
    await sim({ type: 'chat/send', text: 'How should I begin a difficult morning?' });
    conversations.push(conv().id);
    await waitFor('the reply to end', () => {
      const t = last();
      return t.kind === 'assistant' && t.reply.status !== 'streaming';
    });
    const t = last();
    assert.ok(t.kind === 'assistant');
    assert.equal(t.reply.status, 'done', JSON.stringify(t.reply.error));
    assert.equal(t.reply.setup.model, DEPLOYMENT);
    const sent = chatRequests(from);
    assert.equal(sent.length, 1, JSON.stringify(azure.requests.slice(from)));
    assert.equal(sent[0].body?.model, DEPLOYMENT);
  });

  it("the picker lists the backend's chat targets and marks an Azure fine-tune without a deployment", async () => {
    await config().update('azure.deployments', {}, vscode.ConfigurationTarget.Global);
    const state = await api.chat.session.models.refresh();
    assert.ok(state.entries.length > 0, JSON.stringify(state));
    assert.equal(state.error, undefined);
    const target = await api.chat.session.models.resolve(MODEL);
    assert.equal(target.ok, false);
  });
});
