import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatCommands, Views } from '../constants';
import { HistoryStore } from '../core/chat/historyStore';
import { Services } from '../platform/services';
import type { ToChatWebview } from '../shared/protocol';
import { validateFromChatWebview } from '../shared/protocolValidate';
import { ChatPanels } from './chatPanel';
import { ChatSession } from './chatSession';
import { ChatViewProvider } from './chatViewProvider';
import { DatasetBridge } from './datasetBridge';
import { ModelCatalog } from './modelCatalog';
import { ChatSettingsStore, DefaultModel } from './settingsStore';

/** Handles returned on SocratuneApi.chat (integration tests). */
export interface ChatHandles {
  readonly provider: ChatViewProvider;
  readonly session: ChatSession;
  readonly panels: ChatPanels;
  /** Send a message as if the webview of the chat view had posted it: same validation, same handling. */
  simulate(raw: unknown): Promise<boolean>;
  /**
   * Test seam: `fn` sees every message posted to the chat's surfaces (targeted snapshots included) until the
   * returned disposable is disposed.
   */
  observe(fn: (m: ToChatWebview) => void): vscode.Disposable;
  /** Test seam: extra headers on every chat request from now on (emulator fault injection); undefined clears them. */
  setRequestHeaders(headers: Record<string, string> | undefined): void;
  /** Shortcuts kept from the placeholder provider. */
  readonly onDidResolve: vscode.Event<vscode.WebviewView>;
  readonly isResolved: boolean;
}

/**
 * Where conversations live: the extension's workspace storage (`context.storageUri/chat`), falling back
 * to global storage without a workspace. Per workspace because a journal workspace is one person's
 * mentor; never inside the workspace folder, so conversations are not committed by accident.
 */
export function historyDir(context: vscode.ExtensionContext): string {
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'chat');
}

/** The model a first question goes to when none was picked: the setting, else the catalog's choice. */
function defaultModel(s: Services, models: ModelCatalog): DefaultModel | undefined {
  const configured = s.profile().defaultChatModel;
  if (configured) return { model: configured, why: 'from the socratune.chat.defaultModel setting' };
  const e = models.defaultChoice();
  if (!e) return undefined;
  if (e.kind === 'fine-tuned')
    return { model: e.id, why: e.hasBoundPrompt ? 'the newest fine-tuned model, with the system prompt it was trained with' : 'the newest fine-tuned model' };
  return { model: e.id, why: `a base chat model of ${models.current.backend || 'this backend'}` };
}

export function registerChat(s: Services): ChatHandles {
  const store = new HistoryStore(historyDir(s.context));
  const models = new ModelCatalog(s);
  const settings = new ChatSettingsStore(
    s.context.workspaceState,
    s.modelPrompts,
    () => defaultModel(s, models),
    (m) => models.baseOf(m),
  );
  const dataset = new DatasetBridge(s);
  const observers = new Set<(m: ToChatWebview) => void>();
  let requestHeaders: Record<string, string> | undefined;
  const session = new ChatSession(s, store, settings, models, dataset, {
    tap: (m) => {
      for (const fn of observers) fn(m);
    },
    requestHeaders: () => requestHeaders,
  });
  const provider = new ChatViewProvider(s.context.extensionUri, session, s.log);
  const panels = new ChatPanels(s.context.extensionUri, session, s.log, s.views);

  const focus = async (): Promise<void> => {
    if (panels.count > 0) panels.open();
    else await vscode.commands.executeCommand(`${Views.chat}.focus`);
  };

  s.context.subscriptions.push(
    s.chatEntry.provide({
      chatWith: async (model) => {
        await session.chatWith(model);
        await focus();
      },
      compareWith: async (a, b) => {
        await session.compareWith(a, b);
        await focus();
      },
      conversations: async () => (await Promise.all((await store.list()).map((c) => store.load(c.id)))).filter((c) => c !== undefined),
    }),
    models,
    dataset,
    settings,
    session,
    provider,
    panels,
    s.views.webviewView(Views.chat, provider),
    ...registerChatCommands(session, panels, focus),
  );

  return {
    provider,
    session,
    panels,
    observe(fn) {
      observers.add(fn);
      return new vscode.Disposable(() => observers.delete(fn));
    },
    setRequestHeaders(headers) {
      requestHeaders = headers ? { ...headers } : undefined;
    },
    onDidResolve: provider.onDidResolve,
    get isResolved() {
      return provider.isResolved;
    },
    async simulate(raw: unknown): Promise<boolean> {
      const surface = provider.chatSurface;
      if (surface) return surface.receive(raw);
      // No view resolved: validate the same way, then hand to the session directly.
      const v = validateFromChatWebview(raw);
      if (!v.ok) {
        s.log.warn(`Chat: rejected a simulated message (${v.reason}).`);
        return false;
      }
      await session.handle(v.message);
      return true;
    },
  };
}

/** The model ID a command was given: a string, `{ [key] }`, or a tree item's `modelId` / `id` / `model`. */
function modelArg(arg: unknown, key: string): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const v = (arg as Record<string, unknown>)[key];
    if (typeof v === 'string') return v;
    // Tree items from the models view carry the id in `id`/`modelId`.
    for (const k of ['modelId', 'id', 'model']) {
      const x = (arg as Record<string, unknown>)[k];
      if (typeof x === 'string') return x;
    }
  }
  return undefined;
}

/** The chat's palette and tree commands: each opens (or exports) the session's conversation. */
function registerChatCommands(session: ChatSession, panels: ChatPanels, focus: () => Promise<void>): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ChatCommands.openInEditor, () => {
      panels.open();
    }),
    vscode.commands.registerCommand(ChatCommands.newConversation, async () => {
      await session.newConversation();
      await focus();
    }),
    vscode.commands.registerCommand(ChatCommands.exportConversation, async (arg?: { conversationId?: string; uri?: vscode.Uri }) => {
      return session.exportConversation(arg?.conversationId, arg?.uri instanceof vscode.Uri ? arg.uri : undefined);
    }),
    vscode.commands.registerCommand(ChatCommands.chatWith, async (arg?: unknown) => {
      const model = modelArg(arg, 'model');
      if (!model) {
        void vscode.window.showErrorMessage('Socratune: "Chat with Model" needs a model ID.');
        return;
      }
      await session.chatWith(model);
      await focus();
    }),
    vscode.commands.registerCommand(ChatCommands.compareWith, async (arg?: { modelA?: unknown; modelB?: unknown }) => {
      const a = typeof arg?.modelA === 'string' ? arg.modelA : undefined;
      const b = typeof arg?.modelB === 'string' ? arg.modelB : undefined;
      if (!a || !b) {
        void vscode.window.showErrorMessage('Socratune: "Compare Models" needs two model IDs.');
        return;
      }
      await session.compareWith(a, b);
      await focus();
    }),
  ];
}
