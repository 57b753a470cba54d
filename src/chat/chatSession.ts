import * as vscode from 'vscode';
import { buildMessages, getReply, indexOfTurn, newId, promptFor, withReply } from '../core/chat/conversation';
import { recordPick } from '../core/chat/compareRunner';
import { HistoryStore } from '../core/chat/historyStore';
import { StreamOutcome } from '../core/chat/streamRunner';
import {
  AssistantTurn,
  CompareSide,
  CompareTurn,
  Conversation,
  ConversationMeta,
  Reply,
  ReplySetup,
  titleFromPrompt,
  Turn,
  UserTurn,
} from '../core/chat/types';
import { Services } from '../platform/services';
import { ChatSnapshot, FromChatWebview, PROTOCOL_VERSION, ToChatWebview } from '../shared/protocol';
import { DatasetBridge, ExampleArgs } from './datasetBridge';
import { ModelCatalog } from './modelCatalog';
import { ChatSettingsStore } from './settingsStore';
import { StreamManager } from './streams';
import type { ChatSurface } from './surface';

const CURRENT_KEY = 'socratune.chat.currentConversation';

/** Host commands the view's buttons may run (protocol HOST_COMMANDS → command ids). */
const HOST_COMMAND_IDS = {
  setApiKey: 'socratune.setApiKey',
  selectProvider: 'socratune.selectProvider',
  selectDataset: 'socratune.selectDataset',
  showLog: 'socratune.showLog',
  openInEditor: 'socratune.openChatInEditor',
} as const;

interface Live {
  meta: ConversationMeta;
  turns: Turn[];
}

/**
 * The chat's state and behaviour, shared by every surface (sidebar view and editor panels show the same
 * conversation): the current conversation, sending, streaming, stop, regenerate, edit-and-resubmit,
 * compare, feedback, dataset hand-off, history. Every change is persisted through the HistoryStore and
 * broadcast to the surfaces as small messages (turn upserts, deltas); a surface that (re)connects gets a
 * full snapshot.
 */
export class ChatSession implements vscode.Disposable {
  private conv: Live | undefined;
  private loadedCurrent = false;
  private readonly surfaces = new Set<ChatSurface>();
  readonly streams: StreamManager;
  private readonly posted = new vscode.EventEmitter<ToChatWebview>();
  /** Every message posted to the surfaces (integration tests observe the protocol through this). */
  readonly onDidPost = this.posted.event;
  private readonly subs: vscode.Disposable[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly s: Services,
    readonly store: HistoryStore,
    readonly settings: ChatSettingsStore,
    readonly models: ModelCatalog,
    readonly dataset: DatasetBridge,
  ) {
    this.streams = new StreamManager(s, (m) => this.broadcast(m));
    this.subs.push(
      this.streams,
      settings.onDidChange(() => this.broadcast({ type: 'chat/settings', ...settings.payload() })),
      models.onDidChange((m) => this.broadcast({ type: 'chat/models', models: m })),
      s.activeDataset.onDidChange(() => void this.pushDataset()),
    );
  }

  // ------------------------------------------------------------------ surfaces

  attach(surface: ChatSurface): vscode.Disposable {
    this.surfaces.add(surface);
    return new vscode.Disposable(() => this.surfaces.delete(surface));
  }

  private broadcast(m: ToChatWebview): void {
    for (const s of this.surfaces) s.post(m);
    this.posted.fire(m);
  }

  private notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.broadcast({ type: 'chat/notice', level, message });
  }

  /** Resolves once every message received so far has been handled. */
  async settled(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /** Handle one validated webview message. Messages are processed in order, one at a time. */
  handle(m: FromChatWebview, from?: ChatSurface): Promise<void> {
    // Stop must never wait behind another message (e.g. a confirmation dialog in progress).
    if (m.type === 'chat/stop') {
      this.streams.stop(m.requestId);
      return Promise.resolve();
    }
    const run = async (): Promise<void> => {
      try {
        await this.dispatch(m, from);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.s.log.error(`Chat: ${m.type} failed: ${msg}`);
        this.notice('error', msg);
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next;
    return next;
  }

  private async dispatch(m: FromChatWebview, from?: ChatSurface): Promise<void> {
    switch (m.type) {
      case 'chat/ready':
        await this.sendSnapshot(from);
        // A list that failed earlier (e.g. before the key was stored) is retried when a view (re)appears.
        if (this.models.current.error && !this.models.current.loading) void this.models.refresh();
        return;
      case 'chat/send':
        return this.send(m.text);
      case 'chat/stop':
        this.streams.stop(m.requestId);
        return;
      case 'chat/regenerate':
        return this.regenerate(m.turnId);
      case 'chat/retry':
        return this.retry(m.turnId, m.side);
      case 'chat/editResend':
        return this.editResend(m.turnId, m.text);
      case 'chat/feedback':
        return this.updateReply(m.turnId, m.side, (r) => {
          const { feedback: _old, ...rest } = r;
          return m.value ? { ...rest, feedback: m.value } : rest;
        });
      case 'chat/pick':
        return this.pick(m.turnId, m.pick);
      case 'chat/addToDataset':
        return this.addToDataset(m.turnId, m.side, m.edit);
      case 'chat/copy':
        await vscode.env.clipboard.writeText(m.text);
        return;
      case 'chat/openLink':
        return this.openLink(m.href);
      case 'chat/setModel':
        return this.settings.setModel(m.model.trim(), m.side);
      case 'chat/setPrompt':
        return this.settings.setPrompt(m.choice, m.side);
      case 'chat/setParams':
        return this.settings.setParams(m.params);
      case 'chat/setCompare':
        return this.settings.setCompare(m.enabled);
      case 'chat/savePreset': {
        const p = await this.settings.savePreset(m);
        await this.settings.setPrompt({ mode: 'preset', presetId: p.id });
        return;
      }
      case 'chat/deletePreset':
        return this.settings.deletePreset(m.id);
      case 'chat/refreshModels':
        await this.models.refresh();
        return;
      case 'chat/runCommand':
        await vscode.commands.executeCommand(HOST_COMMAND_IDS[m.command]);
        return;
      case 'conversation/new':
        return this.newConversation();
      case 'conversation/open':
        return this.openConversation(m.id);
      case 'conversation/rename':
        return this.renameConversation(m.id, m.title);
      case 'conversation/delete':
        await this.deleteConversation(m.id, { confirm: true });
        return;
      case 'conversation/export':
        await this.exportConversation(m.id);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  // ------------------------------------------------------------------ snapshot

  async snapshot(): Promise<ChatSnapshot> {
    await this.ensureLoaded();
    const conversations = await this.store.list();
    const dataset = await this.dataset.info();
    // Streaming text is read last, with no await before the snapshot is posted: every delta posted later
    // starts at or before the length captured here (overlaps are skipped by offset; there is never a gap).
    return {
      conversation: this.conv ? this.withLiveText(this.conv) : null,
      conversations,
      models: this.models.current,
      streams: this.streams.list().filter((x) => x.conversationId === this.conv?.meta.id),
      dataset,
      ...this.settings.payload(),
    };
  }

  private async sendSnapshot(to?: ChatSurface): Promise<void> {
    const m: ToChatWebview = { type: 'chat/state', version: PROTOCOL_VERSION, snapshot: await this.snapshot() };
    if (to) {
      to.post(m);
      this.posted.fire(m);
    } else this.broadcast(m);
  }

  /** Streaming turns carry the text received so far. */
  private withLiveText(c: Live): Conversation {
    const turns = c.turns.map((t): Turn => {
      if (t.kind === 'assistant' && t.reply.status === 'streaming') return { ...t, reply: { ...t.reply, text: this.streams.textOf(t.id) ?? t.reply.text } };
      if (t.kind === 'compare') {
        const a = t.a.status === 'streaming' ? { ...t.a, text: this.streams.textOf(t.id, 'a') ?? t.a.text } : t.a;
        const b = t.b.status === 'streaming' ? { ...t.b, text: this.streams.textOf(t.id, 'b') ?? t.b.text } : t.b;
        return { ...t, a, b };
      }
      return t;
    });
    return { ...c.meta, turns };
  }

  private async ensureLoaded(): Promise<void> {
    if (this.loadedCurrent) return;
    this.loadedCurrent = true;
    const id = this.s.context.workspaceState.get<string>(CURRENT_KEY);
    if (id) await this.load(id);
  }

  private async load(id: string): Promise<boolean> {
    const c = await this.store.load(id);
    if (!c) return false;
    const turns = [...c.turns];
    // A reply that was streaming when the window closed can never finish: mark it, keep its text.
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i];
      if (t.kind === 'user') continue;
      let changed = false;
      const fix = (r: Reply): Reply => {
        if (r.status !== 'streaming' || this.streams.textOf(t.id, t.kind === 'compare' ? (r === t.a ? 'a' : 'b') : undefined) !== undefined) return r;
        changed = true;
        return { ...r, status: 'interrupted', endedAt: r.endedAt ?? Date.now() };
      };
      const next: Turn = t.kind === 'assistant' ? { ...t, reply: fix(t.reply) } : { ...t, a: fix(t.a), b: fix(t.b) };
      if (changed) {
        turns[i] = next;
        await this.store.putTurn(id, next);
      }
    }
    const { turns: _t, ...meta } = c;
    this.conv = { meta, turns };
    await this.s.context.workspaceState.update(CURRENT_KEY, id);
    return true;
  }

  // ------------------------------------------------------------------ conversations

  get current(): Conversation | null {
    return this.conv ? this.withLiveText(this.conv) : null;
  }

  async newConversation(): Promise<void> {
    await this.ensureLoaded();
    this.conv = undefined;
    await this.s.context.workspaceState.update(CURRENT_KEY, undefined);
    await this.sendSnapshot();
  }

  async openConversation(id: string): Promise<void> {
    await this.ensureLoaded();
    if (!(await this.load(id))) throw new Error('That conversation no longer exists.');
    await this.sendSnapshot();
  }

  async renameConversation(id: string, title: string): Promise<void> {
    await this.store.rename(id, title);
    if (this.conv?.meta.id === id) this.conv.meta = { ...this.conv.meta, title: title.replace(/\s+/g, ' ').trim() };
    await this.pushList();
  }

  async deleteConversation(id: string, opts: { confirm: boolean }): Promise<boolean> {
    if (opts.confirm) {
      const title = (await this.store.list()).find((c) => c.id === id)?.title ?? 'this conversation';
      const ok = await vscode.window.showWarningMessage(
        `Delete "${title}"?`,
        { modal: true, detail: 'The conversation is removed from disk. Examples already added to a training set stay there.' },
        'Delete',
      );
      if (ok !== 'Delete') return false;
    }
    if (this.streams.isStreaming(id)) for (const s of this.streams.list()) if (s.conversationId === id) this.streams.stop(s.requestId);
    await this.streams.whenIdle();
    const deleted = await this.store.delete(id);
    if (this.conv?.meta.id === id) await this.newConversation();
    else await this.pushList();
    return deleted;
  }

  /** Export as markdown: to `target` when given (tests, scripted use), else through a save dialog. */
  async exportConversation(id?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    await this.ensureLoaded();
    const cid = id ?? this.conv?.meta.id;
    if (!cid) {
      void vscode.window.showInformationMessage('There is no conversation to export yet.');
      return undefined;
    }
    const md = await this.store.exportMarkdown(cid);
    if (md === undefined) throw new Error('That conversation no longer exists.');
    let uri = target;
    if (!uri) {
      const title = (await this.store.list()).find((c) => c.id === cid)?.title ?? 'conversation';
      const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? this.s.context.globalStorageUri;
      uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(base, `${safeFileName(title)}.md`), filters: { Markdown: ['md'] } });
      if (!uri) return undefined;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(md));
    if (!target) void vscode.window.showInformationMessage(`Conversation exported to ${vscode.workspace.asRelativePath(uri)}.`);
    return uri;
  }

  private async pushList(): Promise<void> {
    this.broadcast({ type: 'chat/conversations', conversations: await this.store.list() });
  }

  private async pushDataset(): Promise<void> {
    this.broadcast({ type: 'chat/dataset', dataset: await this.dataset.info() });
  }

  /** Make sure a conversation exists to write into (created on the first prompt). */
  private async ensureConversation(firstPrompt: string, model: string): Promise<Live> {
    await this.ensureLoaded();
    if (this.conv) return this.conv;
    const c = await this.store.create({ title: titleFromPrompt(firstPrompt), model });
    const { turns: _t, ...meta } = c;
    this.conv = { meta, turns: [] };
    await this.s.context.workspaceState.update(CURRENT_KEY, c.id);
    await this.sendSnapshot();
    return this.conv;
  }

  private async put(c: Live, turn: Turn, model?: string): Promise<void> {
    const i = indexOfTurn(c, turn.id);
    if (i >= 0) c.turns[i] = turn;
    else c.turns.push(turn);
    await this.store.putTurn(c.meta.id, turn, model ? { model } : {});
    if (this.conv === c) this.broadcast({ type: 'chat/turn', conversationId: c.meta.id, turn });
  }

  private async truncate(c: Live, keep: number): Promise<void> {
    c.turns.splice(keep);
    await this.store.truncate(c.meta.id, keep);
    if (this.conv === c) this.broadcast({ type: 'chat/truncate', conversationId: c.meta.id, keep });
  }

  // ------------------------------------------------------------------ sending

  private requireModel(setup: ReplySetup): boolean {
    if (setup.model) return true;
    this.notice('error', 'Pick a model first (or type a model ID in the model picker).');
    return false;
  }

  async send(text: string): Promise<void> {
    const settings = this.settings.settings;
    const a = this.settings.setup('a');
    if (!this.requireModel(a)) return;
    await this.ensureLoaded();
    if (this.conv && this.streams.isStreaming(this.conv.meta.id)) {
      this.notice('warning', 'A reply is still streaming. Wait for it or press Stop (Esc).');
      return;
    }
    if (settings.compare.enabled) {
      const b = this.settings.setup('b');
      if (!b.model) {
        this.notice('error', 'Pick a model for column B of the comparison.');
        return;
      }
      const c = await this.ensureConversation(text, a.model);
      const now = Date.now();
      const turn: CompareTurn = { kind: 'compare', id: newId('turn'), prompt: text, at: now, a: streamingReply(a), b: streamingReply(b) };
      await this.put(c, turn, a.model);
      const history = c.turns.slice(0, -1);
      this.startReply(c, turn.id, 'a', a, [...buildMessages(history, a.systemPrompt), { role: 'user', content: text }]);
      this.startReply(c, turn.id, 'b', b, [...buildMessages(history, b.systemPrompt), { role: 'user', content: text }]);
      return;
    }
    const c = await this.ensureConversation(text, a.model);
    const user: UserTurn = { kind: 'user', id: newId('turn'), text, at: Date.now() };
    await this.put(c, user);
    await this.ask(c, a);
  }

  /** Append a streaming assistant turn answering the transcript as it stands. */
  private async ask(c: Live, setup: ReplySetup): Promise<void> {
    const turn: AssistantTurn = { kind: 'assistant', id: newId('turn'), reply: streamingReply(setup) };
    const messages = buildMessages(c.turns, setup.systemPrompt);
    await this.put(c, turn, setup.model);
    this.startReply(c, turn.id, undefined, setup, messages);
  }

  private startReply(c: Live, turnId: string, side: CompareSide | undefined, setup: ReplySetup, messages: ReturnType<typeof buildMessages>): void {
    this.streams.start({
      conversationId: c.meta.id,
      turnId,
      ...(side ? { side } : {}),
      setup,
      messages,
      onCheckpoint: (text) => {
        this.patchReply(c, turnId, side, (r) => (r.status === 'streaming' ? { ...r, text } : r), false).catch((e: unknown) =>
          this.s.log.warn(`Chat: could not checkpoint a streaming reply: ${e instanceof Error ? e.message : String(e)}`),
        );
      },
      onEnd: (o) => this.finishReply(c, turnId, side, o),
    });
  }

  private async finishReply(c: Live, turnId: string, side: CompareSide | undefined, o: StreamOutcome): Promise<void> {
    await this.patchReply(c, turnId, side, (r) => ({
      ...r,
      text: o.text,
      status: o.status,
      endedAt: Date.now(),
      ...(o.error ? { error: o.error } : {}),
      ...(o.finishReason ? { finishReason: o.finishReason } : {}),
      ...(o.usage ? { usage: o.usage } : {}),
    }));
  }

  /** Apply `fn` to one reply of conversation `c` (current or not), persist, and broadcast when shown. */
  private async patchReply(started: Live, turnId: string, side: CompareSide | undefined, fn: (r: Reply) => Reply, broadcast = true): Promise<void> {
    // The conversation may have been closed and reopened while the reply streamed: patch the live copy.
    const c = this.conv && this.conv.meta.id === started.meta.id ? this.conv : started;
    const i = indexOfTurn(c, turnId);
    if (i < 0) return; // truncated away meanwhile (regenerate/edit while streaming)
    const t = c.turns[i];
    if (t.kind === 'user') return;
    const r = getReply(t, side);
    if (!r) return;
    const next = withReply(t, fn(r), side);
    c.turns[i] = next;
    await this.store.putTurn(c.meta.id, next);
    if (broadcast && this.conv === c) this.broadcast({ type: 'chat/turn', conversationId: c.meta.id, turn: next });
  }

  private async updateReply(turnId: string, side: CompareSide | undefined, fn: (r: Reply) => Reply): Promise<void> {
    const c = this.requireCurrent();
    await this.patchReply(c, turnId, side, fn);
  }

  private requireCurrent(): Live {
    if (!this.conv) throw new Error('There is no open conversation.');
    return this.conv;
  }

  async regenerate(turnId: string): Promise<void> {
    const c = this.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind !== 'assistant') throw new Error('Only an assistant reply can be regenerated.');
    this.streams.stopTurn(turnId);
    await this.streams.whenIdle();
    const setup = this.settings.setup('a');
    if (!this.requireModel(setup)) return;
    await this.truncate(c, i);
    await this.ask(c, setup);
  }

  async retry(turnId: string, side?: CompareSide): Promise<void> {
    const c = this.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind === 'user') throw new Error('Nothing to retry there.');
    if (t.kind === 'assistant') return this.regenerate(turnId);
    const s = side ?? 'a';
    if (t[s].status === 'streaming') return;
    const setup = t[s].setup;
    const messages = [...buildMessages(c.turns.slice(0, i), setup.systemPrompt), { role: 'user' as const, content: t.prompt }];
    await this.patchReply(c, turnId, s, () => streamingReply(setup));
    this.startReply(c, turnId, s, setup, messages);
  }

  async editResend(turnId: string, text: string): Promise<void> {
    const c = this.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind !== 'user') throw new Error('Only one of your own messages can be edited.');
    const setup = this.settings.setup('a');
    if (!this.requireModel(setup)) return;
    for (const x of c.turns.slice(i)) this.streams.stopTurn(x.id);
    await this.streams.whenIdle();
    await this.truncate(c, i);
    await this.put(c, { kind: 'user', id: newId('turn'), text, at: Date.now() });
    await this.ask(c, setup);
  }

  private async pick(turnId: string, pick: 'a' | 'b' | 'tie'): Promise<void> {
    const c = this.requireCurrent();
    const t = c.turns[indexOfTurn(c, turnId)];
    if (!t || t.kind !== 'compare') throw new Error('Only a comparison has a pick.');
    await this.put(c, recordPick(t, pick));
    this.s.log.info(`Chat compare: picked ${pick} (${t.a.setup.model} vs ${t.b.setup.model}).`);
  }

  // ------------------------------------------------------------------ dataset, links

  private exampleFor(turnId: string, side?: CompareSide): { args: ExampleArgs; c: Live } {
    const c = this.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind === 'user') throw new Error('Only a reply can be added to a training set.');
    const r = getReply(t, side);
    const user = t.kind === 'compare' ? t.prompt : promptFor(c.turns, i)?.text;
    if (!r || !user) throw new Error('This reply has no prompt to pair it with.');
    if (r.status === 'streaming') throw new Error('Wait for the reply to finish before adding it.');
    return {
      c,
      args: {
        user,
        assistant: r.text,
        ...(r.setup.systemPrompt ? { system: r.setup.systemPrompt } : {}),
        origin: 'chat',
      },
    };
  }

  async addToDataset(turnId: string, side: CompareSide | undefined, edit: boolean): Promise<void> {
    const { args, c } = this.exampleFor(turnId, side);
    const done = async (r: Awaited<ReturnType<DatasetBridge['add']>>): Promise<void> => {
      if (r.ok) {
        await this.patchReply(c, turnId, side, (x) => ({ ...x, addedToDataset: { id: r.id, at: Date.now() } }));
        this.notice(
          'info',
          `Added to the training set${r.datasetName ? ` "${r.datasetName}"` : ''}${r.duplicate ? ' (it closely matches an example already there)' : ''}.`,
        );
      } else if (!r.cancelled) this.notice('error', r.message);
    };
    if (edit) {
      await this.dataset.editThenAdd(args, `${c.meta.id}-${turnId}${side ? `-${side}` : ''}`, (r) => void done(r));
      return;
    }
    await done(await this.dataset.add(args));
  }

  private async openLink(href: string): Promise<void> {
    const uri = vscode.Uri.parse(href, true);
    if (!['http', 'https', 'mailto'].includes(uri.scheme)) return;
    const ok = await vscode.window.showWarningMessage('Open a link from the model’s reply?', { modal: true, detail: href }, 'Open Link');
    if (ok === 'Open Link') await vscode.env.openExternal(uri);
  }

  // ------------------------------------------------------------------ commands

  /** `socratune.chatWith`: select a model (its bound prompt applies) and show the chat. */
  async chatWith(model: string): Promise<void> {
    await this.settings.setModel(model);
    await this.settings.setCompare(false);
    this.broadcast({ type: 'chat/focusComposer' });
  }

  /** `socratune.compareWith`: compare mode with A = modelA, B = modelB. */
  async compareWith(modelA: string, modelB: string): Promise<void> {
    await this.settings.setModel(modelA);
    await this.settings.setModel(modelB, 'b');
    await this.settings.setCompare(true);
    this.broadcast({ type: 'chat/focusComposer' });
  }

  dispose(): void {
    for (const d of this.subs.splice(0)) d.dispose(); // includes this.streams
    this.posted.dispose();
  }
}

function streamingReply(setup: ReplySetup): Reply {
  return { text: '', status: 'streaming', setup, startedAt: Date.now() };
}

function safeFileName(title: string): string {
  return (
    title
      .replace(/[^\w\- ]+/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 60) || 'conversation'
  );
}
