import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import OpenAI, { toFile } from 'openai';
import * as vscode from 'vscode';
import { HistoryStore } from '../../../src/core/chat/historyStore';
import { historyDir } from '../../../src/chat/register';
import type { SocratuneApi } from '../../../src/extension';
import type { ToChatWebview } from '../../../src/shared/protocol';
import { chatDriver } from '../support/chat';
import { activateSocratune, flushedLog, useEmulatorBackend, waitFor } from '../support/host';

const BASE = 'gpt-4.1-mini-2025-04-14';
const OTHER = 'gpt-4o-mini-2024-07-18';

describe('chat (real VS Code, emulator over HTTP)', function () {
  this.timeout(60_000);
  let api: SocratuneApi;
  const posted: ToChatWebview[] = [];
  let sub: vscode.Disposable | undefined;
  let dsUri: vscode.Uri | undefined;
  let previousActive: vscode.Uri | undefined;
  const config = () => vscode.workspace.getConfiguration('socratune');

  before(async function () {
    api = await activateSocratune();
    await useEmulatorBackend(api);
    sub = api.chat.observe((m) => posted.push(m));
    await vscode.commands.executeCommand('socratune.chat.focus');
    await waitFor('the chat webview to resolve', () => api.chat.isResolved);
    await waitFor('the webview to say chat/ready (snapshot posted)', () => posted.some((m) => m.type === 'chat/state'), 20_000);
    await sim({ type: 'conversation/new' });
    await sim({ type: 'chat/setModel', model: BASE });
  });

  after(async () => {
    sub?.dispose();
    api.chat.setRequestHeaders(undefined);
    await api.chat.session.streams.whenIdle();
    for (const k of ['provider', 'baseUrl']) await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    if (dsUri) {
      await api.services.activeDataset.set(previousActive);
      rmSync(dsUri.fsPath, { recursive: true, force: true });
    }
  });

  const { sim, conv, last, lastReply, idle } = chatDriver(() => api);

  it('sends a prompt and streams the reply: deltas (with offsets) add up to the saved text', async () => {
    const from = posted.length;
    await sim({ type: 'chat/send', text: 'How should I begin a difficult morning?' });
    await idle();
    const r = lastReply();
    assert.equal(r.status, 'done', JSON.stringify(r.error));
    assert.ok(r.text.length > 10);
    assert.equal(r.setup.model, BASE);
    assert.equal(r.finishReason, 'stop');
    const mine = posted.slice(from);
    const deltas = mine.filter((m): m is Extract<ToChatWebview, { type: 'chat/delta' }> => m.type === 'chat/delta');
    assert.ok(deltas.length >= 1);
    let at = 0;
    for (const d of deltas) {
      assert.equal(d.offset, at, 'deltas are contiguous');
      at += d.text.length;
    }
    assert.equal(deltas.map((d) => d.text).join(''), r.text);
    assert.ok(mine.some((m) => m.type === 'chat/streamStart') && mine.some((m) => m.type === 'chat/streamEnd'));
    assert.equal(conv().turns[conv().turns.length - 2].kind, 'user');
    assert.equal(conv().title, 'How should I begin a difficult morning?');
  });

  it('stops mid-stream: the partial reply is kept and marked stopped', async () => {
    api.chat.setRequestHeaders({ 'x-emulator-fault': 'tps=15' });
    const from = posted.length;
    await sim({ type: 'chat/send', text: 'Tell me about patience, at length.' });
    await waitFor('a first delta', () => posted.slice(from).some((m) => m.type === 'chat/delta'));
    await sim({ type: 'chat/stop' });
    await api.chat.session.streams.whenIdle();
    const r = lastReply();
    assert.equal(r.status, 'stopped');
    assert.ok(r.text.length > 0, 'partial text kept');
    assert.equal(r.error, undefined);
  });

  it('stops before the first token', async () => {
    api.chat.setRequestHeaders({ 'x-emulator-fault': 'latency=20000' });
    const from = posted.length;
    await sim({ type: 'chat/send', text: 'Are you there?' });
    await waitFor('the stream to start', () => posted.slice(from).some((m) => m.type === 'chat/streamStart'));
    await sim({ type: 'chat/stop' });
    await api.chat.session.streams.whenIdle();
    assert.equal(lastReply().status, 'stopped');
    assert.equal(lastReply().text, '');
  });

  it('shows a 5xx inline with the partial reply rule, and Retry succeeds', async () => {
    api.chat.setRequestHeaders({ 'x-emulator-fault': '503' });
    await sim({ type: 'chat/send', text: 'What is courage?' });
    await idle();
    const failed = lastReply();
    assert.equal(failed.status, 'error');
    assert.equal(failed.error?.kind, 'server');
    assert.match(failed.error?.message ?? '', /503/);
    api.chat.setRequestHeaders(undefined);
    await sim({ type: 'chat/retry', turnId: last().id });
    await idle();
    assert.equal(lastReply().status, 'done');
    assert.equal(conv().turns.filter((t) => t.kind === 'user' && t.text === 'What is courage?').length, 1, 'retry did not duplicate the prompt');
  });

  it('a 429 shows the wait from retry-after inline', async () => {
    api.chat.setRequestHeaders({ 'x-emulator-fault': '429;retry-after=12' });
    await sim({ type: 'chat/send', text: 'Too fast?' });
    await idle();
    api.chat.setRequestHeaders(undefined);
    const r = lastReply();
    assert.equal(r.error?.kind, 'rate-limit');
    assert.equal(r.error?.retryAfterMs, 12_000);
    assert.match(r.error?.message ?? '', /Try again in 12 s/);
  });

  it('no API key: a clear inline message (never a request without one)', async () => {
    const before = posted.length;
    await vscode.commands.executeCommand('socratune.clearApiKey', { provider: 'emulator', silent: true });
    try {
      await sim({ type: 'chat/send', text: 'Anyone home?' });
      await idle();
      const r = lastReply();
      assert.equal(r.status, 'error');
      assert.equal(r.error?.kind, 'no-key');
      assert.match(r.error?.message ?? '', /Set API Key/);
      assert.ok(!JSON.stringify(posted.slice(before)).includes('sk-emulator'), 'no key in any message to the webview');
    } finally {
      await api.demoKey.syncNow();
    }
    await waitFor('the demo key back', async () => (await api.services.keys.get('emulator')) !== undefined);
  });

  it('system prompt presets and sampling parameters are sent with the request and recorded on the reply', async () => {
    await sim({ type: 'chat/savePreset', name: 'Stoic', text: 'You are a Stoic teacher. Be brief.' });
    const preset = api.chat.session.settings.presets.find((p) => p.name === 'Stoic');
    assert.ok(preset);
    let active = api.chat.session.settings.payload().activePrompt;
    assert.equal(active.source, 'preset', 'saving a preset selects it');
    assert.equal(active.label, 'Preset · Stoic');
    await sim({ type: 'chat/setParams', params: { temperature: 0.3, maxTokens: 5 } });
    await sim({ type: 'chat/send', text: 'What is the shortness of life?' });
    await idle();
    const r = lastReply();
    assert.equal(r.setup.systemPrompt, 'You are a Stoic teacher. Be brief.');
    assert.equal(r.setup.promptSource, 'preset');
    assert.deepEqual(r.setup.params, { temperature: 0.3, maxTokens: 5 });
    assert.equal(r.finishReason, 'length', 'max tokens reached the server');
    await sim({ type: 'chat/savePreset', id: preset.id, name: 'Stoic', text: 'Edited.' });
    assert.equal(api.chat.session.settings.payload().activePrompt.text, 'Edited.');
    await sim({ type: 'chat/deletePreset', id: preset.id });
    active = api.chat.session.settings.payload().activePrompt;
    assert.notEqual(active.source, 'preset', "a deleted preset falls back to the model's prompt");
    await sim({ type: 'chat/setParams', params: {} });
  });

  it('regenerates the last reply in place', async () => {
    const n = conv().turns.length;
    const oldId = last().id;
    await sim({ type: 'chat/regenerate', turnId: oldId });
    await idle();
    assert.equal(conv().turns.length, n);
    assert.notEqual(last().id, oldId);
    assert.equal(lastReply().status, 'done');
  });

  it('edits an earlier prompt and resubmits from there (later turns are replaced)', async () => {
    const first = conv().turns.find((t) => t.kind === 'user');
    assert.ok(first);
    await sim({ type: 'chat/editResend', turnId: first.id, text: 'How should I end a difficult evening?' });
    await idle();
    const turns = conv().turns;
    assert.equal(turns.length, 2);
    assert.equal(turns[0].kind === 'user' && turns[0].text, 'How should I end a difficult evening?');
    assert.equal(lastReply().status, 'done');
  });

  it('records feedback and rejects malformed webview messages (logged, nothing happens)', async () => {
    await sim({ type: 'chat/feedback', turnId: last().id, value: 'up' });
    assert.equal(lastReply().feedback, 'up');
    const before = JSON.stringify(conv());
    assert.equal(await api.chat.simulate({ type: 'chat/send', text: 'x', model: 'gpt-4o' }), false);
    assert.equal(await api.chat.simulate({ type: 'chat/runCommand', command: 'workbench.action.reloadWindow' }), false);
    assert.equal(await api.chat.simulate({ type: 'chat/openLink', href: 'javascript:alert(1)' }), false);
    assert.equal(JSON.stringify(conv()), before);
    assert.match(await flushedLog(api), /rejected a (webview|simulated) message/);
  });

  it('persists across view re-creation: hiding destroys the webview, showing it again gets a full snapshot', async () => {
    const from = posted.length;
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('socratune.chat.focus');
    const state = await waitFor(
      'a new chat/state snapshot',
      () => posted.slice(from).find((m): m is Extract<ToChatWebview, { type: 'chat/state' }> => m.type === 'chat/state'),
      20_000,
    );
    assert.deepEqual(state.snapshot.conversation?.turns, conv().turns);
    // And on disk, as a window reload would read it.
    const fromDisk = await new HistoryStore(historyDir(api.services.context)).load(conv().id);
    assert.deepEqual(fromDisk?.turns, conv().turns);
    assert.equal(fromDisk?.title, conv().title);
  });

  it('re-created mid-stream: the snapshot carries the text so far, later deltas continue from its offset', async () => {
    api.chat.setRequestHeaders({ 'x-emulator-fault': 'tps=25' });
    try {
      const from = posted.length;
      await sim({ type: 'chat/send', text: 'Say something long and slow.' });
      await waitFor('some deltas', () => posted.slice(from).filter((m) => m.type === 'chat/delta').length >= 2);
      const cut = posted.length;
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('socratune.chat.focus');
      const state = await waitFor(
        'a snapshot during the stream',
        () => posted.slice(cut).find((m): m is Extract<ToChatWebview, { type: 'chat/state' }> => m.type === 'chat/state'),
        20_000,
      );
      const turnId = last().id;
      const snapTurn = state.snapshot.conversation?.turns.find((t) => t.id === turnId);
      assert.ok(snapTurn && snapTurn.kind === 'assistant');
      if (snapTurn?.kind !== 'assistant') return;
      assert.equal(snapTurn.reply.status, 'streaming');
      assert.equal(state.snapshot.streams.length, 1, 'the active stream is in the snapshot');
      const snapText = snapTurn.reply.text;
      await api.chat.session.streams.whenIdle();
      // What a re-created view ends up with: the snapshot text, then every later delta applied by offset.
      let text = snapText;
      for (const m of posted.slice(posted.indexOf(state) + 1)) {
        if (m.type !== 'chat/delta' || m.turnId !== turnId) continue;
        if (m.offset + m.text.length <= text.length) continue;
        assert.ok(m.offset <= text.length, 'no gap after the snapshot');
        text += m.text.slice(text.length - m.offset);
      }
      assert.equal(lastReply().status, 'done');
      assert.equal(text, lastReply().text);
    } finally {
      api.chat.setRequestHeaders(undefined);
    }
  });

  it('a reply keeps streaming into its conversation while another one is open, and shows when it is reopened', async () => {
    api.chat.setRequestHeaders({ 'x-emulator-fault': 'tps=25' });
    try {
      const id = conv().id;
      await sim({ type: 'chat/send', text: 'Keep going while I look elsewhere.' });
      await waitFor('the stream to start', () => api.chat.session.streams.list().length > 0);
      await sim({ type: 'conversation/new' });
      assert.equal(api.chat.session.current, null);
      await sim({ type: 'conversation/open', id });
      assert.equal(lastReply().status, 'streaming');
      await api.chat.session.streams.whenIdle();
      assert.equal(lastReply().status, 'done', 'the reopened conversation shows the finished reply');
      assert.ok(lastReply().text.length > 0);
    } finally {
      api.chat.setRequestHeaders(undefined);
    }
  });

  it('compares two models side by side and records the pick', async () => {
    await sim({ type: 'chat/setModel', model: OTHER, side: 'b' });
    await sim({ type: 'chat/setCompare', enabled: true });
    await sim({ type: 'chat/send', text: 'What is a good life?' });
    await waitFor('both sides to finish', () => {
      const t = last();
      return t.kind === 'compare' && t.a.status !== 'streaming' && t.b.status !== 'streaming';
    });
    const t = last();
    assert.equal(t.kind, 'compare');
    if (t.kind !== 'compare') return;
    assert.equal(t.a.setup.model, BASE);
    assert.equal(t.b.setup.model, OTHER);
    assert.equal(t.a.status, 'done');
    assert.equal(t.b.status, 'done');
    await sim({ type: 'chat/pick', turnId: t.id, pick: 'b' });
    const picked = last();
    assert.equal(picked.kind === 'compare' && picked.pick, 'b');
    await sim({ type: 'chat/setCompare', enabled: false });
  });

  it('adds a reply to the training set through socratune.addExample (origin chat)', async () => {
    previousActive = api.services.activeDataset.uri;
    dsUri = (await vscode.commands.executeCommand<vscode.Uri>('socratune.createDataset', { name: 'chat-integration' })) as vscode.Uri;
    assert.ok(dsUri);
    await sim({ type: 'chat/send', text: 'What should I remember today?' });
    await idle();
    const r = lastReply();
    assert.equal(r.status, 'done');
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: false });
    await waitFor('the reply to be marked as added', () => lastReply().addedToDataset !== undefined);
    const train = path.join(dsUri.fsPath, 'train.jsonl');
    assert.ok(existsSync(train));
    const lines = readFileSync(train, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    const ex = lines[lines.length - 1];
    assert.equal(ex.messages.find((m) => m.role === 'user')?.content, 'What should I remember today?');
    assert.equal(ex.messages.find((m) => m.role === 'assistant')?.content, r.text);
  });

  it('Edit, then Add: opens the reply in an editor and adds the edited text when it is saved', async () => {
    assert.ok(dsUri);
    const train = path.join(dsUri.fsPath, 'train.jsonl');
    const before = readFileSync(train, 'utf8').trim().split('\n').length;
    await sim({ type: 'chat/addToDataset', turnId: last().id, edit: true });
    const editor = await waitFor('the reply opened in an editor', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.path.includes('chat-edits') ? e : undefined;
    });
    assert.equal(editor.document.getText(), lastReply().text);
    // A rewrite, not a near copy of the reply added above (that would ask about a near duplicate first).
    const all = new vscode.Range(0, 0, editor.document.lineCount, 0);
    await editor.edit((b) => b.replace(all, 'EDITED BY ME: remember the day by what you did for others, not by what you got.'));
    await editor.document.save();
    await waitFor('the edited example in train.jsonl', () => readFileSync(train, 'utf8').trim().split('\n').length === before + 1);
    const ex = JSON.parse(readFileSync(train, 'utf8').trim().split('\n').pop() ?? '{}') as { messages: { role: string; content: string }[] };
    assert.match(ex.messages.find((m) => m.role === 'assistant')?.content ?? '', /^EDITED BY ME: /);
    assert.equal(ex.messages.find((m) => m.role === 'user')?.content, 'What should I remember today?');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('exports the conversation as markdown and opens a new one; the list keeps both', async () => {
    const id = conv().id;
    const target = vscode.Uri.joinPath(api.services.context.globalStorageUri, 'export-test.md');
    const out = await vscode.commands.executeCommand<vscode.Uri>('socratune.exportConversation', { conversationId: id, uri: target });
    assert.equal(out?.toString(), target.toString());
    const md = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(md, /^# How should I begin a difficult morning\?/, 'the title comes from the first prompt');
    assert.match(md, /How should I end a difficult evening\?/);
    assert.match(md, /## Assistant/);
    // The save dialog (issue 15): a title naming the conversation, `<title>.md` in the open journal's folder.
    const journal = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, '2026-journal.md');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(journal));
    const dialog = api.chat.session.exportDialogOptions('How should I begin a difficult morning?');
    assert.equal(dialog.title, 'Export Conversation "How should I begin a difficult morning?" as Markdown');
    assert.equal(dialog.defaultUri?.fsPath, vscode.Uri.joinPath(journal, '..', 'How-should-I-begin-a-difficult-morning.md').fsPath);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('socratune.newConversation');
    assert.equal(api.chat.session.current, null);
    const list = await api.chat.session.store.list();
    assert.ok(list.some((c) => c.id === id));
    assert.equal(await api.chat.session.deleteConversation(id, { confirm: false }), true);
    assert.ok(!(await api.chat.session.store.list()).some((c) => c.id === id));
  });

  it("lists fine-tuned models and their checkpoints; a checkpoint uses its fine-tune's bound training prompt", async function () {
    this.timeout(90_000);
    const client = new OpenAI({ apiKey: process.env.SOCRATUNE_EMULATOR_KEY ?? 'sk-emulator-demo', baseURL: process.env.SOCRATUNE_EMULATOR_URL });
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'system', content: 'Answer as my journal.' },
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `a${i}` },
        ],
      }),
    );
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'cp.jsonl'), purpose: 'fine-tune' });
    let job = await client.fineTuning.jobs.create({ model: BASE, training_file: file.id, suffix: 'chatcp', hyperparameters: { n_epochs: 2 } });
    job = await waitFor(
      'the job to succeed',
      async () => {
        const j = await client.fineTuning.jobs.retrieve(job.id);
        assert.notEqual(j.status, 'failed');
        return j.status === 'succeeded' ? j : undefined;
      },
      60_000,
      200,
    );
    const ft = job.fine_tuned_model ?? '';
    await api.services.modelPrompts.set(ft, { systemPrompt: 'Answer as my journal.', source: 'job', datasetName: 'it-chat' });
    try {
      await sim({ type: 'chat/refreshModels' });
      const entries = api.chat.session.models.current.entries;
      const mine = entries.find((e) => e.id === ft);
      assert.equal(mine?.kind, 'fine-tuned');
      assert.equal(mine?.hasBoundPrompt, true);
      const cps = entries.filter((e) => e.kind === 'checkpoint' && e.id.startsWith(`${ft}:ckpt-step-`));
      assert.ok(cps.length >= 1, JSON.stringify(entries.map((e) => e.id)));
      assert.equal(cps[0].hasBoundPrompt, true);
      await sim({ type: 'chat/setModel', model: cps[0].id });
      const active = api.chat.session.settings.payload().activePrompt;
      assert.equal(active.source, 'bound');
      assert.equal(active.text, 'Answer as my journal.');

      // Issue 15: a fresh window (nothing picked yet) starts with the newest fine-tune and its bound prompt, says so,
      // and a first question is answered instead of "Pick a model first".
      const stored = api.services.context.workspaceState.get('socratune.chat.settings');
      try {
        await api.services.context.workspaceState.update('socratune.chat.settings', undefined);
        assert.equal(api.chat.session.settings.settings.model, ft);
        const payload = api.chat.session.settings.payload();
        assert.match(payload.modelNote ?? '', /newest fine-tuned model, with the system prompt it was trained with/);
        assert.equal(payload.activePrompt.source, 'bound');
        await sim({ type: 'conversation/new' });
        await sim({ type: 'chat/send', text: 'q3' });
        await idle();
        const r = lastReply();
        assert.equal(r.status, 'done', JSON.stringify(r.error));
        assert.equal(r.setup.model, ft);
        assert.equal(r.setup.systemPrompt, 'Answer as my journal.');
        // Compare: column B starts at A's base model, with the prompt its chip shows (a base model has none bound).
        await sim({ type: 'chat/setCompare', enabled: true });
        const s2 = api.chat.session.settings.payload();
        assert.equal(s2.settings.compare.model, BASE);
        assert.equal(s2.activePromptB.source, 'none');
        await sim({ type: 'chat/setCompare', enabled: false });
      } finally {
        await api.services.context.workspaceState.update('socratune.chat.settings', stored);
      }
    } finally {
      await api.services.modelPrompts.set(ft, undefined);
      await sim({ type: 'chat/setModel', model: BASE });
    }
  });

  it('chatWith / compareWith commands select models (as the Models tree does)', async () => {
    await vscode.commands.executeCommand('socratune.chatWith', { model: OTHER });
    assert.equal(api.chat.session.settings.settings.model, OTHER);
    assert.equal(api.chat.session.settings.settings.compare.enabled, false);
    await vscode.commands.executeCommand('socratune.compareWith', { modelA: BASE, modelB: OTHER });
    const s = api.chat.session.settings.settings;
    assert.equal(s.model, BASE);
    assert.equal(s.compare.model, OTHER);
    assert.equal(s.compare.enabled, true);
    await sim({ type: 'chat/setCompare', enabled: false });
  });
});
