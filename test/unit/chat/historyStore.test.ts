import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HistoryStore } from '../../../src/core/chat/historyStore';
import { AssistantTurn, CompareTurn, Reply, UserTurn } from '../../../src/core/chat/types';

const setup = { model: 'ft:gpt-4.1-mini:me::abc', systemPrompt: 'You are my mentor.', promptSource: 'bound' as const, params: { temperature: 0.7 } };
const reply = (text: string, extra: Partial<Reply> = {}): Reply => ({ text, status: 'done', setup, startedAt: 1, endedAt: 2, ...extra });
const user = (id: string, text: string): UserTurn => ({ kind: 'user', id, text, at: 1 });
const asst = (id: string, text: string, extra: Partial<Reply> = {}): AssistantTurn => ({ kind: 'assistant', id, reply: reply(text, extra) });

describe('chat/HistoryStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'socratune-history-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('persists turns and reloads them in a fresh store (as after a window reload)', async () => {
    const s1 = new HistoryStore(dir);
    const c = await s1.create({ title: 'First', model: setup.model });
    await s1.putTurn(c.id, user('u1', 'What is virtue?'));
    await s1.putTurn(c.id, asst('a1', 'Virtue is…'), { model: setup.model });
    const s2 = new HistoryStore(dir);
    const loaded = await s2.load(c.id);
    assert.ok(loaded);
    assert.equal(loaded.title, 'First');
    assert.deepEqual(
      loaded.turns.map((t) => t.id),
      ['u1', 'a1'],
    );
    assert.equal((loaded.turns[1] as AssistantTurn).reply.text, 'Virtue is…');
    const list = await s2.list();
    assert.equal(list.length, 1);
    assert.equal(list[0].turnCount, 2);
    assert.equal(list[0].model, setup.model);
  });

  it('upserts a turn by id (streaming checkpoint, then the final reply, then feedback)', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create();
    await s.putTurn(c.id, user('u1', 'hi'));
    await s.putTurn(c.id, asst('a1', 'par', { status: 'streaming' }));
    await s.putTurn(c.id, asst('a1', 'partial reply', { status: 'done' }));
    await s.putTurn(c.id, asst('a1', 'partial reply', { status: 'done', feedback: 'up' }));
    const loaded = await new HistoryStore(dir).load(c.id);
    assert.equal(loaded?.turns.length, 2);
    const a = loaded?.turns[1] as AssistantTurn;
    assert.equal(a.reply.text, 'partial reply');
    assert.equal(a.reply.feedback, 'up');
  });

  it('truncates for edit-and-resubmit, and the truncation survives a reload', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create();
    for (let i = 0; i < 3; i++) {
      await s.putTurn(c.id, user(`u${i}`, `q${i}`));
      await s.putTurn(c.id, asst(`a${i}`, `r${i}`));
    }
    await s.truncate(c.id, 2);
    await s.putTurn(c.id, user('u1b', 'edited question'));
    const loaded = await new HistoryStore(dir).load(c.id);
    assert.deepEqual(
      loaded?.turns.map((t) => t.id),
      ['u0', 'a0', 'u1b'],
    );
  });

  it('renames (rejecting an empty title) and deletes', async () => {
    const s = new HistoryStore(dir);
    const a = await s.create({ title: 'A' });
    const b = await s.create({ title: 'B' });
    await s.rename(a.id, '  Stoic   mornings ');
    await assert.rejects(s.rename(a.id, '   '), /cannot be empty/);
    assert.equal((await new HistoryStore(dir).load(a.id))?.title, 'Stoic mornings');
    assert.equal(await s.delete(b.id), true);
    assert.equal(await s.delete(b.id), false);
    const s2 = new HistoryStore(dir);
    assert.deepEqual(
      (await s2.list()).map((x) => x.title),
      ['Stoic mornings'],
    );
    assert.equal(await s2.load(b.id), undefined);
  });

  it('exports markdown with prompts, replies, system prompt, status and compare picks', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create({ title: 'Export me' });
    await s.putTurn(c.id, user('u1', 'How should I begin the day?'));
    await s.putTurn(c.id, asst('a1', 'Begin by telling yourself…', { feedback: 'up' }));
    await s.putTurn(c.id, asst('a2', 'Half a rep', { status: 'stopped' }));
    const cmp: CompareTurn = {
      kind: 'compare',
      id: 'c1',
      prompt: 'On anger?',
      at: 3,
      a: reply('A says'),
      b: { ...reply('B says'), setup: { ...setup, model: 'gpt-4.1-mini' } },
      pick: 'b',
      pickedAt: 4,
    };
    await s.putTurn(c.id, cmp);
    const md = await s.exportMarkdown(c.id);
    assert.ok(md);
    assert.match(md, /^# Export me/);
    assert.match(md, /## You\n\nHow should I begin the day\?/);
    assert.match(md, /> \*\*System:\*\* You are my mentor\./);
    assert.match(md, /Begin by telling yourself…/);
    assert.match(md, /👍/);
    assert.match(md, /\*\*stopped\*\*/);
    assert.match(md, /### B ✔ picked/);
    assert.match(md, /`gpt-4\.1-mini`/);
  });

  it('keeps everything before a torn last line (crash mid-append) and keeps appending after it', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create();
    await s.putTurn(c.id, user('u1', 'kept'));
    const file = path.join(dir, 'conversations', `${c.id}.jsonl`);
    await fs.appendFile(file, '{"op":"turn","turn":{"kind":"user","id":"u2","te');
    const s2 = new HistoryStore(dir);
    const loaded = await s2.load(c.id);
    assert.deepEqual(
      loaded?.turns.map((t) => t.id),
      ['u1'],
    );
    assert.equal(s2.skippedLines, 1);
    await s2.putTurn(c.id, user('u3', 'after the tear'));
    const s3 = new HistoryStore(dir);
    assert.deepEqual(
      (await s3.load(c.id))?.turns.map((t) => t.id),
      ['u1', 'u3'],
    );
  });

  it('rebuilds a missing or corrupt index from the logs', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create({ title: 'Survivor' });
    await s.putTurn(c.id, user('u1', 'x'));
    await fs.writeFile(path.join(dir, 'index.json'), '{not json');
    const list = await new HistoryStore(dir).list();
    assert.equal(list.length, 1);
    assert.equal(list[0].title, 'Survivor');
    assert.equal(list[0].turnCount, 1);
    await fs.rm(path.join(dir, 'index.json'));
    assert.equal((await new HistoryStore(dir).list()).length, 1);
  });

  it('replays a log written after the index (a crash between the log append and the index write)', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create({ title: 'Crashed' });
    await s.putTurn(c.id, user('u1', 'x'));
    const file = path.join(dir, 'conversations', `${c.id}.jsonl`);
    await fs.appendFile(file, JSON.stringify({ op: 'turn', turn: user('u2', 'acknowledged, then the window died'), at: 5 }) + '\n');
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    const list = await new HistoryStore(dir).list();
    assert.equal(list[0].turnCount, 2);
  });

  it('replays a log appended after the index even when both carry the same file time (coarse kernel timestamps)', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create({ title: 'Same tick' });
    await s.putTurn(c.id, user('u1', 'x'));
    const file = path.join(dir, 'conversations', `${c.id}.jsonl`);
    const index = path.join(dir, 'index.json');
    const { mtime } = await fs.stat(index);
    await fs.appendFile(file, JSON.stringify({ op: 'turn', turn: user('u2', 'acknowledged within the same tick'), at: 5 }) + '\n');
    // The append lands in the same clock tick as the index write: same mtime, the log only bigger.
    await fs.utimes(file, mtime, mtime);
    await fs.utimes(index, mtime, mtime);
    const list = await new HistoryStore(dir).list();
    assert.equal(list[0].turnCount, 2);
    // The index written on the way now records the log as it is: read again, the count stays.
    await new HistoryStore(dir).list();
    assert.equal((await new HistoryStore(dir).list())[0].turnCount, 2);
  });

  it('skips a record whose turn does not have the shape of a turn (the schema of src/core/chat/schema.ts), keeping the rest', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create();
    await s.putTurn(c.id, user('u1', 'kept'));
    const file = path.join(dir, 'conversations', `${c.id}.jsonl`);
    const bad = [
      { op: 'turn', turn: { kind: 'assistant', id: 'a1', reply: { text: 42, status: 'done', setup, startedAt: 1 } } },
      { op: 'turn', turn: { kind: 'assistant', id: 'a2', reply: { text: 'no setup', status: 'done', startedAt: 1 } } },
      { op: 'turn', turn: { kind: 'user', id: 'u2', text: 'no time' } },
      { op: 'turn', turn: { kind: 'oracle', id: 'o1', text: 'unknown kind', at: 1 } },
    ];
    await fs.appendFile(file, bad.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await fs.appendFile(file, JSON.stringify({ op: 'turn', turn: asst('a3', 'kept too') }) + '\n');
    const s2 = new HistoryStore(dir);
    assert.deepEqual(
      (await s2.load(c.id))?.turns.map((t) => t.id),
      ['u1', 'a3'],
    );
    assert.equal(s2.skippedLines, bad.length);
  });

  it('refuses ids that could escape the folder', async () => {
    const s = new HistoryStore(dir);
    assert.equal(await s.load('../../etc/passwd'), undefined);
    assert.equal(await s.delete('../x'), false);
    await assert.rejects(s.putTurn('../x', user('u', 'x')), /does not exist/);
  });

  it('handles a 500-turn conversation: one append per turn, compaction bounds the log, reload is exact', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create({ title: 'Long' });
    const file = path.join(dir, 'conversations', `${c.id}.jsonl`);
    const sizes: number[] = [];
    for (let i = 0; i < 250; i++) {
      await s.putTurn(c.id, user(`u${i}`, `Question ${i}: ${'why '.repeat(20)}`));
      await s.putTurn(c.id, asst(`a${i}`, `Answer ${i}: ${'because '.repeat(60)}`, { status: 'streaming' }));
      await s.putTurn(c.id, asst(`a${i}`, `Answer ${i}: ${'because '.repeat(60)}`));
      if (i === 10 || i === 240) sizes.push((await fs.stat(file)).size);
    }
    // Growth per turn is the size of that turn, not of the conversation: the file stays proportional to the
    // live content (dead streaming checkpoints are compacted away).
    const live = (await s.load(c.id))?.turns ?? [];
    assert.equal(live.length, 500);
    const liveBytes = live.reduce((n, t) => n + JSON.stringify(t).length, 0);
    const finalSize = (await fs.stat(file)).size;
    assert.ok(finalSize < liveBytes * 2.5, `log ${finalSize} B vs live ${liveBytes} B`);
    assert.ok(sizes[1] > sizes[0]);
    const reloaded = await new HistoryStore(dir).load(c.id);
    assert.equal(reloaded?.turns.length, 500);
    assert.deepEqual(reloaded?.turns, live);
    assert.equal((await new HistoryStore(dir).list())[0].turnCount, 500);
  });

  it('serializes concurrent writes to one conversation (no lost or interleaved turns)', async () => {
    const s = new HistoryStore(dir);
    const c = await s.create();
    await Promise.all(Array.from({ length: 40 }, (_, i) => s.putTurn(c.id, user(`u${i}`, `m${i}`))));
    const loaded = await new HistoryStore(dir).load(c.id);
    assert.equal(loaded?.turns.length, 40);
    assert.deepEqual(new Set(loaded?.turns.map((t) => t.id)).size, 40);
  });
});
