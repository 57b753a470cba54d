import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type OpenAI from 'openai';
import type { EmulatorHandle } from '../../../src/emulator';
import { sdkComplete } from '../../../src/core/eval/complete';
import { runEval, type Complete, type EvalProgress } from '../../../src/core/eval/runner';
import type { EvalPlan } from '../../../src/core/eval/schema';
import { FILES, evalDir, readPlan, readResults, writePlan } from '../../../src/core/eval/store';
import { SYSTEM, finish, journalExamples, jsonl, sdk, start, uploadText } from '../emulator/support/emulator';

async function tunedModel(client: OpenAI, emu: EmulatorHandle): Promise<string> {
  const file = await uploadText(client, jsonl(journalExamples(12)));
  const job = await client.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id });
  return (await finish(emu, client, job.id)).fine_tuned_model ?? '';
}

function planFor(tuned: string): EvalPlan {
  return {
    version: 1,
    name: 'runner',
    createdAt: '2026-12-02T00:00:00.000Z',
    seed: 3,
    samples: 2,
    questions: [
      { id: 'q1', text: 'What does the journal say about anger?' },
      { id: 'q2', text: 'How do I get out of bed in the morning?' },
    ],
    contestants: [
      {
        id: 'tuned',
        label: 'Tuned',
        model: tuned,
        backend: 'emulator',
        system: { kind: 'bound', text: SYSTEM },
        temperature: 1,
        price: { inputPer1M: 0.2, outputPer1M: 0.8 },
      },
      { id: 'base', label: 'Base', model: 'gpt-4o-mini', backend: 'emulator', system: { kind: 'none' }, temperature: 1 },
    ],
  };
}

const chatRequests = (emu: EmulatorHandle) => emu.requests.filter((r) => r.path.includes('/chat/completions')).length;

describe('eval: runner over the openai SDK against the emulator', () => {
  let emu: EmulatorHandle;
  let client: OpenAI;
  let tuned: string;
  let root: string;

  before(async () => {
    emu = await start();
    client = sdk(emu);
    tuned = await tunedModel(client, emu);
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'socratune-eval-'));
  });
  after(async () => {
    await emu.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  /** The SDK-backed complete, counting requests in flight. */
  function counting(c: OpenAI) {
    const inner = sdkComplete(() => c);
    const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
    const complete: Complete = async (req, signal) => {
      stats.calls++;
      stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
      try {
        return await inner(req, signal);
      } finally {
        stats.inFlight--;
      }
    };
    return { complete, stats };
  }

  it('runs questions × contestants × samples within the concurrency limit, one durable line per sample', async () => {
    const dir = evalDir(root, 'full');
    const plan = planFor(tuned);
    assert.equal(await writePlan(dir, plan), 'created');
    assert.equal(await writePlan(dir, plan), 'existing');
    const { complete, stats } = counting(client);
    const before = chatRequests(emu);
    const seen: EvalProgress[] = [];
    const out = await runEval(dir, plan, { complete, concurrency: 2, onProgress: (p) => seen.push(p) });
    assert.equal(out.cancelled, false);
    assert.equal(chatRequests(emu) - before, 8);
    assert.equal(stats.maxInFlight, 2);
    const { items, invalid } = await readResults(dir);
    assert.deepEqual(invalid, []);
    assert.equal(items.length, 8);
    assert.deepEqual(new Set(items.map((r) => `${r.question}/${r.contestant}/${r.sample}`)).size, 8);
    const tunedReply = items.find((r) => r.contestant === 'tuned' && r.question === 'q2')?.text ?? '';
    assert.ok(
      journalExamples(12).some((e) => e.messages[2].content === tunedReply),
      'the tuned model answers from its training data',
    );
    assert.match(items.find((r) => r.contestant === 'base')?.text ?? '', /emulated/);
    assert.deepEqual(
      seen.map((p) => p.done),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(out.progress.etaMs, 0);
    assert.ok(out.progress.tokens.prompt > 0 && out.progress.tokens.completion > 0);
    // Spend: only the tuned contestant has a price, so the total is marked incomplete
    const tunedUsage =
      items.filter((r) => r.contestant === 'tuned').reduce((s, r) => s + (r.usage?.prompt ?? 0) * 0.2 + (r.usage?.completion ?? 0) * 0.8, 0) / 1e6;
    assert.ok(Math.abs(out.progress.spendUsd - tunedUsage) < 1e-12);
    assert.equal(out.progress.spendComplete, false);
    assert.deepEqual(await readPlan(dir), plan);
  });

  it('is cancellable and resumes where it stopped, without repeating a finished sample', async () => {
    const dir = evalDir(root, 'resume');
    const plan = planFor(tuned);
    await writePlan(dir, plan);
    const stop = new AbortController();
    const first = counting(client);
    const a = await runEval(dir, plan, {
      complete: first.complete,
      concurrency: 1,
      signal: stop.signal,
      onProgress: (p) => p.doneThisRun === 3 && stop.abort(),
    });
    assert.equal(a.cancelled, true);
    assert.equal((await readResults(dir)).items.length, 3);
    const second = counting(client);
    const b = await runEval(dir, plan, { complete: second.complete, concurrency: 1 });
    assert.equal(second.stats.calls, 5, 'only what was left');
    assert.equal(b.progress.done, 8);
    assert.equal(b.progress.doneThisRun, 5);
    const { items } = await readResults(dir);
    assert.equal(new Set(items.map((r) => `${r.question}/${r.contestant}/${r.sample}`)).size, 8);
    assert.equal(items.length, 8);
  });

  it('retries 429 after the retry-after the server sent, then succeeds', async () => {
    const limited = await start({ faults: '429;retry-after-ms=40;times=2;path=/chat' });
    try {
      const c = sdk(limited);
      const model = await tunedModel(c, limited);
      const plan = { ...planFor(model), samples: 1, questions: [{ id: 'q1', text: 'What about change?' }] };
      const dir = evalDir(root, 'limited');
      await writePlan(dir, plan);
      const waits: number[] = [];
      const out = await runEval(dir, plan, {
        complete: sdkComplete(() => c),
        concurrency: 1,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      assert.deepEqual(waits, [40, 40]);
      assert.equal(out.progress.retries, 2);
      assert.equal(out.progress.failed, 0);
      assert.equal((await readResults(dir)).items.length, 2);
      assert.deepEqual(
        limited.requests.filter((r) => r.path.includes('/chat/completions')).map((r) => r.status),
        [429, 429, 200, 200],
      );
    } finally {
      await limited.close();
    }
  });

  it('gives up on an error that is not retryable, writes nothing for it, and a later run tries again', async () => {
    const plan = { ...planFor('ft:gpt-4.1-nano:emulator:gone:xxxxxxxx'), samples: 1, questions: [{ id: 'q1', text: 'Hello?' }] };
    const dir = evalDir(root, 'missing-model');
    await writePlan(dir, plan);
    const errors: unknown[] = [];
    const out = await runEval(dir, plan, { complete: sdkComplete(() => client), onError: (_t, e) => errors.push(e) });
    assert.equal(out.progress.failed, 1);
    assert.equal((errors[0] as { status?: number }).status, 404);
    assert.equal((await readResults(dir)).items.length, 1, 'the base model answered; the unknown model did not');
    let calls = 0;
    const again = await runEval(dir, plan, {
      complete: (req, signal) => {
        calls++;
        return sdkComplete(() => client)(req, signal);
      },
    });
    assert.equal(calls, 1, 'only the failed sample is asked again');
    assert.equal(again.progress.failed, 1);
  });

  it('cuts off a torn last line before appending, and keeps a complete one', async () => {
    const dir = evalDir(root, 'torn');
    const plan = planFor(tuned);
    await writePlan(dir, plan);
    const file = path.join(dir, FILES.results);
    const good = { question: 'q1', contestant: 'base', sample: 0, text: 'kept', seed: 1, ms: 1, at: '2026-12-02T00:00:00.000Z' };
    await fs.writeFile(file, `${JSON.stringify(good)}\n{"question":"q1","contestant":"tun`);
    assert.deepEqual((await readResults(dir)).invalid, [], 'a torn last line is not an error');
    await runEval(dir, plan, { complete: sdkComplete(() => client) });
    const after = await readResults(dir);
    assert.deepEqual(after.invalid, []);
    assert.equal(after.items.length, 8);
    assert.equal(after.items.find((r) => r.question === 'q1' && r.contestant === 'base' && r.sample === 0)?.text, 'kept');
    // A complete last line without its newline is kept
    await fs.writeFile(file, JSON.stringify(good));
    await runEval(dir, plan, { complete: sdkComplete(() => client) });
    assert.equal((await readResults(dir)).items.length, 8);
  });

  it('refuses a different plan under the same name and explains an invalid plan file', async () => {
    const dir = evalDir(root, 'full');
    await assert.rejects(writePlan(dir, { ...planFor(tuned), samples: 3 }), /different plan already exists/);
    const bad = evalDir(root, 'bad');
    await fs.mkdir(bad, { recursive: true });
    await fs.writeFile(path.join(bad, FILES.plan), JSON.stringify({ ...planFor(tuned), contestants: [planFor(tuned).contestants[0]] }));
    await assert.rejects(readPlan(bad), /plan\.json: contestants: an evaluation needs 2–4 contestants/);
    assert.throws(() => evalDir(root, '../escape'), /not a valid evaluation name/);
  });
});
