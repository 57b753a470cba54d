import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../../src/emulator';
import { adapterFolder, readWeightsArchive } from '../../../src/core/local/archive';
import { assertResponse, operationPath, responseContentTypes } from '../support/togetherSchema';
import { journalExamples, jsonl } from './support/emulator';

/** `GET /finetune/download` of the Together flavor: statuses, content type and error bodies as Together's OpenAPI says. */
describe('emulator: Together /finetune/download (checked against together-openapi.yaml)', function () {
  this.timeout(30_000);
  let emu: EmulatorHandle;
  const auth = () => ({ authorization: `Bearer ${emu.key}` });

  before(async () => {
    emu = await startEmulator({ flavor: 'together', timeScale: 1, tokensPerSecond: 0 });
  });
  after(() => emu.close());

  async function createJob(trainingType: Record<string, unknown>): Promise<string> {
    const f = new FormData();
    f.set('purpose', 'fine-tune');
    f.set('file_name', 'train.jsonl');
    f.set('file_type', 'jsonl');
    f.set('file', new Blob([jsonl(journalExamples(12))]), 'train.jsonl');
    const up = (await (await fetch(`${emu.url}/files/upload`, { method: 'POST', headers: auth(), body: f })).json()) as { id: string };
    const body = { training_file: up.id, model: 'Qwen/Qwen3-8B', n_epochs: 2, n_checkpoints: 2, training_type: trainingType };
    const res = await fetch(`${emu.url}/fine-tunes`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { id: string }).id;
  }

  async function download(query: string): Promise<{ status: number; type: string; bytes: Buffer; disposition: string | null }> {
    const res = await fetch(`${emu.url}/finetune/download${query}`, { headers: auth() });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    assert.equal(operationPath('/finetune/download'), '/finetune/download');
    if (type.includes('json')) assertResponse('/finetune/download', 'GET', res.status, JSON.parse(bytes.toString('utf8')));
    return { status: res.status, type, bytes, disposition: res.headers.get('content-disposition') };
  }

  it('sends a completed LoRA job’s adapter as a .tar.zst with the documented content type; the archive unpacks', async () => {
    const id = await createJob({ type: 'Lora', lora_r: 16, lora_alpha: 32, lora_dropout: 0.05 });
    assert.equal((await download(`?ft_id=${id}&checkpoint=adapter`)).status, 400, 'not completed yet');
    emu.advance(10 * 60 * 60_000);
    const r = await download(`?ft_id=${id}&checkpoint=adapter`);
    assert.equal(r.status, 200);
    assert.deepEqual(responseContentTypes('/finetune/download', 'GET', 200), [r.type]);
    assert.equal(r.disposition, `attachment; filename="${id}-adapter.tar.zst"`);
    assert.deepEqual(r.bytes.subarray(0, 4), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd magic');
    const again = await download(`?ft_id=${id}&checkpoint=adapter`);
    assert.ok(again.bytes.equals(r.bytes), 'deterministic');

    const files = readWeightsArchive(r.bytes);
    assert.deepEqual(
      files.map((f) => f.path),
      ['adapter_config.json', 'adapter_model.safetensors'],
    );
    assert.equal(adapterFolder(files), '');
    const cfg = JSON.parse(files[0].data.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual([cfg.base_model_name_or_path, cfg.peft_type, cfg.r, cfg.lora_alpha, cfg.lora_dropout], ['Qwen/Qwen3-8B', 'LORA', 16, 32, 0.05]);
    const st = files[1].data;
    const len = Number(st.readBigUInt64LE(0));
    assert.equal(st.length, 8 + len);
    assert.equal((JSON.parse(st.subarray(8).toString('utf8')) as { __metadata__: { fine_tune: string } }).__metadata__.fine_tune, id);

    // The system's zstd + tar read it the same way (the stand-in is a real .tar.zst).
    const dir = mkdtempSync(join(tmpdir(), 'tz-'));
    try {
      const archive = join(dir, 'a.tar.zst');
      writeFileSync(archive, r.bytes);
      execFileSync('tar', ['--zstd', '-xf', archive, '-C', dir]);
      assert.ok(readFileSync(join(dir, 'adapter_config.json')).equals(files[0].data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const cps = (await (await fetch(`${emu.url}/fine-tunes/${id}/checkpoints`, { headers: auth() })).json()) as { data: { step: number }[] };
    const step = cps.data[cps.data.length - 1].step;
    const atStep = await download(`?ft_id=${id}&checkpoint_step=${step}`);
    assert.equal(atStep.status, 200);
    assert.equal(atStep.disposition, `attachment; filename="${id}-step-${step}-adapter.tar.zst"`);
    assert.equal((await download(`?ft_id=${id}&checkpoint_step=999999`)).status, 404);
  });

  it('refuses unknown jobs (404), missing or bad parameters, merged weights and full fine-tunes (400)', async () => {
    assert.equal((await download('?ft_id=ft-00000000-0000-0000-0000-000000000000&checkpoint=adapter')).status, 404);
    assert.equal((await download('?checkpoint=adapter')).status, 400);
    const id = await createJob({ type: 'Lora', lora_r: 8, lora_alpha: 16 });
    const full = await createJob({ type: 'Full' });
    emu.advance(10 * 60 * 60_000);
    assert.equal((await download(`?ft_id=${id}`)).status, 400, 'checkpoint or checkpoint_step is required');
    assert.equal((await download(`?ft_id=${id}&checkpoint=bogus`)).status, 400);
    assert.equal((await download(`?ft_id=${id}&checkpoint_step=x`)).status, 400);
    const merged = await download(`?ft_id=${id}&checkpoint=merged`);
    assert.equal(merged.status, 400);
    assert.match(merged.bytes.toString('utf8'), /adapters only/);
    assert.equal((await download(`?ft_id=${full}&checkpoint=adapter`)).status, 400);
  });
});
