import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBackend } from '../../../src/core/backends';
import { BackendError } from '../../../src/core/backends/openaiShape';
import { TogetherBackend } from '../../../src/core/backends/together';
import { createClient } from '../../../src/core/config/client';
import type { BackendProfile } from '../../../src/core/config/profile';
import { readWeightsArchive } from '../../../src/core/local/archive';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { journalExamples, jsonl } from '../emulator/support/emulator';

/** TogetherBackend.downloadWeights over real HTTP against the emulator's Together flavor: confirm → stream → rename; decline and cancel leave nothing. */
describe('Together backend: download weights (emulator --flavor together)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  let dir: string;
  let jobId = '';
  let backend: TogetherBackend;

  before(async () => {
    emu = await startEmulator({ flavor: 'together', timeScale: 1, tokensPerSecond: 0 });
    dir = await mkdtemp(path.join(tmpdir(), 'socratune-together-dl-'));
    const profile: BackendProfile = {
      provider: 'together',
      baseUrl: emu.url,
      azureEndpoint: '',
      azureApiVersion: '',
      defaultChatModel: '',
      defaultBaseModel: '',
    };
    const r = createClient(profile, emu.key, { maxRetries: 0 });
    if (!r.ok) throw new Error(r.message);
    const b = createBackend(profile, r.client, r.baseURL);
    assert.ok(b instanceof TogetherBackend);
    backend = b;
    const trainPath = path.join(dir, 'train.jsonl');
    await writeFile(trainPath, jsonl(journalExamples(12)));
    const up = await backend.upload({ path: trainPath, filename: 'train.jsonl' });
    const job = await backend.createJob({
      trainingFileId: up.id,
      baseModel: 'Qwen/Qwen3-8B',
      method: 'supervised',
      hyperparameters: { nEpochs: 1, loraRank: 8, loraAlpha: 16 },
    });
    jobId = job.id;
  });
  after(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an unfinished job with Together’s message, and writes nothing', async () => {
    const dest = path.join(dir, 'early.tar.zst');
    await assert.rejects(backend.downloadWeights({ jobId, dest }), (e: unknown) => e instanceof BackendError && /not completed/.test(e.info.message));
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.includes('early')),
      [],
    );
  });

  it('asks with the announced size, then streams to a temp file and renames it; declining or cancelling leaves nothing', async () => {
    emu.advance(10 * 60 * 60_000);
    const declined = path.join(dir, 'declined.tar.zst');
    let asked: number | undefined;
    const no = await backend.downloadWeights({ jobId, dest: declined, confirm: async (b) => ((asked = b), false) });
    assert.deepEqual(no, { status: 'declined' });
    assert.ok(asked && asked > 1024, `size announced: ${String(asked)}`);

    const ctl = new AbortController();
    const cancelled = path.join(dir, 'cancelled.tar.zst');
    await assert.rejects(backend.downloadWeights({ jobId, dest: cancelled, signal: ctl.signal, onProgress: () => ctl.abort() }));

    const dest = path.join(dir, 'adapter.tar.zst');
    const progress: number[] = [];
    const r = await backend.downloadWeights({ jobId, dest, confirm: async () => true, onProgress: (d, t) => (assert.equal(t, asked), progress.push(d)) });
    assert.equal(r.status, 'downloaded');
    if (r.status !== 'downloaded') return;
    assert.equal(r.bytes, asked);
    assert.equal(r.filename, `${jobId}-adapter.tar.zst`);
    assert.equal(progress.at(-1), asked);
    const files = readWeightsArchive(await readFile(dest));
    assert.ok(files.some((f) => f.path === 'adapter_config.json'));
    const names = await readdir(dir);
    assert.deepEqual(
      names.filter((n) => /declined|cancelled|\.tmp$/.test(n)),
      [],
      'no file under the declined or cancelled name, no temp left',
    );
  });
});
