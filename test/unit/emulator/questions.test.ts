import assert from 'node:assert/strict';
import { proposeWithModel } from '../../../src/core/dataset/backtranslate';
import type { EmulatorHandle } from '../../../src/emulator';
import { sdk, start } from './support/emulator';

const PASSAGE = 'Patience is hard for me. When the children are loud, my patience runs out and I snap. Patience with children takes practice.';

describe('emulator: question suggestions for a passage (base models)', () => {
  let emu: EmulatorHandle;
  before(async () => (emu = await start({ seed: 1 })));
  after(() => emu.close());

  it('answers Socratune’s backtranslation request with questions about the passage, the same each time', async () => {
    const client = sdk(emu);
    const qs = await proposeWithModel(client, { model: 'gpt-4o-mini', passage: PASSAGE, heading: 'Evening', n: 3 });
    assert.equal(qs.length, 3);
    for (const q of qs) {
      assert.match(q.prompt, /\?$/);
      assert.equal(q.source, 'model');
    }
    assert.ok(
      qs.some((q) => /patience/.test(q.prompt)),
      'the passage’s main word appears in a question',
    );
    assert.equal(new Set(qs.map((q) => q.prompt)).size, 3, 'three different questions');
    const again = await proposeWithModel(client, { model: 'gpt-4o-mini', passage: PASSAGE, n: 3 });
    assert.deepEqual(
      again.map((q) => q.prompt),
      qs.map((q) => q.prompt),
    );
  });

  it('an ordinary question still gets the generic base-model reply', async () => {
    const r = await sdk(emu).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How do I stay patient?' }] });
    assert.match(r.choices[0].message.content ?? '', /emulated/);
  });
});
