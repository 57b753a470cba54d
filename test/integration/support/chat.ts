/**
 * Driving the chat session from integration tests: the same validation and ordered queue as the webview
 * (`api.chat.simulate`), and the current conversation's last turn and reply.
 */
import { strict as assert } from 'node:assert';
import type { AssistantTurn, Conversation, Reply, Turn } from '../../../src/core/chat/types';
import type { SocratuneApi } from '../../../src/extension';
import { waitFor } from './host';

export interface ChatDriver {
  /** Hands `m` to the session as if the chat webview had posted it, and waits until it has been handled. */
  sim(m: unknown): Promise<void>;
  conv(): Conversation;
  last(): Turn;
  lastReply(): Reply;
  /** Waits for the reply just asked for to start streaming (or fail at once), then for every stream to end. */
  idle(): Promise<void>;
}

export function chatDriver(api: () => SocratuneApi): ChatDriver {
  const conv = (): Conversation => {
    const c = api().chat.session.current;
    assert.ok(c, 'a conversation is open');
    return c;
  };
  const last = (): Turn => conv().turns[conv().turns.length - 1];
  const lastReply = (): Reply => {
    const t = last();
    assert.equal(t.kind, 'assistant');
    return (t as AssistantTurn).reply;
  };
  return {
    async sim(m: unknown): Promise<void> {
      assert.equal(await api().chat.simulate(m), true, `message accepted: ${JSON.stringify(m)}`);
      // simulate() hands the message to the session's ordered queue; wait until it has been handled.
      await api().chat.session.settled();
    },
    conv,
    last,
    lastReply,
    async idle(): Promise<void> {
      await waitFor('the stream to start or fail', () => api().chat.session.streams.list().length > 0 || lastReply().status !== 'streaming');
      await api().chat.session.streams.whenIdle();
    },
  };
}
