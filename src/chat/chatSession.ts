import * as vscode from 'vscode';
import { HistoryStore } from '../core/chat/historyStore';
import { Conversation } from '../core/chat/types';
import { Services } from '../platform/services';
import { ChatSnapshot, FromChatWebview, PROTOCOL_VERSION, ToChatWebview } from '../shared/protocol';
import { ChatBroadcaster, ChatSink } from './broadcaster';
import { ConversationExporter } from './conversationExport';
import { ConversationModel } from './conversationModel';
import { DatasetBridge } from './datasetBridge';
import { ModelCatalog } from './modelCatalog';
import { ReplyCoordinator } from './replyCoordinator';
import { ChatSettingsStore } from './settingsStore';
import { StreamManager } from './streams';
import { TrainingHandOff } from './trainingHandOff';

/** Host commands the view's buttons may run (protocol HOST_COMMANDS → command ids). */
const HOST_COMMAND_IDS = {
  setApiKey: 'socratune.setApiKey',
  selectProvider: 'socratune.selectProvider',
  selectDataset: 'socratune.selectDataset',
  showLog: 'socratune.showLog',
  openInEditor: 'socratune.openChatInEditor',
} as const;

interface ChatSessionOptions {
  /** Sees every message posted to the surfaces (SocratuneApi's test seam). */
  readonly tap?: (m: ToChatWebview) => void;
  /** Extra headers on every chat request (SocratuneApi's test seam: emulator fault injection). */
  readonly requestHeaders?: () => Record<string, string> | undefined;
}

type Queued = Exclude<FromChatWebview, { type: 'chat/stop' }>;

/** Settings and conversation-list messages: handled by their own switch, so each switch lists every case it takes. */
const SETTINGS_OR_CONVERSATION = [
  'chat/setModel',
  'chat/setPrompt',
  'chat/setParams',
  'chat/setCompare',
  'chat/savePreset',
  'chat/deletePreset',
  'chat/refreshModels',
  'chat/runCommand',
  'conversation/new',
  'conversation/open',
  'conversation/rename',
  'conversation/delete',
  'conversation/export',
] as const;
type SettingsOrConversation = Extract<Queued, { type: (typeof SETTINGS_OR_CONVERSATION)[number] }>;
const isSettingsOrConversation = (m: Queued): m is SettingsOrConversation => (SETTINGS_OR_CONVERSATION as readonly string[]).includes(m.type);

/**
 * The chat's front door, shared by every surface (sidebar view and editor panels show the same conversation):
 * webview messages are handled one at a time in order (Stop jumps the queue) and routed to the unit that owns
 * them — `ConversationModel` (current conversation, persistence), `ReplyCoordinator` (send, stream, regenerate,
 * compare), `TrainingHandOff` (Add to Training Set), `ConversationExporter` — with `ChatBroadcaster` fanning
 * the results out. A surface that (re)connects gets a full snapshot.
 */
export class ChatSession implements vscode.Disposable {
  readonly streams: StreamManager;
  readonly conversations: ConversationModel;
  private readonly out: ChatBroadcaster;
  private readonly replies: ReplyCoordinator;
  private readonly training: TrainingHandOff;
  private readonly exporter: ConversationExporter;
  private readonly subs: vscode.Disposable[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly s: Services,
    readonly store: HistoryStore,
    readonly settings: ChatSettingsStore,
    readonly models: ModelCatalog,
    readonly dataset: DatasetBridge,
    opts: ChatSessionOptions = {},
  ) {
    this.out = new ChatBroadcaster(opts.tap);
    this.streams = new StreamManager(s, (m) => this.out.post(m), { requestHeaders: opts.requestHeaders });
    this.conversations = new ConversationModel(store, s.context.workspaceState, this.out, this.streams);
    this.replies = new ReplyCoordinator(this.conversations, this.streams, settings, models, this.out, s.log, () => this.sendSnapshot());
    this.training = new TrainingHandOff(this.conversations, dataset, this.out);
    this.exporter = new ConversationExporter(store);
    this.subs.push(
      settings.onDidChange(() => this.out.post({ type: 'chat/settings', ...settings.payload() })),
      models.onDidChange((m) => {
        this.out.post({ type: 'chat/models', models: m });
        // The model chosen for a window where none was picked yet depends on the list.
        this.out.post({ type: 'chat/settings', ...settings.payload() });
      }),
      s.activeDataset.onDidChange(() => void this.pushDataset()),
    );
  }

  attach(surface: ChatSink): vscode.Disposable {
    return this.out.attach(surface);
  }

  /** Resolves once every message received so far has been handled. */
  async settled(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  /** Handle one validated webview message. Messages are processed in order, one at a time. */
  handle(m: FromChatWebview, from?: ChatSink): Promise<void> {
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
        this.out.notice('error', msg);
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next;
    return next;
  }

  private async dispatch(m: Queued, from?: ChatSink): Promise<void> {
    if (isSettingsOrConversation(m)) return this.dispatchSettingsOrConversation(m);
    switch (m.type) {
      case 'chat/ready':
        await this.sendSnapshot(from);
        // A list that failed earlier (e.g. before the key was stored) is retried when a view (re)appears.
        if (this.models.current.error && !this.models.current.loading) void this.models.refresh();
        return;
      case 'chat/send':
        return this.replies.send(m.text);
      case 'chat/regenerate':
        return this.replies.regenerate(m.turnId);
      case 'chat/retry':
        return this.replies.retry(m.turnId, m.side);
      case 'chat/editResend':
        return this.replies.editResend(m.turnId, m.text);
      case 'chat/feedback':
        return this.replies.updateReply(m.turnId, m.side, (r) => {
          const { feedback: _old, ...rest } = r;
          return m.value ? { ...rest, feedback: m.value } : rest;
        });
      case 'chat/pick':
        return this.replies.pick(m.turnId, m.pick);
      case 'chat/addToDataset':
        return this.training.add(m.turnId, m.side, m.edit);
      case 'chat/copy':
        await vscode.env.clipboard.writeText(m.text);
        return;
      case 'chat/openLink':
        return openLink(m.href);
    }
  }

  private async dispatchSettingsOrConversation(m: SettingsOrConversation): Promise<void> {
    switch (m.type) {
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
    }
  }

  // ------------------------------------------------------------------ snapshot

  async snapshot(): Promise<ChatSnapshot> {
    await this.conversations.ensureLoaded();
    const conversations = await this.store.list();
    const dataset = await this.dataset.info();
    // Streaming text is read last, with no await before the snapshot is posted: every delta posted later
    // starts at or before the length captured here (overlaps are skipped by offset; there is never a gap).
    const live = this.conversations.live;
    return {
      conversation: this.conversations.current,
      conversations,
      models: this.models.current,
      streams: this.streams.list().filter((x) => x.conversationId === live?.meta.id),
      dataset,
      ...this.settings.payload(),
    };
  }

  private async sendSnapshot(to?: ChatSink): Promise<void> {
    const m: ToChatWebview = { type: 'chat/state', version: PROTOCOL_VERSION, snapshot: await this.snapshot() };
    if (to) this.out.postTo(to, m);
    else this.out.post(m);
  }

  // ------------------------------------------------------------------ conversations

  get current(): Conversation | null {
    return this.conversations.current;
  }

  async newConversation(): Promise<void> {
    await this.conversations.clear();
    await this.sendSnapshot();
  }

  async openConversation(id: string): Promise<void> {
    await this.conversations.ensureLoaded();
    if (!(await this.conversations.load(id))) throw new Error('That conversation no longer exists.');
    await this.sendSnapshot();
  }

  async renameConversation(id: string, title: string): Promise<void> {
    await this.store.rename(id, title);
    this.conversations.retitle(id, title);
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
    for (const s of this.streams.list()) if (s.conversationId === id) this.streams.stop(s.requestId);
    await this.streams.whenIdle();
    const deleted = await this.store.delete(id);
    if (this.conversations.live?.meta.id === id) await this.newConversation();
    else await this.pushList();
    return deleted;
  }

  /** Export as markdown: to `target` when given (tests, scripted use), else through a save dialog. */
  async exportConversation(id?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    await this.conversations.ensureLoaded();
    const cid = id ?? this.conversations.live?.meta.id;
    if (!cid) {
      void vscode.window.showInformationMessage('There is no conversation to export yet.');
      return undefined;
    }
    return this.exporter.export(cid, target);
  }

  /** What Export Conversation's save dialog proposes for a conversation titled `title`. */
  exportDialogOptions(title: string): vscode.SaveDialogOptions {
    return this.exporter.dialogOptions(title);
  }

  private async pushList(): Promise<void> {
    this.out.post({ type: 'chat/conversations', conversations: await this.store.list() });
  }

  private async pushDataset(): Promise<void> {
    this.out.post({ type: 'chat/dataset', dataset: await this.dataset.info() });
  }

  // ------------------------------------------------------------------ commands

  /** `socratune.chatWith`: select a model (its bound prompt applies) and show the chat. */
  async chatWith(model: string): Promise<void> {
    await this.settings.setModel(model);
    await this.settings.setCompare(false);
    this.out.post({ type: 'chat/focusComposer' });
  }

  /** `socratune.compareWith`: compare mode with A = modelA, B = modelB. */
  async compareWith(modelA: string, modelB: string): Promise<void> {
    await this.settings.setModel(modelA);
    await this.settings.setModel(modelB, 'b');
    await this.settings.setCompare(true);
    this.out.post({ type: 'chat/focusComposer' });
  }

  dispose(): void {
    this.streams.dispose();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}

async function openLink(href: string): Promise<void> {
  const uri = vscode.Uri.parse(href, true);
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) return;
  const ok = await vscode.window.showWarningMessage('Open a link from the model’s reply?', { modal: true, detail: href }, 'Open Link');
  if (ok === 'Open Link') await vscode.env.openExternal(uri);
}
