/**
 * Onboarding context keys (issue 15 #9): the walkthrough steps "Choose a backend", "Set your API key" and "Chat with
 * your mentor" complete on `onContext:` events whose keys are set when the thing happens, and the Jobs welcome's
 * "Set API Key" shows only under `socratune.needsApiKey` — false for the emulator (its demo key) and for a key-less
 * local server. The ticks themselves are shown in the real walkthrough by test/e2e/walkthrough.e2e.ts.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { OnboardingKey } from '../../../src/platform/onboarding';
import { chatDriver } from '../support/chat';
import { activateSocratune, flushedLog, useEmulatorBackend, waitFor } from '../support/host';

interface PackageJson {
  contributes: {
    walkthroughs: { id: string; steps: { id: string; title: string; completionEvents?: string[] }[] }[];
    viewsWelcome: { view: string; contents: string; when?: string }[];
  };
}

describe('walkthrough: onboarding context keys tick the backend, key and chat steps (issue 15 #9)', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const { sim, lastReply, idle } = chatDriver(() => api);
  const keys = (): Record<string, boolean | undefined> => {
    const names: OnboardingKey[] = ['socratune.backendChosen', 'socratune.apiKeyReady', 'socratune.needsApiKey'];
    return Object.fromEntries(names.map((k) => [k, api.services.onboarding.value(k)]));
  };
  const expectKeys = (what: string, want: Record<string, boolean>) =>
    waitFor(what, () => JSON.stringify(keys()) === JSON.stringify(want) || undefined, 10_000).catch(() => assert.deepEqual(keys(), want, what));

  before(async () => {
    api = await activateSocratune();
  });

  after(async () => {
    for (const k of ['provider', 'baseUrl']) await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('package.json: the three steps complete on their context keys; Set API Key shows only when a key is needed', () => {
    const pkg = vscode.extensions.getExtension('socratune.socratune')?.packageJSON as PackageJson;
    const steps = pkg.contributes.walkthroughs.find((w) => w.id === 'socratune.getStarted')?.steps ?? [];
    const events = (id: string) => steps.find((s) => s.id === id)?.completionEvents ?? [];
    assert.ok(events('backend').includes('onContext:socratune.backendChosen'));
    assert.ok(events('key').includes('onContext:socratune.apiKeyReady'));
    assert.ok(events('chat').includes('onContext:socratune.chatReplied'));
    const setKey = pkg.contributes.viewsWelcome.filter((w) => w.view === 'socratune.jobs' && w.contents.includes('command:socratune.setApiKey'));
    assert.deepEqual(
      setKey.map((w) => w.when),
      ['socratune.needsApiKey'],
    );
  });

  it('a backend that needs a key and has none: not ready, Set API Key offered', async () => {
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('provider', 'openai', vscode.ConfigurationTarget.Workspace);
    assert.equal(await api.services.keys.get('openai'), undefined, 'no OpenAI key in this test window');
    await expectKeys('the keys for OpenAI without a key', { 'socratune.backendChosen': true, 'socratune.apiKeyReady': false, 'socratune.needsApiKey': true });
  });

  it('a key-less local server needs no key: ready, no Set API Key', async () => {
    await config().update('provider', 'openai-compatible', vscode.ConfigurationTarget.Workspace);
    await config().update('baseUrl', 'http://127.0.0.1:9/v1', vscode.ConfigurationTarget.Workspace);
    await expectKeys('the keys for a key-less local server', {
      'socratune.backendChosen': true,
      'socratune.apiKeyReady': true,
      'socratune.needsApiKey': false,
    });
  });

  it('the emulator has its demo key: ready, no Set API Key; the backend and key steps are marked done in the walkthrough', async () => {
    await useEmulatorBackend(api);
    await expectKeys('the keys for the emulator', { 'socratune.backendChosen': true, 'socratune.apiKeyReady': true, 'socratune.needsApiKey': false });
    // Marked in the background (retried while the workbench is still registering the walkthrough).
    await waitFor(
      'both steps marked done',
      async () => /step “backend” done/.test(await flushedLog(api)) && /step “key” done/.test(await flushedLog(api)),
      20_000,
      250,
    );
    const log = await flushedLog(api);
    assert.match(log, /Walkthrough: step “backend” done \(socratune\.backendChosen\)\./);
    assert.match(log, /Walkthrough: step “key” done \(socratune\.apiKeyReady\)\./);
    assert.doesNotMatch(log, /Could not (set socratune\.|tick the walkthrough step)/);
  });

  it('a whole chat reply sets socratune.chatReplied and marks "Chat with your mentor" done', async () => {
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/setModel', model: 'gpt-4.1-mini-2025-04-14' });
    await sim({ type: 'chat/send', text: 'Good morning, mentor.' });
    await idle();
    assert.equal(lastReply().status, 'done');
    await waitFor('socratune.chatReplied', () => api.services.onboarding.value('socratune.chatReplied'));
    await waitFor(
      'the chat step marked done',
      async () => /Walkthrough: step “chat” done \(socratune\.chatReplied\)\./.test(await flushedLog(api)),
      20_000,
      250,
    );
  });
});
