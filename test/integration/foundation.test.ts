import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Commands, Views } from '../../src/constants';
import type { SocratuneApi } from '../../src/extension';
import { EMULATOR_KEY_ENV } from '../../src/settings/demoKey';
import { EXTENSION_ID, activateSocratune, flushedLog, logFilePath, nextEvent, waitFor, workspaceRoot } from './support/host';

interface ContributedCommand {
  command: string;
}

const fakeKey = (): string => `sk-test-${randomBytes(12).toString('hex')}`;

describe('foundation', () => {
  let api: SocratuneApi;

  before(async () => {
    api = await activateSocratune();
  });

  it('activates from the development path and returns its handles', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'extension is active');
    assert.equal(typeof api.activatedInMs, 'number');
    assert.ok(api.services.log && api.services.keys, 'services are exposed to tests');
  });

  it('registers every command contributed in package.json', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = ((ext?.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length >= Object.keys(Commands).length, 'package.json contributes the commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    for (const id of Object.values(Commands)) assert.ok(contributed.includes(id), `${id} (src/constants.ts) is contributed in package.json`);
  });

  it('resolves the Chat webview view when it is focused', async () => {
    const resolved = api.chat.isResolved ? Promise.resolve() : nextEvent('chat view to resolve', api.chat.onDidResolve);
    await vscode.commands.executeCommand(`${Views.chat}.focus`);
    await resolved;
    assert.ok(api.chat.isResolved);
  });

  for (const [name, pick] of [
    ['Fine-tune Jobs', (a: SocratuneApi) => a.jobsView],
    ['Models', (a: SocratuneApi) => a.modelsView],
  ] as const) {
    it(`shows the ${name} tree view when it is focused`, async () => {
      const view = pick(api);
      const id = name === 'Models' ? Views.models : Views.jobs;
      await vscode.commands.executeCommand(`${id}.focus`);
      await waitFor(`${name} view to become visible`, () => view.visible);
      assert.ok(view.visible);
    });
  }

  it('round-trips socratune.* settings through the workspace configuration', async () => {
    const config = () => vscode.workspace.getConfiguration('socratune');
    const changed = nextEvent('configuration change', vscode.workspace.onDidChangeConfiguration, (e) => e.affectsConfiguration('socratune.chat.defaultModel'));
    await config().update('chat.defaultModel', 'ft:gpt-4.1-mini:me::abc123', vscode.ConfigurationTarget.Workspace);
    await changed;
    assert.equal(config().get('chat.defaultModel'), 'ft:gpt-4.1-mini:me::abc123');
    assert.equal(api.services.profile().defaultChatModel, 'ft:gpt-4.1-mini:me::abc123');
    await config().update('provider', 'openai-compatible', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', 'http://127.0.0.1:9/v1', vscode.ConfigurationTarget.Workspace);
    assert.equal(api.services.profile().provider, 'openai-compatible');
    assert.equal(api.services.profile().baseUrl, 'http://127.0.0.1:9/v1');
    for (const k of ['chat.defaultModel', 'provider', 'baseUrl']) await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    assert.equal(config().get('chat.defaultModel'), '');
    assert.equal(api.services.profile().provider, 'openai');
  });

  it('"Choose Backend" switches the backend where it takes effect, even when the workspace sets one', async () => {
    const config = () => vscode.workspace.getConfiguration('socratune');
    const before = config().inspect<string>('provider');
    try {
      // A workspace value shadows the user's: the switch must land in the workspace, or nothing changes.
      await config().update('provider', 'emulator', vscode.ConfigurationTarget.Workspace);
      assert.equal(await vscode.commands.executeCommand(Commands.selectProvider, { provider: 'openai-compatible' }), 'openai-compatible');
      assert.equal(api.services.profile().provider, 'openai-compatible');
      assert.equal(config().inspect<string>('provider')?.workspaceValue, 'openai-compatible');
      assert.equal(config().inspect<string>('provider')?.globalValue, before?.globalValue, 'user settings untouched');
      // Without a workspace value, the user setting is the one that counts.
      await config().update('provider', undefined, vscode.ConfigurationTarget.Workspace);
      assert.equal(await vscode.commands.executeCommand(Commands.selectProvider, { provider: 'azure' }), 'azure');
      assert.equal(config().inspect<string>('provider')?.globalValue, 'azure');
      assert.equal(api.services.profile().provider, 'azure');
      // An unknown backend is refused and nothing is written.
      assert.equal(await vscode.commands.executeCommand(Commands.selectProvider, { provider: 'bedrock' }), undefined);
      assert.equal(config().inspect<string>('provider')?.globalValue, 'azure');
      assert.equal(config().inspect<string>('provider')?.workspaceValue, undefined);
    } finally {
      await config().update('provider', before?.globalValue, vscode.ConfigurationTarget.Global);
      await config().update('provider', before?.workspaceValue, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('stores and clears API keys in SecretStorage through the commands', async () => {
    const key = fakeKey();
    assert.equal(await vscode.commands.executeCommand(Commands.setApiKey, { provider: 'openai-compatible', key }), true);
    assert.equal(await api.services.keys.get('openai-compatible'), key);
    assert.equal(await api.services.context.secrets.get('socratune.apiKey.openai-compatible'), key, 'kept in SecretStorage under a per-provider key');
    assert.equal(await api.services.keys.get('openai'), undefined, 'keys are per provider');
    await vscode.commands.executeCommand(Commands.clearApiKey, { provider: 'openai-compatible', silent: true });
    assert.equal(await api.services.keys.get('openai-compatible'), undefined);
    const inspected = vscode.workspace.getConfiguration('socratune').inspect('apiKey');
    assert.equal(inspected?.workspaceValue ?? inspected?.globalValue, undefined, 'nothing was written to settings');
  });

  it('refuses a key pasted into settings and never uses it', async () => {
    const key = fakeKey();
    const settingsUri = vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'settings.json');
    const before = await vscode.workspace.fs.readFile(settingsUri).then(
      (b) => Buffer.from(b).toString('utf8'),
      () => undefined,
    );
    const current = before ? (JSON.parse(before) as Record<string, unknown>) : {};
    const changed = nextEvent('socratune.apiKey to change', vscode.workspace.onDidChangeConfiguration, (e) => e.affectsConfiguration('socratune.apiKey'));
    await vscode.workspace.fs.writeFile(settingsUri, Buffer.from(JSON.stringify({ ...current, 'socratune.apiKey': key }, null, 2)));
    try {
      await changed;
      const log = await waitFor('the refusal in the Socratune log', async () => {
        const text = await flushedLog(api);
        return text.includes('Refused: settings socratune.apiKey') ? text : undefined;
      });
      assert.ok(!log.includes(key), 'the pasted key is not logged');
      assert.equal(await api.services.keys.get('openai'), undefined, 'the pasted key was not stored');
      const client = await api.services.client();
      assert.equal(client.ok, false, 'no client is built from a key in settings');
      assert.equal(client.ok ? '' : client.reason, 'no-key');
    } finally {
      const cleared = nextEvent('socratune.apiKey to be removed', vscode.workspace.onDidChangeConfiguration, (e) => e.affectsConfiguration('socratune.apiKey'));
      await vscode.workspace.fs.writeFile(settingsUri, Buffer.from(JSON.stringify(current, null, 2)));
      await cleared;
    }
  });

  it('never writes a stored key to the log file, whatever the message shape', async () => {
    const key = fakeKey();
    const odd = `emu-${randomBytes(6).toString('hex')}`; // not key-shaped: redacted only because it is registered
    await vscode.commands.executeCommand(Commands.setApiKey, { provider: 'openai', key });
    await vscode.commands.executeCommand(Commands.setApiKey, { provider: 'openai-compatible', key: odd });
    try {
      const { log } = api.services;
      log.info(`request with key ${key}`);
      log.warn('headers', { Authorization: `Bearer ${key}`, 'api-key': odd });
      log.error('request failed', new Error(`401 for key ${key} and ${odd}`));
      log.info(`custom key ${odd}`);
      const text = await flushedLog(api);
      assert.ok(text.includes('Socratune activated'), `${logFilePath(api)} is the Socratune channel's file`);
      assert.ok(!text.includes(key), 'the OpenAI-shaped key is redacted');
      assert.ok(!text.includes(odd), 'a registered key of any shape is redacted');
      assert.ok(text.includes('request with key [REDACTED]'));
      assert.ok(text.includes('custom key [REDACTED]'));
    } finally {
      await vscode.commands.executeCommand(Commands.clearApiKey, { provider: 'openai', silent: true });
      await vscode.commands.executeCommand(Commands.clearApiKey, { provider: 'openai-compatible', silent: true });
    }
  });

  it('redacts every stored key, also one stored by another window or for a backend this list does not know', async () => {
    const hexKey = randomBytes(32).toString('hex'); // Together's 64-hex shape: not redacted by its shape
    const future = `zz${randomBytes(9).toString('hex')}`;
    const { context, log } = api.services;
    await context.secrets.store('socratune.apiKey.openai-compatible', hexKey);
    await context.secrets.store('socratune.apiKey.some-future-backend', future);
    try {
      // Registration follows SecretStorage's change event; nothing key-bearing is logged before it happened.
      await waitFor('the keys registered with the log', () => log.redacted(`${hexKey} ${future}`) === '[REDACTED] [REDACTED]');
      log.info(`probe ${hexKey} ${future}`);
      const text = await flushedLog(api);
      assert.ok(!text.includes(hexKey), 'a 64-hex key is redacted once stored');
      assert.ok(!text.includes(future), 'a key of a kind not in PROVIDER_KINDS is redacted');
      assert.ok(text.includes('probe [REDACTED] [REDACTED]'));
    } finally {
      await context.secrets.delete('socratune.apiKey.openai-compatible');
      await context.secrets.delete('socratune.apiKey.some-future-backend');
    }
  });

  it('stores the emulator demo key from the environment when the emulator backend is chosen', async () => {
    const config = vscode.workspace.getConfiguration('socratune');
    const saved = process.env[EMULATOR_KEY_ENV];
    const demo = `sk-emulator-test-${randomBytes(4).toString('hex')}`;
    await vscode.commands.executeCommand(Commands.clearApiKey, { provider: 'emulator', silent: true });
    process.env[EMULATOR_KEY_ENV] = demo;
    try {
      await config.update('provider', 'emulator', vscode.ConfigurationTarget.Workspace);
      assert.equal(await waitFor('the demo key in SecretStorage', () => api.services.keys.get('emulator')), demo);
      // An existing key is never overwritten from the environment.
      await vscode.commands.executeCommand(Commands.setApiKey, { provider: 'emulator', key: 'user-chosen-emulator-key' });
      assert.equal(await api.demoKey.syncNow(), false, 'nothing stored over an existing key');
      assert.equal(await api.services.keys.get('emulator'), 'user-chosen-emulator-key');
    } finally {
      if (saved === undefined) delete process.env[EMULATOR_KEY_ENV];
      else process.env[EMULATOR_KEY_ENV] = saved;
      await config.update('provider', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand(Commands.clearApiKey, { provider: 'emulator', silent: true });
    }
  });
});
