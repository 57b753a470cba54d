/**
 * "Add to Training Set" from the chat as a new user meets it (issue 15 #3, chat side): an exact duplicate is refused
 * with "Open Existing" (train.jsonl at that line), a near duplicate asks Add Anyway / Open Existing / Cancel, and a
 * stopped or cut reply is not added as it is. The notification's buttons are pressed with VS Code's own
 * "Accept Notification Primary Action" command (the first button); dismissing every notification is "Cancel".
 */
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SocratuneApi } from '../../../src/extension';
import type { ToChatWebview } from '../../../src/shared/protocol';
import { chatDriver } from '../support/chat';
import { activateSocratune, flushedLog, useEmulatorBackend, waitFor } from '../support/host';

const BASE = 'gpt-4.1-mini-2025-04-14';

describe('chat: Add to Training Set refuses duplicates and partial replies (issue 15 #3)', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const posted: ToChatWebview[] = [];
  let sub: vscode.Disposable | undefined;
  let dsUri: vscode.Uri | undefined;
  let previousActive: vscode.Uri | undefined;
  const { sim, last, lastReply, idle } = chatDriver(() => api);
  const train = (): string => path.join(dsUri?.fsPath ?? '', 'train.jsonl');
  const lines = (): string[] => readFileSync(train(), 'utf8').trim().split('\n');
  const notices = (from: number): string[] => posted.slice(from).flatMap((m) => (m.type === 'chat/notice' ? [`${m.level}: ${m.message}`] : []));

  /** A finished reply to `prompt`, and what the dataset holds before the add under test. */
  async function reply(prompt: string): Promise<string> {
    await sim({ type: 'chat/send', text: prompt });
    await idle();
    const r = lastReply();
    assert.equal(r.status, 'done');
    assert.ok(r.text.length > 80, `a reply long enough to compare: “${r.text}”`);
    return r.text;
  }

  /** Waits until the extension has logged `line` (after `before` log bytes), i.e. the question is on screen. */
  async function logged(line: string, before: number): Promise<void> {
    await waitFor(`“${line}” in the log`, async () => (await flushedLog(api)).slice(before).includes(line), 20_000, 200);
  }

  before(async function () {
    api = await activateSocratune();
    await useEmulatorBackend(api);
    sub = api.chat.observe((m) => posted.push(m));
    previousActive = api.services.activeDataset.uri;
    dsUri = await vscode.commands.executeCommand<vscode.Uri>('socratune.createDataset', { name: 'chat-guards' });
    assert.ok(dsUri);
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/setModel', model: BASE });
  });

  after(async () => {
    sub?.dispose();
    api.chat.setRequestHeaders(undefined);
    await sim({ type: 'chat/setParams', params: {} });
    await api.chat.session.streams.whenIdle();
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const k of ['provider', 'baseUrl']) await vscode.workspace.getConfiguration('socratune').update(k, undefined, vscode.ConfigurationTarget.Workspace);
    if (dsUri) {
      await api.services.activeDataset.set(previousActive);
      rmSync(dsUri.fsPath, { recursive: true, force: true });
    }
  });

  it('refuses an exact duplicate, says where it is, and "Open Existing" opens train.jsonl at that line', async () => {
    const prompt = 'What did Marcus Aurelius say about the morning?';
    const text = await reply(prompt);
    await api.services.datasets.add({ user: 'Something else first?', assistant: 'An unrelated answer about the weather in Rome.', origin: 'chat' });
    await api.services.datasets.add({ user: prompt, assistant: text, origin: 'chat' });
    const before = lines().length;
    assert.equal(before, 2);
    await vscode.commands.executeCommand('notifications.clearAll');
    const from = posted.length;
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    const [notice] = await waitFor('the refusal in the chat', () => (notices(from).length ? notices(from) : undefined));
    assert.equal(notice, 'warning: This prompt and reply are already in the training set “chat-guards” (train.jsonl, line 2), so nothing was added.');
    assert.equal(lines().length, before, 'nothing written');
    assert.equal(lastReply().addedToDataset, undefined, 'the reply is not marked as added');

    // The notification's only button: Open Existing.
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    const editor = await waitFor('train.jsonl open at the existing example', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === train() ? e : undefined;
    });
    assert.equal(editor.selection.active.line, 1, 'the cursor is on line 2');
    assert.equal(JSON.parse(editor.document.lineAt(1).text).messages.at(-1).content, text);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('asks on a near duplicate: Add Anyway adds it (and says it closely matches)', async () => {
    const prompt = 'How should I meet a difficult person today?';
    const text = await reply(prompt);
    await api.services.datasets.add({ user: prompt, assistant: `${text} Remember it.`, origin: 'chat' });
    const before = lines().length;
    await vscode.commands.executeCommand('notifications.clearAll');
    const logFrom = (await flushedLog(api)).length;
    const from = posted.length;
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    await logged(`asking about a near duplicate`, logFrom);
    assert.equal(lines().length, before, 'nothing written while the question is open');
    // The chat is not blocked by the open question.
    await sim({ type: 'chat/feedback', turnId: last().id, value: 'up' });
    assert.equal(lastReply().feedback, 'up');
    // First button: Add Anyway.
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    await waitFor('the reply to be marked as added', () => lastReply().addedToDataset !== undefined);
    assert.equal(lines().length, before + 1);
    assert.equal(JSON.parse(lines()[before]).messages.at(-1).content, text);
    const said = await waitFor('the confirmation in the chat', () => (notices(from).length ? notices(from) : undefined));
    assert.deepEqual(said, ['info: Added to the training set "chat-guards" (it closely matches an example already there).']);
  });

  it('asks on a near duplicate: dismissing the question (Cancel) writes nothing and says nothing more', async () => {
    const prompt = 'What is worth remembering about time?';
    const text = await reply(prompt);
    await api.services.datasets.add({ user: 'What is time worth?', assistant: `${text} Truly.`, origin: 'chat' });
    const before = lines().length;
    await vscode.commands.executeCommand('notifications.clearAll');
    const logFrom = (await flushedLog(api)).length;
    const from = posted.length;
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    await logged(`asking about a near duplicate`, logFrom);
    await vscode.commands.executeCommand('notifications.clearAll');
    await logged('near duplicate of train.jsonl, line', logFrom);
    assert.match((await flushedLog(api)).slice(logFrom), /near duplicate of train\.jsonl, line \d+: dismissed\./);
    assert.equal(lines().length, before, 'nothing written');
    assert.equal(lastReply().addedToDataset, undefined);
    assert.deepEqual(notices(from), []);
  });

  it('does not add a stopped or a cut (max tokens) reply as it is, and says to edit it first', async () => {
    const before = lines().length;
    api.chat.setRequestHeaders({ 'x-emulator-fault': 'tps=15' });
    const from = posted.length;
    await sim({ type: 'chat/send', text: 'Tell me about patience, at length.' });
    await waitFor('a first delta', () => posted.slice(from).some((m) => m.type === 'chat/delta'));
    await sim({ type: 'chat/stop' });
    await api.chat.session.streams.whenIdle();
    api.chat.setRequestHeaders(undefined);
    assert.equal(lastReply().status, 'stopped');
    const stoppedFrom = posted.length;
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    const refusal = 'error: This reply is incomplete (stopped, cut off or failed), so it is not added as it is. Use "Edit, then Add" to finish it first.';
    assert.deepEqual(notices(stoppedFrom), [refusal]);

    await sim({ type: 'chat/setParams', params: { maxTokens: 5 } });
    await sim({ type: 'chat/send', text: 'What is the shortness of life?' });
    await idle();
    await sim({ type: 'chat/setParams', params: {} });
    assert.equal(lastReply().finishReason, 'length');
    const cutFrom = posted.length;
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    assert.deepEqual(notices(cutFrom), [refusal]);
    assert.equal(lines().length, before, 'nothing written');
  });
});
