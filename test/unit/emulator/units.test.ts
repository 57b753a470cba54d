import assert from 'node:assert/strict';
import { ReplyIndex, words } from '../../../src/emulator/answer';
import { checkDataset, type CheckOptions } from '../../../src/emulator/dataset';
import { FaultPlanner, parseFaults } from '../../../src/emulator/faults';
import { maskKey } from '../../../src/emulator/auth';
import { countMessageTokens, countTokens, tokenize } from '../../../src/emulator/tokens';
import { resolveHyperparameters, stepMetrics } from '../../../src/emulator/training';
import { journalExamples, jsonl } from './support/emulator';

describe('emulator: building blocks', () => {
  describe('fault specs', () => {
    it('parses directives and parameters', () => {
      const [rate, latency, cut, job] = parseFaults('429;retry-after-ms=200;times=2, latency=150 ,cut;after=5;p=0.5,job-fail;at=validating;code=x');
      assert.deepEqual(
        { ...rate },
        {
          kind: 'status',
          status: 429,
          retryAfterMs: 200,
          retryAfter: undefined,
          shouldRetry: undefined,
          times: 2,
          p: undefined,
          path: undefined,
          code: undefined,
          message: undefined,
          source: '429;retry-after-ms=200;times=2',
        },
      );
      assert.equal(latency.kind, 'latency');
      assert.equal(latency.ms, 150);
      assert.equal(cut.after, 5);
      assert.equal(cut.p, 0.5);
      assert.equal(job.at, 'validating');
      assert.equal(job.code, 'x');
    });
    it('rejects unknown directives and bad parameters with a message', () => {
      assert.throws(() => parseFaults('explode'), /Unknown fault "explode"/);
      assert.throws(() => parseFaults('429;retry-after-ms=soon'), /retry-after-ms must be a number/);
      assert.throws(() => parseFaults('cut;color=red'), /unknown parameter "color"/);
      assert.throws(() => parseFaults('500;p=2'), /p must be within/);
      assert.throws(() => parseFaults('job-fail;at=never'), /at must be validating or running/);
    });
    it('counts attempts by x-stainless-retry-count for header faults and by requests for server faults', () => {
      const planner = new FaultPlanner(parseFaults('503;times=1'), 1);
      assert.ok(planner.plan('/models', [], null).status);
      assert.equal(planner.plan('/models', [], null).status, undefined);
      const header = parseFaults('429;times=2');
      assert.ok(planner.plan('/x', header, 0).status && planner.plan('/x', header, 1).status);
      assert.equal(planner.plan('/x', header, 2).status, undefined);
      assert.ok(planner.plan('/x', header, 0).status, 'a new logical request starts again at attempt 0');
    });
  });

  describe('training file check', () => {
    const opts: CheckOptions = { method: 'supervised', tokenLimit: 65_536, model: 'gpt-4o-mini-2024-07-18', which: 'training_file', minExamples: 10 };
    const check = (text: string, o = opts) => checkDataset(Buffer.from(text), o);
    it('accepts a valid file and extracts what each assistant turn answered', () => {
      const r = check(jsonl(journalExamples(10)));
      assert.equal(r.ok, true);
      assert.equal(r.examples, 10);
      assert.ok(r.tokens > 100);
      assert.equal(r.replies.length, 10);
      assert.match(r.replies[0].prompt, /anger/);
    });
    it('skips weight 0 turns, accepts tool calls and image parts, rejects bad weights and misplaced keys', () => {
      const base = journalExamples(9);
      const multi = {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'skip me', weight: 0 },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'b' },
              { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            ],
          },
          { role: 'assistant', content: 'learn me', weight: 1 },
        ],
      };
      const tools = {
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
          { role: 'assistant', content: 'Sunny.' },
        ],
      };
      const ok = check(jsonl([multi, tools, ...base]));
      assert.equal(ok.ok, true, ok.error?.message);
      assert.ok(!ok.replies.some((r) => r.answer === 'skip me'));
      assert.equal(ok.replies.find((r) => r.answer === 'learn me')?.prompt, 'b');
      const weighted = check(
        jsonl([
          {
            messages: [
              { role: 'user', content: 'a', weight: 1 },
              { role: 'assistant', content: 'b' },
            ],
          },
          ...journalExamples(10),
        ]),
      );
      assert.match(weighted.error?.message ?? '', /Example 1, message 1 contains an extra "weight"/);
      const noAssistant = check(
        jsonl([
          {
            messages: [
              { role: 'user', content: 'a' },
              { role: 'assistant', content: 'b', weight: 0 },
            ],
          },
          ...journalExamples(10),
        ]),
      );
      assert.match(noAssistant.error?.message ?? '', /Example 1 has no assistant message to train on/);
      const noRole = check(jsonl([{ messages: [{ content: 'a' }] }, ...journalExamples(10)]));
      assert.match(noRole.error?.message ?? '', /Discriminator 'role' is missing/);
      const toolNoId = check(
        jsonl([
          {
            messages: [
              { role: 'tool', content: 'x' },
              { role: 'assistant', content: 'y' },
            ],
          },
          ...journalExamples(10),
        ]),
      );
      assert.match(toolNoId.error?.message ?? '', /is missing 'tool_call_id'/);
    });
    it('reports encoding and count problems with their codes', () => {
      assert.equal(checkDataset(Buffer.from([0xff, 0xfe, 0x00]), opts).error?.code, 'invalid_file_format');
      const few = check(jsonl(journalExamples(3)));
      assert.equal(few.error?.code, 'invalid_n_examples');
      assert.equal(few.examples, 3);
      const valid = check(jsonl(journalExamples(1)), { ...opts, which: 'validation_file', minExamples: 1 });
      assert.equal(valid.ok, true);
      const badValid = check('nope\n', { ...opts, which: 'validation_file', minExamples: 1 });
      assert.equal(badValid.error?.code, 'invalid_validation_file');
      assert.equal(badValid.error?.param, 'validation_file');
    });
  });

  describe('simulated training', () => {
    it('resolves auto hyperparameters like OpenAI', () => {
      assert.deepEqual(resolveHyperparameters(10, {}, false), { nEpochs: 10, batchSize: 1, learningRateMultiplier: 2 });
      assert.equal(resolveHyperparameters(12, {}, false).nEpochs, 8);
      assert.equal(resolveHyperparameters(50, {}, false).nEpochs, 3);
      assert.equal(resolveHyperparameters(20_000, {}, false).nEpochs, 1);
      assert.equal(resolveHyperparameters(5000, {}, false).batchSize, 8);
      assert.equal(resolveHyperparameters(5000, {}, false).learningRateMultiplier, 1);
      assert.deepEqual(resolveHyperparameters(30, { n_epochs: 4, batch_size: 2, learning_rate_multiplier: 0.5, beta: 'auto' }, true), {
        nEpochs: 4,
        batchSize: 2,
        learningRateMultiplier: 0.5,
        beta: 0.1,
      });
    });
    it('makes noisy, decreasing loss curves with validation above training, reproducibly', () => {
      const total = 300;
      const run = (seed: number) => Array.from({ length: total }, (_, i) => stepMetrics(seed, i + 1, total, 100, 3, 1, true));
      const a = run(42);
      assert.deepEqual(run(42), a);
      assert.notDeepEqual(run(43), a);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const early = mean(a.slice(0, 30).map((m) => m.train_loss));
      const late = mean(a.slice(-30).map((m) => m.train_loss));
      assert.ok(late < early / 2, `decreases: ${early} → ${late}`);
      assert.ok(mean(a.map((m) => m.valid_loss ?? 0)) > mean(a.map((m) => m.train_loss)));
      const ups = a.filter((m, i) => i > 0 && m.train_loss > a[i - 1].train_loss).length;
      assert.ok(ups > total / 5, 'noisy');
      assert.deepEqual(
        a.filter((m) => m.full_valid_loss !== undefined).map((m) => m.step),
        [100, 200, 300],
      );
      assert.ok(a.every((m) => m.train_mean_token_accuracy > 0 && m.train_mean_token_accuracy < 1));
      assert.equal(stepMetrics(1, 5, 10, 5, 2, 1, false).valid_loss, undefined);
    });
  });

  describe('tokens and answers', () => {
    it('splits text into token-sized pieces that rejoin losslessly', () => {
      const text = 'Confine yourself to the present moment; the past (1999) is gone — ça va? Unquestionably.';
      assert.equal(tokenize(text).join(''), text);
      assert.ok(countTokens(text) >= 18 && countTokens(text) <= 28);
      assert.equal(countMessageTokens([{ role: 'user', content: 'hi' }]), 3 + 3 + 1 + 1);
    });
    it('ranks replies lexically and prefers the same system prompt', () => {
      const index = new ReplyIndex([
        { system: 'A', prompt: 'how to handle anger', context: '', answer: 'calm' },
        { system: 'B', prompt: 'how to handle anger', context: '', answer: 'shout' },
        { system: 'A', prompt: 'morning routine', context: '', answer: 'rise' },
      ]);
      assert.equal(index.rank({ system: 'A', user: 'I feel anger', context: '' })[0].answer, 'calm');
      assert.equal(index.rank({ system: 'B', user: 'I feel anger', context: '' })[0].answer, 'shout');
      assert.equal(
        index.rank({ system: 'a ', user: 'mornings', context: '' })[0].answer,
        'rise',
        'system prompts compare case- and space-insensitively; words are stemmed',
      );
      assert.deepEqual(
        index.rank({ system: 'A', user: 'anger in the morning', context: '' }, 3).map((r) => r.answer),
        ['rise', 'calm'],
        'k best within the system prompt’s examples (the rarer word weighs more), no duplicates',
      );
      const many = new ReplyIndex(
        Array.from({ length: 20 }, (_, i) => ({ system: null, prompt: `topic ${i % 4 === 0 ? 'stoic' : 'other'} ${i}`, context: '', answer: String(i) })),
      );
      assert.deepEqual(
        many.rank({ system: null, user: 'stoic', context: '' }, 6).map((r) => r.answer),
        ['0', '4', '8', '12', '16', '1'],
        'matches by score then training order, padded in training order',
      );
      assert.deepEqual(words('The Mornings were running'), ['morn', 'runn']);
      assert.deepEqual(words('stories and story'), ['story', 'story']);
    });
    it('masks keys like OpenAI', () => {
      assert.equal(maskKey('sk-abcdefghijklmnop'), 'sk-************mnop');
    });
  });
});
