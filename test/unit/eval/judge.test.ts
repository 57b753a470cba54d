import assert from 'node:assert/strict';
import { combineOrders, judgeMessages, judgePair, parseJudgeVerdict } from '../../../src/core/eval/judge';
import type { Pair } from '../../../src/core/eval/pairing';
import type { Complete } from '../../../src/core/eval/runner';

const pair: Pair = { id: 'p1', question: 'q1', left: { question: 'q1', contestant: 'A', sample: 0 }, right: { question: 'q1', contestant: 'B', sample: 0 } };
const texts = new Map([
  ['q1/A/0', 'A wise answer.'],
  ['q1/B/0', 'A weak answer.'],
]);
const signal = new AbortController().signal;

/** A judge that reads the answers: it prefers the one saying "wise", wherever it is shown. */
const fair: Complete = async (req) => {
  const user = req.messages[1].content;
  return { text: user.indexOf('wise') < user.indexOf('weak') ? '1' : '2' };
};
/** A judge with position bias: always the first answer. */
const biased: Complete = async () => ({ text: '1' });

describe('eval: judge model', () => {
  it('reads 1 / 2 / tie from the reply', () => {
    assert.equal(parseJudgeVerdict('1'), '1');
    assert.equal(parseJudgeVerdict(' **2**. The second one is better'), '2');
    assert.equal(parseJudgeVerdict('Tie'), 'tie');
    assert.equal(parseJudgeVerdict('Answer 2'), '2');
    assert.equal(parseJudgeVerdict('12 reasons'), undefined);
    assert.equal(parseJudgeVerdict('I cannot decide'), undefined);
  });

  it('keeps a verdict only when both orders agree, else a tie; no reading is a skip', () => {
    assert.equal(combineOrders('1', '2'), '1');
    assert.equal(combineOrders('2', '1'), '2');
    assert.equal(combineOrders('1', '1'), 'tie', 'position bias contradicts itself');
    assert.equal(combineOrders('tie', '2'), 'tie');
    assert.equal(combineOrders(undefined, '1'), 'skip');
  });

  it('asks in both orders, with the reference when there is one, and rates as judge:<model>', async () => {
    const asked: string[] = [];
    const recording: Complete = async (req, s) => {
      asked.push(req.messages[1].content);
      assert.equal(req.model, 'gpt-4o');
      assert.equal(req.temperature, 0);
      return fair(req, s);
    };
    const line = await judgePair(
      pair,
      texts,
      { text: 'What is wisdom?', reference: 'My own answer.' },
      { model: 'gpt-4o', backend: 'openai', complete: recording, signal, now: () => 0 },
    );
    assert.deepEqual(line, { op: 'rate', pair: 'p1', verdict: '1', rater: 'judge:gpt-4o', at: '1970-01-01T00:00:00.000Z' });
    assert.equal(asked.length, 2);
    assert.ok(asked[0].indexOf('wise') < asked[0].indexOf('weak') && asked[1].indexOf('weak') < asked[1].indexOf('wise'));
    assert.match(asked[0], /<reference>\nMy own answer\.\n<\/reference>/);
    assert.doesNotMatch(judgeMessages({ question: 'q', first: 'a', second: 'b' })[1].content, /reference/);
    const tie = await judgePair(pair, texts, { text: 'What is wisdom?' }, { model: 'm', backend: 'b', complete: biased, signal });
    assert.equal(tie.op === 'rate' && tie.verdict, 'tie');
  });
});
