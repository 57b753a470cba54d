import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { all, journalExamples, jsonl, sdk, start, uploadText } from './support/emulator';

describe('emulator: state directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'socratune-emu-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a restart: files, jobs with events and checkpoints, models and id counters', async () => {
    const first = await start({ stateDir: dir, timeScale: 1 });
    const c1 = sdk(first);
    const file = await uploadText(c1, jsonl(journalExamples(10)));
    const finished = await c1.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'kept' });
    first.advance(24 * 3600 * 1000);
    const done = await c1.fineTuning.jobs.retrieve(finished.id);
    assert.equal(done.status, 'succeeded');
    const running = await c1.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    first.advance(60_000);
    assert.equal((await c1.fineTuning.jobs.retrieve(running.id)).status, 'running');
    const eventsBefore = await all(c1.fineTuning.jobs.listEvents(finished.id));
    await first.close();
    assert.ok(existsSync(join(dir, 'state.json')));
    assert.ok(existsSync(join(dir, 'files', file.id)));

    const second = await start({ stateDir: dir, timeScale: 1 });
    try {
      const c2 = sdk(second);
      assert.equal(await (await c2.files.content(file.id)).text(), readFileSync(join(dir, 'files', file.id), 'utf8'));
      assert.deepEqual(await c2.fineTuning.jobs.retrieve(finished.id), done);
      assert.deepEqual(await all(c2.fineTuning.jobs.listEvents(finished.id)), eventsBefore);
      assert.equal((await all(c2.fineTuning.jobs.checkpoints.list(finished.id))).length, 3);
      const reply = await c2.chat.completions.create({ model: done.fine_tuned_model ?? '', messages: [{ role: 'user', content: 'What about anger?' }] });
      assert.match(reply.choices[0].message.content ?? '', /anger/);
      // The running job carries on from where it was (emulator time is restored, then moves on).
      second.advance(24 * 3600 * 1000);
      assert.equal((await c2.fineTuning.jobs.retrieve(running.id)).status, 'succeeded');
      const again = await uploadText(c2, 'x\n', 'more.jsonl');
      assert.notEqual(again.id, file.id);
      const ids = (await all(c2.files.list())).map((f) => f.id);
      assert.equal(new Set(ids).size, ids.length, 'no id is reused after a restart');
      await c2.files.delete(again.id);
    } finally {
      await second.close();
    }
    assert.ok(!existsSync(join(dir, 'files', 'more.jsonl')));
  });

  it('refuses a corrupt state file with a clear message', async () => {
    const e = await start({ stateDir: dir });
    await e.close();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'state.json'), '{ not json');
    await assert.rejects(start({ stateDir: dir }), /Cannot read emulator state .*state\.json/);
  });
});
