import { strict as assert } from 'node:assert';
import { createReadStream } from 'node:fs';
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import { startEmulator, EmulatorHandle } from '../../../src/emulator';
import { backtranslationMessages, proposeWithModel } from '../../../src/core/dataset/backtranslate';
import { DatasetStore } from '../../../src/core/dataset/store';
import { tempDir } from './helpers';

/** Passages and the questions a "backtranslation model" should propose for them. */
const PASSAGES: [string, string[]][] = [
  [
    'Rest is not a reward for finishing. It is part of the work, the way silence is part of music.',
    ['Is rest something I should earn?', 'How should I think about rest and work?', 'Why do I feel guilty resting?'],
  ],
  [
    'Enough is a number you decide before you earn it. Decide it afterwards and it moves every time.',
    ['How do I know when I have enough money?', 'Why does enough keep moving?', 'When should I decide what is enough?'],
  ],
  [
    'Anger is a letter I write to myself and then read aloud to someone else. Wait a day before sending it.',
    ['What should I do when I am angry?', 'How do I handle anger at someone?', 'Why wait before reacting?'],
  ],
  [
    'Friendship is mostly attention. The friends I keep remember what I was worried about last month.',
    ['What makes a good friend?', 'How do I keep friendships alive?', 'What is friendship made of?'],
  ],
  [
    'Loneliness is not the absence of people but the absence of being known. One honest conversation a week helps.',
    ['Why do I feel lonely among people?', 'How can I feel less lonely?', 'What is loneliness really?'],
  ],
  [
    'When I cannot decide, I ask which choice I would rather explain to myself in ten years.',
    ['How do I make a hard decision?', 'What question helps me decide?', 'How do I choose between options?'],
  ],
  [
    'Work becomes meaningful when I can name the person it helps and picture the moment it helps them.',
    ['What makes work meaningful?', 'How do I find meaning in my job?', 'Why does my work feel empty?'],
  ],
  [
    'I used to think people change through insight. Now I think they change through repetition that insight makes bearable.',
    ['How do people really change?', 'Is insight enough to change?', 'What role do habits play in change?'],
  ],
  [
    'Because they matter, a bad first attempt feels like a verdict. Make the first attempt deliberately small.',
    ['Why do I procrastinate on what matters?', 'How do I start something important?', 'How can I stop fearing a bad start?'],
  ],
  [
    'Do one thing slowly and completely on an empty Sunday, and notice that it was enough.',
    ['What should I do with an empty Sunday?', 'How do I spend a quiet day well?', 'Is doing one thing enough?'],
  ],
];

describe('model-generated prompt proposals (instruction backtranslation) against the emulator over HTTP', function () {
  this.timeout(60_000);
  let emu: EmulatorHandle;
  let client: OpenAI;
  let ftModel: string;
  let proseModel: string;
  const t = tempDir();

  /** Trains a model on the emulator from a dataset written by our own store and returns its name. */
  async function train(name: string, rows: { system: string; user: string; assistant: string }[]): Promise<string> {
    const store = await DatasetStore.create(t.dir, name);
    for (const row of rows) await store.add({ ...row, origin: 'import' });
    const file = await client.files.create({ file: createReadStream(store.file('train')), purpose: 'fine-tune' });
    let job = await client.fineTuning.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: file.id, suffix: name });
    for (let i = 0; i < 200 && !['succeeded', 'failed', 'cancelled'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = await client.fineTuning.jobs.retrieve(job.id);
    }
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    return job.fine_tuned_model as string;
  }

  before(async () => {
    emu = await startEmulator({ timeScale: 100_000, tokensPerSecond: 0 });
    client = new OpenAI({ apiKey: emu.key, baseURL: emu.url, maxRetries: 0 });
    // A "backtranslation model": each example is exactly the request proposeWithModel sends, answered with a JSON
    // array of questions. A "prose model": the same requests answered with journal prose, as a mentor model would.
    const requests = PASSAGES.map(([passage]) => backtranslationMessages({ passage }));
    ftModel = await train(
      'bt',
      requests.map(([system, user], i) => ({ system: system.content, user: user.content, assistant: JSON.stringify(PASSAGES[i][1]) })),
    );
    proseModel = await train(
      'prose',
      requests.map(([system, user], i) => ({ system: system.content, user: user.content, assistant: PASSAGES[(i + 1) % PASSAGES.length][0] })),
    );
  });

  after(async () => {
    await emu?.close();
    t.cleanup();
  });

  it('asks for 3 questions and returns them as proposals', async () => {
    const props = await proposeWithModel(client, { model: ftModel, passage: PASSAGES[6][0] });
    assert.deepEqual(
      props.map((p) => p.prompt),
      PASSAGES[6][1],
    );
    assert.ok(props.every((p) => p.source === 'model' && p.detail.includes(ftModel)));
    const req = emu.requests.filter((r) => r.path.endsWith('/chat/completions')).pop();
    assert.equal(req?.status, 200);
  });

  it('a model answering with prose (no question) yields no proposals rather than junk', async () => {
    const props = await proposeWithModel(client, { model: proseModel, passage: PASSAGES[0][0] });
    const reply = emu.requests.filter((r) => r.path.endsWith('/chat/completions')).pop();
    assert.equal(reply?.status, 200);
    assert.deepEqual(props, []);
  });

  it('a base model of the emulator proposes questions built from the passage (the demo shows the feature)', async () => {
    const props = await proposeWithModel(client, { model: 'gpt-4.1-mini-2025-04-14', passage: PASSAGES[0][0] });
    assert.equal(props.length, 3);
    const passageWords = new Set(PASSAGES[0][0].toLowerCase().match(/\p{L}{4,}/gu));
    for (const p of props) {
      assert.ok(p.prompt.endsWith('?'), p.prompt);
      assert.ok(
        (p.prompt.toLowerCase().match(/\p{L}{4,}/gu) ?? []).some((w) => passageWords.has(w)),
        `${p.prompt} names nothing from the passage`,
      );
    }
  });

  it('server errors reach the caller as SDK errors (the host falls back to typing)', async () => {
    const faulty = new OpenAI({ apiKey: emu.key, baseURL: emu.url, maxRetries: 0, defaultHeaders: { 'x-emulator-fault': '503' } });
    await assert.rejects(proposeWithModel(faulty, { model: ftModel, passage: PASSAGES[0][0] }), (e: unknown) => e instanceof APIError && e.status === 503);
  });

  it('can be cancelled (the picker closes before the model answers)', async () => {
    const slow = new OpenAI({ apiKey: emu.key, baseURL: emu.url, maxRetries: 0, defaultHeaders: { 'x-emulator-fault': 'stall' } });
    const ac = new AbortController();
    const p = proposeWithModel(slow, { model: ftModel, passage: PASSAGES[0][0], signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, (e: unknown) => e instanceof APIUserAbortError);
  });
});
