import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, writeFileSync, appendFileSync, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DatasetStore } from '../../../src/core/dataset/store';
import { DatasetError } from '../../../src/core/dataset/fsutil';
import { scanJsonlText } from '../../../src/core/dataset/jsonl';
import { tempDir } from './helpers';

const ex = (i: number) => ({
  user: `What did I learn on day ${i}?`,
  assistant: `On day ${i} I learned something small and specific: item ${i}.`,
  origin: 'selection' as const,
});

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length);
}

describe('dataset store', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('creates the folder format: dataset.json, then train.jsonl with only OpenAI keys and a provenance sidecar', async () => {
    const store = await DatasetStore.create(t.dir, 'journal', { systemPrompt: 'You are my journal.' });
    const settings = JSON.parse(readFileSync(path.join(t.dir, 'journal', 'dataset.json'), 'utf8'));
    assert.equal(settings.name, 'journal');
    assert.equal(settings.format, 'markdown');
    assert.equal(settings.systemPrompt, 'You are my journal.');
    const a = await store.add({ ...ex(1), source: { file: 'notes/j.md', startLine: 3, endLine: 5, textHash: 'abc' } });
    const [line] = lines(store.file('train'));
    assert.deepEqual(JSON.parse(line), {
      messages: [
        { role: 'system', content: 'You are my journal.' },
        { role: 'user', content: ex(1).user },
        { role: 'assistant', content: ex(1).assistant },
      ],
    });
    const [prov] = lines(store.file('provenance')).map((l) => JSON.parse(l));
    assert.equal(prov.id, a.id);
    assert.equal(prov.origin, 'selection');
    assert.deepEqual(prov.source, { file: 'notes/j.md', startLine: 3, endLine: 5, textHash: 'abc' });
    assert.equal(prov.lineHint, 1);
    assert.match(prov.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(a.line, 1);
    const snap = await store.snapshot();
    assert.equal(snap.examples.length, 1);
    assert.equal(snap.examples[0].record?.id, a.id);
  });

  it('refuses a second dataset with the same name and invalid names, writing nothing', async () => {
    await DatasetStore.create(t.dir, 'one');
    await assert.rejects(DatasetStore.create(t.dir, 'one'), (e: unknown) => e instanceof DatasetError && e.code === 'conflict');
    await assert.rejects(DatasetStore.create(t.dir, '../escape'), (e: unknown) => e instanceof DatasetError && e.code === 'invalid');
    assert.deepEqual(readdirSync(t.dir), ['one']);
  });

  it('concurrent adds from many promises produce exactly N intact lines with distinct line hints', async () => {
    const store = await DatasetStore.create(t.dir, 'c');
    const N = 300;
    const added = await Promise.all(Array.from({ length: N }, (_, i) => store.add(ex(i))));
    const ls = lines(store.file('train'));
    assert.equal(ls.length, N);
    const users = new Set(ls.map((l) => JSON.parse(l).messages[0].content));
    assert.equal(users.size, N);
    assert.equal(new Set(added.map((a) => a.id)).size, N);
    assert.deepEqual(
      added.map((a) => a.line).sort((a, b) => (a ?? 0) - (b ?? 0)),
      Array.from({ length: N }, (_, i) => i + 1),
    );
    // Each promise's line really holds its example.
    for (const [i, a] of added.entries()) assert.equal(JSON.parse(ls[(a.line as number) - 1]).messages[0].content, ex(i).user);
    assert.equal(lines(store.file('provenance')).length, N);
    // Two store objects on the same folder share the queue.
    const other = await DatasetStore.open(store.dir);
    await Promise.all([...Array.from({ length: 50 }, (_, i) => store.add(ex(1000 + i))), ...Array.from({ length: 50 }, (_, i) => other.add(ex(2000 + i)))]);
    const scan = scanJsonlText(readFileSync(store.file('train'), 'utf8'));
    assert.equal(scan.lines.filter((l) => !l.blank).length, N + 100);
    assert.ok(scan.lines.every((l) => !l.problem));
  });

  it('tells its own appends from hand edits (one stat), even a same-size edit', async () => {
    const store = await DatasetStore.create(t.dir, 'watch');
    await store.add(ex(1));
    await store.add(ex(2));
    assert.equal(await store.changedOnDisk(), false, 'own appends are not changes');
    const text = readFileSync(store.file('train'), 'utf8');
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(store.file('train'), text.replace('day 1?', 'day 9?'));
    assert.equal(readFileSync(store.file('train'), 'utf8').length, text.length);
    assert.equal(await store.changedOnDisk(), true, 'a same-size hand edit is a change');
    await store.snapshot();
    assert.equal(await store.changedOnDisk(), false, 'a full read catches up');
  });

  it('addMany writes a batch in one append', async () => {
    const store = await DatasetStore.create(t.dir, 'b');
    const added = await store.addMany([ex(1), ex(2), ex(3)]);
    assert.deepEqual(
      added.map((a) => a.line),
      [1, 2, 3],
    );
    assert.equal(lines(store.file('train')).length, 3);
  });

  it('reports a torn trailing line with its line number, keeps it, and starts the next example on its own line', async () => {
    const store = await DatasetStore.create(t.dir, 'torn');
    await store.add(ex(1));
    await store.add(ex(2));
    const torn = '{"messages":[{"role":"user","content":"half writ';
    appendFileSync(store.file('train'), torn);
    const reopened = await DatasetStore.open(store.dir);
    const snap = await reopened.snapshot();
    assert.equal(snap.examples.length, 2);
    assert.equal(snap.issues.length, 1);
    assert.equal(snap.issues[0].problem, 'torn');
    assert.equal(snap.issues[0].line, 3);
    assert.match(snap.issues[0].message, /line 3 is an incomplete last line/);
    const a = await reopened.add(ex(3));
    const text = readFileSync(store.file('train'), 'utf8');
    assert.ok(text.includes(`${torn}\n`), 'the torn bytes are kept, followed by a newline');
    assert.equal(a.line, 4, 'the torn line keeps its own line number');
    // A store that had not seen the hand edit (nor the other store's add) counts again under the lock.
    const stale = await store.add(ex(4));
    assert.equal(stale.line, 5);
    await reopened.remove([stale.id]);
    const snap2 = await reopened.snapshot();
    assert.equal(snap2.examples.length, 3);
    assert.deepEqual(
      snap2.issues.map((i) => [i.line, i.problem]),
      [[3, 'invalid-json']],
    );
    assert.equal(snap2.examples[2].line, 4);
    // Opt-in repair: move it to quarantine.jsonl (raw text kept), nothing lost.
    assert.equal(await reopened.quarantine('train', [3]), 1);
    const q = lines(reopened.file('quarantine')).map((l) => JSON.parse(l));
    assert.equal(q[0].raw, torn);
    assert.equal(q[0].line, 3);
    const snap3 = await reopened.snapshot();
    assert.equal(snap3.issues.length, 0);
    assert.equal(snap3.examples.length, 3);
  });

  it('reports corrupt and non-UTF-8 lines with line numbers and never drops them on rewrites', async () => {
    const store = await DatasetStore.create(t.dir, 'bad');
    const a = await store.add(ex(1));
    appendFileSync(store.file('train'), 'not json at all\n');
    appendFileSync(store.file('train'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));
    await store.add(ex(2));
    const snap = await store.snapshot();
    assert.deepEqual(
      snap.issues.map((i) => [i.line, i.problem]),
      [
        [2, 'invalid-json'],
        [3, 'not-utf8'],
      ],
    );
    assert.deepEqual(await store.quickCounts(), { train: 4, validation: 0 });
    const before = readFileSync(store.file('train'));
    const r = await store.remove([a.id]);
    assert.deepEqual(
      r.removed.map((x) => x.line),
      [1],
    );
    const after = readFileSync(store.file('train'));
    // The corrupt lines survive byte for byte.
    assert.ok(after.includes(Buffer.from('not json at all\n')));
    assert.ok(after.includes(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])));
    const removedLine =
      JSON.stringify({
        messages: [
          { role: 'user', content: ex(1).user },
          { role: 'assistant', content: ex(1).assistant },
        ],
      }) + '\n';
    assert.deepEqual(after, before.subarray(Buffer.byteLength(removedLine)));
    // Splitting refuses while corrupt lines exist.
    await assert.rejects(
      store.writeSplit(() => 'train'),
      (e: unknown) => e instanceof DatasetError && e.code === 'corrupt' && /line 1 is not valid JSON/.test(e.message),
    );
  });

  it('undo after hand edits elsewhere removes exactly that example', async () => {
    const store = await DatasetStore.create(t.dir, 'undo');
    const [a, b, c] = [await store.add(ex(1)), await store.add(ex(2)), await store.add(ex(3))];
    const file = store.file('train');
    const [la, lb, lc] = lines(file);
    // Hand edits: a new example typed at the top, A re-serialized with another key order and spacing,
    // C's prompt rewritten, a blank line added.
    const aValue = JSON.parse(la);
    const aReordered = `{ "messages": [ ${aValue.messages.map((m: { role: string; content: string }) => `{"content": ${JSON.stringify(m.content)}, "role": "${m.role}"}`).join(', ')} ] }`;
    const cValue = JSON.parse(lc);
    cValue.messages[0].content = 'A prompt I rewrote by hand?';
    const handTop = JSON.stringify({
      messages: [
        { role: 'user', content: 'typed by hand' },
        { role: 'assistant', content: 'by hand' },
      ],
    });
    writeFileSync(file, `${handTop}\n${aReordered}\n\n${lb}\n${JSON.stringify(cValue)}\n`);
    const r1 = await store.remove([b.id]);
    assert.deepEqual(r1, { removed: [{ id: b.id, split: 'train', line: 4 }], notFound: [] });
    assert.equal(readFileSync(file, 'utf8'), `${handTop}\n${aReordered}\n\n${JSON.stringify(cValue)}\n`);
    // A (re-serialized) is still found by its canonical content hash; C by its unchanged passage.
    const r2 = await store.remove([a.id, c.id]);
    assert.deepEqual(r2.notFound, []);
    assert.equal(readFileSync(file, 'utf8'), `${handTop}\n\n`);
    // Undo twice does nothing more.
    const r3 = await store.remove([a.id]);
    assert.deepEqual(r3, { removed: [], notFound: [a.id] });
  });

  it('undo of one of two identical examples removes only one (the one nearest its line)', async () => {
    const store = await DatasetStore.create(t.dir, 'dup');
    await store.add(ex(1));
    const second = await store.add(ex(1));
    await store.remove([second.id]);
    assert.equal(lines(store.file('train')).length, 1);
    const snap = await store.snapshot();
    assert.equal(snap.examples[0].record?.id !== second.id, true);
  });

  it('setting the system prompt rewrites examples and keeps provenance joined', async () => {
    const store = await DatasetStore.create(t.dir, 'sys');
    const a = await store.add(ex(1));
    await store.add({ ...ex(2), system: 'A custom one' });
    const r = await store.setSystemPrompt('Answer as me, from my journal.');
    assert.deepEqual(r, { updated: 1, keptCustom: 1 });
    const [l1, l2] = lines(store.file('train')).map((l) => JSON.parse(l));
    assert.deepEqual(l1.messages[0], { role: 'system', content: 'Answer as me, from my journal.' });
    assert.deepEqual(l2.messages[0], { role: 'system', content: 'A custom one' });
    assert.equal(JSON.parse(readFileSync(store.file('settings'), 'utf8')).systemPrompt, 'Answer as me, from my journal.');
    const snap = await store.snapshot();
    assert.equal(snap.examples[0].record?.id, a.id);
    const none = await store.setSystemPrompt(undefined);
    assert.equal(none.updated, 1);
    assert.equal(JSON.parse(lines(store.file('train'))[0]).messages[0].role, 'user');
    assert.equal('systemPrompt' in JSON.parse(readFileSync(store.file('settings'), 'utf8')), false);
  });

  it('writes a split to validation.jsonl and undo still finds examples there', async () => {
    const store = await DatasetStore.create(t.dir, 'split');
    const added = [];
    for (let i = 0; i < 6; i++) added.push(await store.add(ex(i)));
    const res = await store.writeSplit((e) => (e.line % 3 === 0 ? 'validation' : 'train'));
    assert.deepEqual(res, { train: 4, validation: 2 });
    assert.equal(lines(store.file('validation')).length, 2);
    const r = await store.remove([added[2].id]);
    assert.deepEqual(
      r.removed.map((x) => x.split),
      ['validation'],
    );
    assert.equal(lines(store.file('validation')).length, 1);
  });

  it('rejects bad input before writing: empty prompt, empty passage, oversized passage', async () => {
    const store = await DatasetStore.create(t.dir, 'input');
    await assert.rejects(store.add({ user: '  ', assistant: 'x', origin: 'selection' }), /user prompt is empty/);
    await assert.rejects(store.add({ user: 'Q?', assistant: '\n', origin: 'selection' }), /passage .* is empty/);
    await assert.rejects(
      store.add({ user: 'Q?', assistant: 'x'.repeat(10 * 1024 * 1024), origin: 'selection' }),
      (e: unknown) => e instanceof DatasetError && e.code === 'too-large',
    );
    assert.equal(existsSync(store.file('train')), false);
  });

  it('a read-only dataset folder gives a clear error and nothing is written', async () => {
    const store = await DatasetStore.create(t.dir, 'ro');
    await store.add(ex(1));
    const before = readFileSync(store.file('train'));
    const beforeProv = readFileSync(store.file('provenance'));
    const isRoot = process.getuid?.() === 0;
    // Root ignores permission bits, so as root the add runs as an unprivileged user (uid 65534).
    chmodSync(store.dir, 0o555);
    chmodSync(store.file('train'), 0o444);
    chmodSync(store.file('provenance'), 0o444);
    try {
      let result: { ok: boolean; code?: string; message?: string };
      if (isRoot) {
        chownSync(t.dir, 0, 0);
        chmodSync(t.dir, 0o755);
        const child = path.join(__dirname, 'fixtures', 'add-once.ts');
        const r = spawnSync(process.execPath, ['--import', 'tsx', child, store.dir], {
          uid: 65534,
          gid: 65534,
          encoding: 'utf8',
          cwd: path.join(__dirname, '..', '..', '..'),
          env: { ...process.env, TSX_TSCONFIG_PATH: undefined, HOME: '/tmp' },
        });
        assert.equal(r.status, 0, r.stderr);
        result = JSON.parse(r.stdout);
      } else {
        try {
          await store.add(ex(2));
          result = { ok: true };
        } catch (err) {
          result = { ok: false, code: (err as DatasetError).code, message: (err as Error).message };
        }
      }
      assert.equal(result.ok, false);
      assert.equal(result.code, 'read-only');
      assert.match(result.message ?? '', /no write permission .*Nothing was written/);
      assert.deepEqual(readFileSync(store.file('train')), before);
      assert.deepEqual(readFileSync(store.file('provenance')), beforeProv);
    } finally {
      chmodSync(store.dir, 0o755);
    }
  });

  it('open retires provenance records whose example a killed process never wrote, and removes dead temp files', async () => {
    const store = await DatasetStore.create(t.dir, 'orphans');
    const kept = await store.add(ex(1));
    // What a process killed between its provenance write and its example write leaves behind.
    const orphan = { op: 'add', id: 'ex_orphan00001', hash: 'h'.repeat(64), passageHash: 'p'.repeat(64), origin: 'selection', createdAt: 'x', lineHint: 2 };
    appendFileSync(store.file('provenance'), `${JSON.stringify(orphan)}\n`);
    writeFileSync(path.join(store.dir, '.train.jsonl.999999999.abc123.tmp'), 'half a rewrite');
    const reopened = await DatasetStore.open(store.dir);
    assert.deepEqual(reopened.repaired, ['ex_orphan00001']);
    assert.ok(!existsSync(path.join(store.dir, '.train.jsonl.999999999.abc123.tmp')), 'the dead writer’s temp file is gone');
    const { records } = await reopened.readProvenance();
    assert.deepEqual([...records.keys()], [kept.id]);
    assert.deepEqual((await DatasetStore.open(store.dir)).repaired, [], 'repaired once');
    const next = await reopened.add(ex(2));
    assert.equal(next.line, 2);
    const snap = await reopened.snapshot();
    assert.deepEqual(
      snap.examples.map((e) => e.record?.id),
      [kept.id, next.id],
    );
  });
});
