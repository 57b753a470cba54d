/**
 * Optional judge model: a chat model rates each pair twice, once in each order, and its verdict stands only when
 * both orders agree; when it contradicts itself (or calls one order a tie) the pair is a tie. Its ratings are
 * written under the rater `judge:<model>` and always shown as a model's opinion, apart from the user's.
 */
import type { Complete } from './runner';
import type { Pair } from './pairing';
import { judgeRater, replyKey, type RatingLine, type Verdict } from './schema';

export interface JudgeInput {
  readonly question: string;
  readonly reference?: string;
  readonly first: string;
  readonly second: string;
}

const SYSTEM =
  'You compare two answers to the same question for the person who asked it. Judge which answer is more insightful, honest and useful. ' +
  'Reply with exactly one token: 1 if the first answer is better, 2 if the second is better, tie if neither is better.';

export function judgeMessages(x: JudgeInput): { role: 'system' | 'user'; content: string }[] {
  const ref = x.reference?.trim() ? `\n\nThe asker's own answer, for reference:\n<reference>\n${x.reference.trim()}\n</reference>` : '';
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `Question:\n<question>\n${x.question}\n</question>${ref}\n\nAnswer 1:\n<answer1>\n${x.first}\n</answer1>\n\nAnswer 2:\n<answer2>\n${x.second}\n</answer2>`,
    },
  ];
}

/** Reads "1", "2" or "tie" from the judge's reply (first word; "Answer 2" too); undefined when it said neither. */
export function parseJudgeVerdict(text: string): '1' | '2' | 'tie' | undefined {
  const t = text.trim().toLowerCase();
  const m = /^(?:answer\s*)?(1|2|tie)\b/.exec(t.replace(/^[\s"'*`([]+/, ''));
  return m ? (m[1] as '1' | '2' | 'tie') : undefined;
}

/** `forward` judged (left, right); `backward` judged (right, left). Agreement stands; anything else is a tie. */
export function combineOrders(forward: '1' | '2' | 'tie' | undefined, backward: '1' | '2' | 'tie' | undefined): Verdict {
  if (forward === undefined || backward === undefined) return 'skip';
  const back = backward === '1' ? '2' : backward === '2' ? '1' : 'tie';
  return forward === back ? forward : 'tie';
}

export interface JudgeOptions {
  readonly model: string;
  readonly backend: string;
  readonly complete: Complete;
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

/** Rates one pair in both orders; returns the rating line to append (rater `judge:<model>`). */
export async function judgePair(
  pair: Pair,
  texts: ReadonlyMap<string, string>,
  question: { text: string; reference?: string },
  opts: JudgeOptions,
): Promise<RatingLine> {
  const left = texts.get(replyKey(pair.left)) ?? '';
  const right = texts.get(replyKey(pair.right)) ?? '';
  const ask = async (first: string, second: string) => {
    const r = await opts.complete(
      {
        model: opts.model,
        backend: opts.backend,
        messages: judgeMessages({ question: question.text, reference: question.reference, first, second }),
        temperature: 0,
        seed: 0,
      },
      opts.signal,
    );
    return parseJudgeVerdict(r.text);
  };
  const forward = await ask(left, right);
  const backward = await ask(right, left);
  return {
    op: 'rate',
    pair: pair.id,
    verdict: combineOrders(forward, backward),
    rater: judgeRater(opts.model),
    at: new Date((opts.now ?? Date.now)()).toISOString(),
  };
}
