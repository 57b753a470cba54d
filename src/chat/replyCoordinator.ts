import { buildMessages, indexOfTurn, newId, recordPick } from '../core/chat/conversation';
import { StreamOutcome } from '../core/chat/streamRunner';
import { AssistantTurn, CompareSide, CompareTurn, Reply, ReplySetup, UserTurn } from '../core/chat/types';
import { Log } from '../platform/log';
import { ChatBroadcaster } from './broadcaster';
import { ConversationModel, Live } from './conversationModel';
import { ModelCatalog } from './modelCatalog';
import { ChatSettingsStore } from './settingsStore';
import { StreamManager } from './streams';

/**
 * Asking for replies: send (one model, or two side by side in compare), regenerate, retry one side,
 * edit-and-resubmit, and the pick of a comparison. Each request's model is resolved by the backend first
 * (`ModelCatalog.resolve`), so an Azure fine-tune is sent as its deployment or refused with the reason.
 */
export class ReplyCoordinator {
  constructor(
    private readonly conv: ConversationModel,
    private readonly streams: StreamManager,
    private readonly settings: ChatSettingsStore,
    private readonly models: ModelCatalog,
    private readonly out: ChatBroadcaster,
    private readonly log: Log,
    /** A conversation was just created by a first prompt: surfaces need a snapshot. */
    private readonly onCreated: () => Promise<void>,
  ) {}

  /**
   * The setup a request for column A (or B) is sent with, its model resolved by the backend (an Azure fine-tune
   * becomes its deployment name); undefined after telling the user why nothing can be sent.
   */
  private async sendableSetup(side: CompareSide = 'a'): Promise<ReplySetup | undefined> {
    const setup = this.settings.setup(side);
    if (!setup.model) {
      this.out.notice('error', side === 'b' ? 'Pick a model for column B of the comparison.' : 'Pick a model first (or type a model ID in the model picker).');
      return undefined;
    }
    const target = await this.models.resolve(setup.model);
    if (!target.ok) {
      this.out.notice('error', target.message);
      return undefined;
    }
    return target.model === setup.model ? setup : { ...setup, model: target.model };
  }

  private async conversationFor(text: string, model: string): Promise<Live> {
    const { c, created } = await this.conv.ensure(text, model);
    if (created) await this.onCreated();
    return c;
  }

  async send(text: string): Promise<void> {
    const a = await this.sendableSetup('a');
    if (!a) return;
    await this.conv.ensureLoaded();
    const live = this.conv.live;
    if (live && this.streams.isStreaming(live.meta.id)) {
      this.out.notice('warning', 'A reply is still streaming. Wait for it or press Stop (Esc).');
      return;
    }
    if (this.settings.settings.compare.enabled) {
      const b = await this.sendableSetup('b');
      if (!b) return;
      const c = await this.conversationFor(text, a.model);
      const turn: CompareTurn = { kind: 'compare', id: newId('turn'), prompt: text, at: Date.now(), a: streamingReply(a), b: streamingReply(b) };
      await this.conv.put(c, turn, a.model);
      const history = c.turns.slice(0, -1);
      this.startReply(c, turn.id, 'a', a, [...buildMessages(history, a.systemPrompt), { role: 'user', content: text }]);
      this.startReply(c, turn.id, 'b', b, [...buildMessages(history, b.systemPrompt), { role: 'user', content: text }]);
      return;
    }
    const c = await this.conversationFor(text, a.model);
    const user: UserTurn = { kind: 'user', id: newId('turn'), text, at: Date.now() };
    await this.conv.put(c, user);
    await this.ask(c, a);
  }

  /** Append a streaming assistant turn answering the transcript as it stands. */
  private async ask(c: Live, setup: ReplySetup): Promise<void> {
    const turn: AssistantTurn = { kind: 'assistant', id: newId('turn'), reply: streamingReply(setup) };
    const messages = buildMessages(c.turns, setup.systemPrompt);
    await this.conv.put(c, turn, setup.model);
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
        this.conv
          .patchReply(c, turnId, side, (r) => (r.status === 'streaming' ? { ...r, text } : r), false)
          .catch((e: unknown) => this.log.warn(`Chat: could not checkpoint a streaming reply: ${e instanceof Error ? e.message : String(e)}`));
      },
      onEnd: (o) => this.finishReply(c, turnId, side, o),
    });
  }

  private async finishReply(c: Live, turnId: string, side: CompareSide | undefined, o: StreamOutcome): Promise<void> {
    await this.conv.patchReply(c, turnId, side, (r) => ({
      ...r,
      text: o.text,
      status: o.status,
      endedAt: Date.now(),
      ...(o.error ? { error: o.error } : {}),
      ...(o.finishReason ? { finishReason: o.finishReason } : {}),
      ...(o.usage ? { usage: o.usage } : {}),
    }));
  }

  async regenerate(turnId: string): Promise<void> {
    const c = this.conv.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind !== 'assistant') throw new Error('Only an assistant reply can be regenerated.');
    this.streams.stopTurn(turnId);
    await this.streams.whenIdle();
    const setup = await this.sendableSetup('a');
    if (!setup) return;
    await this.conv.truncate(c, i);
    await this.ask(c, setup);
  }

  async retry(turnId: string, side?: CompareSide): Promise<void> {
    const c = this.conv.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind === 'user') throw new Error('Nothing to retry there.');
    if (t.kind === 'assistant') return this.regenerate(turnId);
    const s = side ?? 'a';
    if (t[s].status === 'streaming') return;
    const setup = t[s].setup;
    const messages = [...buildMessages(c.turns.slice(0, i), setup.systemPrompt), { role: 'user' as const, content: t.prompt }];
    await this.conv.patchReply(c, turnId, s, () => streamingReply(setup));
    this.startReply(c, turnId, s, setup, messages);
  }

  async editResend(turnId: string, text: string): Promise<void> {
    const c = this.conv.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind !== 'user') throw new Error('Only one of your own messages can be edited.');
    const setup = await this.sendableSetup('a');
    if (!setup) return;
    for (const x of c.turns.slice(i)) this.streams.stopTurn(x.id);
    await this.streams.whenIdle();
    await this.conv.truncate(c, i);
    await this.conv.put(c, { kind: 'user', id: newId('turn'), text, at: Date.now() });
    await this.ask(c, setup);
  }

  async pick(turnId: string, pick: 'a' | 'b' | 'tie'): Promise<void> {
    const c = this.conv.requireCurrent();
    const t = c.turns[indexOfTurn(c, turnId)];
    if (!t || t.kind !== 'compare') throw new Error('Only a comparison has a pick.');
    await this.conv.put(c, recordPick(t, pick));
    this.log.info(`Chat compare: picked ${pick} (${t.a.setup.model} vs ${t.b.setup.model}).`);
  }

  async updateReply(turnId: string, side: CompareSide | undefined, fn: (r: Reply) => Reply): Promise<void> {
    await this.conv.patchReply(this.conv.requireCurrent(), turnId, side, fn);
  }
}

function streamingReply(setup: ReplySetup): Reply {
  return { text: '', status: 'streaming', setup, startedAt: Date.now() };
}
