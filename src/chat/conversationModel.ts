import * as vscode from 'vscode';
import { getReply, indexOfTurn, withReply } from '../core/chat/conversation';
import { HistoryStore } from '../core/chat/historyStore';
import { CompareSide, Conversation, ConversationMeta, Reply, titleFromPrompt, Turn } from '../core/chat/types';
import { ChatBroadcaster } from './broadcaster';
import { StreamManager } from './streams';

const CURRENT_KEY = 'socratune.chat.currentConversation';

export interface Live {
  meta: ConversationMeta;
  turns: Turn[];
}

/**
 * The conversation the chat shows, in memory and on disk: which one is current (remembered per workspace),
 * loading it (a reply cut off by a window close is marked interrupted), and every change to its turns, each
 * persisted through the HistoryStore and broadcast as a small message when that conversation is shown.
 */
export class ConversationModel {
  private conv: Live | undefined;
  private loadedCurrent = false;

  constructor(
    readonly store: HistoryStore,
    private readonly state: vscode.Memento,
    private readonly out: ChatBroadcaster,
    private readonly streams: StreamManager,
  ) {}

  /** The live copy (undefined before the first prompt of a new conversation). */
  get live(): Live | undefined {
    return this.conv;
  }

  /** The current conversation, streaming replies carrying the text received so far. */
  get current(): Conversation | null {
    return this.conv ? this.withLiveText(this.conv) : null;
  }

  requireCurrent(): Live {
    if (!this.conv) throw new Error('There is no open conversation.');
    return this.conv;
  }

  async ensureLoaded(): Promise<void> {
    if (this.loadedCurrent) return;
    this.loadedCurrent = true;
    const id = this.state.get<string>(CURRENT_KEY);
    if (id) await this.load(id);
  }

  /** Make `id` current; false when it no longer exists. */
  async load(id: string): Promise<boolean> {
    const c = await this.store.load(id);
    if (!c) return false;
    const turns = [...c.turns];
    for (let i = 0; i < turns.length; i++) {
      const fixed = this.interrupted(turns[i]);
      if (fixed) {
        turns[i] = fixed;
        await this.store.putTurn(id, fixed);
      }
    }
    const { turns: _t, ...meta } = c;
    this.conv = { meta, turns };
    await this.state.update(CURRENT_KEY, id);
    return true;
  }

  /** A reply that was streaming when the window closed can never finish: mark it, keep its text. */
  private interrupted(t: Turn): Turn | undefined {
    if (t.kind === 'user') return undefined;
    let changed = false;
    const fix = (r: Reply, side?: CompareSide): Reply => {
      if (r.status !== 'streaming' || this.streams.textOf(t.id, side) !== undefined) return r;
      changed = true;
      return { ...r, status: 'interrupted', endedAt: r.endedAt ?? Date.now() };
    };
    const next: Turn = t.kind === 'assistant' ? { ...t, reply: fix(t.reply) } : { ...t, a: fix(t.a, 'a'), b: fix(t.b, 'b') };
    return changed ? next : undefined;
  }

  /** No conversation is current (the next prompt starts one). */
  async clear(): Promise<void> {
    await this.ensureLoaded();
    this.conv = undefined;
    await this.state.update(CURRENT_KEY, undefined);
  }

  /** The conversation to write into, created on the first prompt; `created` is true when it was just made. */
  async ensure(firstPrompt: string, model: string): Promise<{ c: Live; created: boolean }> {
    await this.ensureLoaded();
    if (this.conv) return { c: this.conv, created: false };
    const c = await this.store.create({ title: titleFromPrompt(firstPrompt), model });
    const { turns: _t, ...meta } = c;
    this.conv = { meta, turns: [] };
    await this.state.update(CURRENT_KEY, c.id);
    return { c: this.conv, created: true };
  }

  retitle(id: string, title: string): void {
    if (this.conv?.meta.id === id) this.conv.meta = { ...this.conv.meta, title: title.replace(/\s+/g, ' ').trim() };
  }

  /** Insert or replace one turn. */
  async put(c: Live, turn: Turn, model?: string): Promise<void> {
    const i = indexOfTurn(c, turn.id);
    if (i >= 0) c.turns[i] = turn;
    else c.turns.push(turn);
    await this.store.putTurn(c.meta.id, turn, model ? { model } : {});
    if (this.conv === c) this.out.post({ type: 'chat/turn', conversationId: c.meta.id, turn });
  }

  /** Keep only the first `keep` turns. */
  async truncate(c: Live, keep: number): Promise<void> {
    c.turns.splice(keep);
    await this.store.truncate(c.meta.id, keep);
    if (this.conv === c) this.out.post({ type: 'chat/truncate', conversationId: c.meta.id, keep });
  }

  /** Apply `fn` to one reply of conversation `started` (current or not), persist, and broadcast when shown. */
  async patchReply(started: Live, turnId: string, side: CompareSide | undefined, fn: (r: Reply) => Reply, broadcast = true): Promise<void> {
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
    if (broadcast && this.conv === c) this.out.post({ type: 'chat/turn', conversationId: c.meta.id, turn: next });
  }

  /** Streaming turns carry the text received so far. */
  private withLiveText(c: Live): Conversation {
    const live = (r: Reply, id: string, side?: CompareSide): Reply => (r.status === 'streaming' ? { ...r, text: this.streams.textOf(id, side) ?? r.text } : r);
    const turns = c.turns.map((t): Turn => {
      if (t.kind === 'assistant') return { ...t, reply: live(t.reply, t.id) };
      if (t.kind === 'compare') return { ...t, a: live(t.a, t.id, 'a'), b: live(t.b, t.id, 'b') };
      return t;
    });
    return { ...c.meta, turns };
  }
}
