import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DatasetRepository } from '../../../src/core/dataset/repository';
import { parseSettings } from '../../../src/core/dataset/settings';
import { DatasetError } from '../../../src/core/dataset/fsutil';
import { decodeToChatWebview } from '../../../src/shared/protocolToWebview';

const line = (system: string | undefined, user: string) =>
  JSON.stringify({
    messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }, { role: 'assistant', content: 'a' }],
  });

describe('dataset repository (one list for every capability)', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'socratune-repo-'));
    const custom = path.join(root, 'data', 'sets');
    await mkdir(path.join(custom, 'alpha'), { recursive: true });
    await writeFile(path.join(custom, 'alpha', 'train.jsonl'), line('From the examples.', 'q') + '\n');
    await mkdir(path.join(custom, 'beta'), { recursive: true });
    await writeFile(path.join(custom, 'beta', 'train.jsonl'), line(undefined, 'q') + '\n');
    await writeFile(path.join(custom, 'beta', 'dataset.json'), JSON.stringify({ name: 'Beta set', systemPrompt: 'From dataset.json.' }));
    await mkdir(path.join(custom, 'no-train'), { recursive: true });
    await writeFile(path.join(custom, 'no-train', 'dataset.json'), '{}');
    await mkdir(path.join(root, '.socratune', 'datasets', 'default'), { recursive: true });
    await writeFile(path.join(root, '.socratune', 'datasets', 'default', 'train.jsonl'), line(undefined, 'q') + '\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  const repo = (folderSetting?: string, active?: string) =>
    new DatasetRepository({ roots: () => [root], folderSetting: () => folderSetting, activeFolder: () => active });

  it('lists the datasets of the configured folder (not the default one), with name and system prompt', async () => {
    const all = await repo('data/sets').list();
    assert.deepEqual(
      all.map((d) => [d.name, d.systemPrompt, d.active]),
      [
        ['alpha', 'From the examples.', false],
        ['Beta set', 'From dataset.json.', false],
      ],
    );
  });

  it('defaults to .socratune/datasets and puts the active dataset first, wherever it is', async () => {
    const active = path.join(root, 'data', 'sets', 'beta');
    const all = await repo(undefined, active).list();
    assert.deepEqual(
      all.map((d) => [d.name, d.active]),
      [
        ['Beta set', true],
        ['default', false],
      ],
    );
  });

  it('reads dataset.json through one schema: wrong types are errors in words, unknown keys are kept', () => {
    assert.throws(
      () => parseSettings('{"systemPrompt": 3}', 'x'),
      (e: unknown) => e instanceof DatasetError && /"systemPrompt" must be a string/.test(e.message),
    );
    assert.throws(() => parseSettings('{"format": "html"}', 'x'), /"format" must be "markdown" or "plain"/);
    assert.throws(() => parseSettings('{"nearDuplicateThreshold": 2}', 'x'), /"nearDuplicateThreshold" must be a number in \(0, 1\]/);
    assert.throws(() => parseSettings('[1]', 'x'), /must hold a JSON object/);
    const s = parseSettings('{"custom": 1}', 'folder') as unknown as Record<string, unknown>;
    assert.equal(s.name, 'folder');
    assert.equal(s.format, 'markdown');
    assert.equal(s.custom, 1);
  });
});

describe('chat webview: messages from the host are checked before use', () => {
  it('accepts what the host sends and rejects malformed messages with the reason', () => {
    assert.equal(decodeToChatWebview({ type: 'chat/delta', requestId: 'r', conversationId: 'c', turnId: 't', offset: 0, text: 'hi' }).ok, true);
    assert.equal(decodeToChatWebview({ type: 'chat/turn', conversationId: 'c', turn: { kind: 'user', id: 'u', text: 'q', at: 1 } }).ok, true);
    assert.equal(decodeToChatWebview({ type: 'chat/notice', level: 'error', message: 'x' }).ok, true);
    const bad = decodeToChatWebview({ type: 'chat/delta', requestId: 'r', conversationId: 'c', turnId: 't', offset: -1, text: 'hi' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.message, /offset/);
    assert.equal(decodeToChatWebview({ type: 'chat/turn', conversationId: 'c', turn: { kind: 'system', id: 'u' } }).ok, false);
    assert.equal(decodeToChatWebview({ type: 'chat/unknown' }).ok, false);
    // A reply is checked whole (src/core/chat/schema.ts), not just for its id.
    const setup = { model: 'm', systemPrompt: '', promptSource: 'none', params: {} };
    const assistant = (reply: object) => decodeToChatWebview({ type: 'chat/turn', conversationId: 'c', turn: { kind: 'assistant', id: 'a', reply } });
    assert.equal(assistant({ text: 'ok', status: 'done', setup, startedAt: 1 }).ok, true);
    assert.equal(assistant({ text: 'no setup', status: 'done', startedAt: 1 }).ok, false);
    assert.equal(assistant({ text: 7, status: 'done', setup, startedAt: 1 }).ok, false);
    assert.equal(assistant({ text: 'odd status', status: 'maybe', setup, startedAt: 1 }).ok, false);
    assert.equal(decodeToChatWebview(null).ok, false);
  });
});
