/**
 * The status bar's example count as a new user meets it (issue 15 #8): right after the first example is added from
 * the chat (the dataset is created by that add), invalid lines are not counted, and a later add from the chat shows
 * up through the dataset capability's change event.
 */
import { strict as assert } from 'node:assert';
import { appendFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import { chatDriver } from '../support/chat';
import { activateSocratune, nextEvent, useEmulatorBackend, waitFor, workspaceRoot } from '../support/host';

const FOLDER = 'status-bar-fresh';

describe('status bar: the example count after adds from the chat and invalid lines (issue 15 #8)', function () {
  this.timeout(90_000);
  let api: SocratuneApi;
  let previousActive: vscode.Uri | undefined;
  const config = () => vscode.workspace.getConfiguration('socratune');
  const { sim, last, lastReply, idle } = chatDriver(() => api);
  const bar = () => api.validation.statusBar;

  /** Sends `prompt` and adds the finished reply to the training set (the dataset capability writes it). */
  async function addFromChat(prompt: string): Promise<void> {
    await sim({ type: 'chat/send', text: prompt });
    await idle();
    assert.equal(lastReply().status, 'done');
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    await waitFor('the reply to be marked as added', () => lastReply().addedToDataset !== undefined, 20_000);
  }

  before(async () => {
    api = await activateSocratune();
    previousActive = api.services.activeDataset.uri;
    await useEmulatorBackend(api);
    // No dataset at all: the first add from the chat creates "journal" in this folder.
    await config().update('dataset.folder', FOLDER, vscode.ConfigurationTarget.Workspace);
    await api.services.activeDataset.set(undefined);
    await waitFor('the status bar to say there is no dataset', () => bar().text === '$(database) No dataset');
    await vscode.commands.executeCommand('socratune.chat.focus');
    await waitFor('the chat webview to resolve', () => api.chat.isResolved);
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/setModel', model: 'gpt-4.1-mini-2025-04-14' });
  });

  after(async () => {
    await api.services.activeDataset.set(previousActive);
    for (const k of ['dataset.folder', 'provider', 'baseUrl']) await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    await rm(path.join(workspaceRoot().fsPath, FOLDER), { recursive: true, force: true });
  });

  it('shows "1 example" after the first add from the chat, never "0 examples" once the add is done', async () => {
    const one = nextEvent('the status bar to count the first example', bar().onDidUpdate, (t) => t.includes('· 1 example ·'), 30_000);
    const afterAdd: string[] = [];
    let added = false;
    const sub = bar().onDidUpdate((t) => added && afterAdd.push(t));
    try {
      await addFromChat('What is the first thing to remember?');
      added = true;
      assert.match(await one, /^\$\(database\) journal · 1 example · [\d,.]+k? tokens/);
    } finally {
      sub.dispose();
    }
    assert.equal(api.services.activeDataset.uri?.fsPath, path.join(workspaceRoot().fsPath, FOLDER, 'journal'), 'the add created "journal"');
    assert.deepEqual(
      afterAdd.filter((t) => !t.includes('· 1 example ·')),
      [],
      'once the add is done, the status bar shows only the new count',
    );
    assert.match(bar().text, /· 1 example ·/);
  });

  it('does not count an invalid line as an example', async () => {
    const train = path.join(api.services.activeDataset.uri?.fsPath ?? '', 'train.jsonl');
    const next = nextEvent('the recount after a hand edit', bar().onDidUpdate, () => true, 30_000);
    await appendFile(train, 'this line is not json\n{"messages": []}\n');
    const text = await next;
    assert.match(text, /· 1 example ·/, text);
    assert.equal(bar().last?.stats.examplesWithErrors, 2, 'both bad lines were seen, and not counted');
  });

  it('follows the next add from the chat through the dataset change event: "2 examples"', async () => {
    const two = nextEvent('the status bar to count the second example', bar().onDidUpdate, (t) => t.includes('· 2 examples ·'), 30_000);
    await addFromChat('And what is the second thing?');
    assert.match(await two, /^\$\(database\) journal · 2 examples · /);
  });

  it('shows an OpenAI-table price only where the backend prices that way (not on Fireworks or an OpenAI-compatible server)', async () => {
    const result = bar().last;
    assert.ok(result?.estimatedCost, 'the emulator backend shows the estimate');
    await bar().apply('journal', result);
    assert.match(bar().text, /≈\$/);
    for (const provider of ['fireworks', 'openai-compatible']) {
      await config().update('provider', provider, vscode.ConfigurationTarget.Workspace);
      await bar().apply('journal', result);
      assert.doesNotMatch(bar().text, /≈/, `${provider}: ${bar().text}`);
    }
    await useEmulatorBackend(api);
  });
});
