import { getReply, indexOfTurn, promptFor } from '../core/chat/conversation';
import { CompareSide, isPartialReply } from '../core/chat/types';
import { ChatBroadcaster } from './broadcaster';
import { ConversationModel, Live } from './conversationModel';
import { AddResult, DatasetBridge, ExampleArgs } from './datasetBridge';

/**
 * "Add to Training Set" and "Edit, then Add" on a reply: pairs it with its prompt and system prompt, hands it to
 * the dataset capability (DatasetBridge) and marks the reply as added. A partial reply (stopped, cut at max
 * tokens, failed, interrupted) is refused unless it goes through the edit flow.
 */
export class TrainingHandOff {
  constructor(
    private readonly conv: ConversationModel,
    private readonly dataset: DatasetBridge,
    private readonly out: ChatBroadcaster,
  ) {}

  private exampleFor(turnId: string, side: CompareSide | undefined, edit: boolean): { args: ExampleArgs; c: Live } {
    const c = this.conv.requireCurrent();
    const i = indexOfTurn(c, turnId);
    const t = c.turns[i];
    if (!t || t.kind === 'user') throw new Error('Only a reply can be added to a training set.');
    const r = getReply(t, side);
    const user = t.kind === 'compare' ? t.prompt : promptFor(c.turns, i)?.text;
    if (!r || !user) throw new Error('This reply has no prompt to pair it with.');
    if (r.status === 'streaming') throw new Error('Wait for the reply to finish before adding it.');
    if (!edit && isPartialReply(r))
      throw new Error('This reply is incomplete (stopped, cut off or failed), so it is not added as it is. Use "Edit, then Add" to finish it first.');
    return { c, args: { user, assistant: r.text, ...(r.setup.systemPrompt ? { system: r.setup.systemPrompt } : {}), origin: 'chat' } };
  }

  /** Turns whose add is under way (a duplicate question may be waiting for the user): a second click is ignored. */
  private readonly adding = new Set<string>();

  async add(turnId: string, side: CompareSide | undefined, edit: boolean): Promise<void> {
    const { args, c } = this.exampleFor(turnId, side, edit);
    const done = async (r: AddResult): Promise<void> => {
      if (r.ok) {
        await this.conv.patchReply(c, turnId, side, (x) => ({ ...x, addedToDataset: { id: r.id, at: Date.now() } }));
        this.out.notice(
          'info',
          `Added to the training set${r.datasetName ? ` "${r.datasetName}"` : ''}${r.duplicate ? ' (it closely matches an example already there)' : ''}.`,
        );
      } else if (!r.cancelled) this.out.notice(r.refused ? 'warning' : 'error', r.message);
    };
    if (edit) {
      await this.dataset.editThenAdd(args, `${c.meta.id}-${turnId}${side ? `-${side}` : ''}`, (r) => void done(r));
      return;
    }
    // Not awaited: a near duplicate asks the user, and the chat stays usable while the question is open.
    const key = `${turnId}:${side ?? ''}`;
    if (this.adding.has(key)) return;
    this.adding.add(key);
    void this.dataset
      .add(args)
      .then(done)
      .catch((err: unknown) => this.out.notice('error', `Could not add the example: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.adding.delete(key));
  }
}
