/**
 * `GET /finetune/download` of the emulator's Together flavor (Together's OpenAPI: `ft_id`, `checkpoint_step`,
 * `checkpoint` = merged | adapter | model_output_path; 200 `application/octet-stream`, 400 bad parameters, 404 unknown
 * fine-tune). For a completed LoRA job it sends a small deterministic stand-in of the `.tar.zst` Together sends: a tar
 * of `adapter_config.json` (PEFT keys: base model, rank, alpha, dropout) and an `adapter_model.safetensors` with a
 * valid header and no tensors, in a zstd frame of raw blocks. Merged weights are not emulated (400 says so).
 */
import type { RequestContext, Route } from './context';
import { route } from './context';
import { invalidRequest, notFound } from './errors';
import { materialize } from './lifecycle';
import { togetherBase } from './togetherCatalog';

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (s: string, at: number) => h.write(s, at, 'ascii');
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put(`${(1_721_692_800).toString(8).padStart(11, '0')}\0`, 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\0', 257);
  put('00', 263);
  const sum = h.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function tar(files: ReadonlyArray<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of files) parts.push(tarHeader(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A zstd frame (RFC 8878) of raw blocks: single segment, 4-byte content size, no checksum. */
function zstdRaw(data: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt32LE(0xfd2fb528, 0);
  head[4] = 0xa0; // Frame_Content_Size_flag 2 (4 bytes), Single_Segment_flag 1
  head.writeUInt32LE(data.length, 5);
  const parts: Buffer[] = [head];
  const max = 128 * 1024;
  for (let off = 0; off < data.length || off === 0; off += max) {
    const chunk = data.subarray(off, off + max);
    const last = off + max >= data.length ? 1 : 0;
    const bh = Buffer.alloc(3);
    bh.writeUIntLE((chunk.length << 3) | last, 0, 3); // Block_Type 0 = Raw
    parts.push(bh, chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

function safetensors(meta: Record<string, string>): Buffer {
  let header = JSON.stringify({ __metadata__: meta });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, Buffer.from(header, 'utf8')]);
}

interface LoraType {
  type?: string;
  lora_r?: number;
  lora_alpha?: number;
  lora_dropout?: number;
  lora_trainable_modules?: string;
}

function download(ctx: RequestContext): undefined {
  const id = ctx.query.get('ft_id');
  if (!id) throw invalidRequest('ft_id is required', 'ft_id', 'missing_required_parameter');
  const stepText = ctx.query.get('checkpoint_step');
  const checkpoint = ctx.query.get('checkpoint');
  if (stepText !== null && !/^\d+$/.test(stepText)) throw invalidRequest('checkpoint_step must be a whole number', 'checkpoint_step', 'invalid_value');
  if (stepText === null && checkpoint === null)
    throw invalidRequest(
      'checkpoint is required when checkpoint_step is not set (merged, adapter or model_output_path)',
      'checkpoint',
      'missing_required_parameter',
    );
  if (checkpoint !== null && !['merged', 'adapter', 'model_output_path'].includes(checkpoint))
    throw invalidRequest('checkpoint must be merged, adapter or model_output_path', 'checkpoint', 'invalid_value');
  const rec = ctx.emu.state.jobs.get(id);
  if (!rec || !id.startsWith('ft-')) throw notFound(`Fine-tune job ${id} not found`, 'ft_id', 'not_found');
  materialize(ctx.emu, rec);
  if (rec.job.status !== 'succeeded') throw invalidRequest(`Fine-tune job ${id} has not completed: nothing to download yet.`, 'ft_id', 'job_not_completed');
  const step = stepText === null ? undefined : Number(stepText);
  if (step !== undefined && !rec.checkpoints.some((c) => c.step_number === step))
    throw notFound(`Fine-tune job ${id} has no checkpoint at step ${step}`, 'checkpoint_step', 'not_found');
  const tt = ((rec.flavorData ?? {}) as { training_type?: LoraType }).training_type ?? {};
  if (tt.type !== 'Lora')
    throw invalidRequest(`Fine-tune job ${id} is a full fine-tune: the emulator has no weights stand-in for it.`, 'checkpoint', 'invalid_value');
  if (step === undefined && checkpoint !== 'adapter')
    throw invalidRequest(`The emulator sends LoRA adapters only: ask checkpoint=adapter, not ${String(checkpoint)}.`, 'checkpoint', 'invalid_value');
  const base = togetherBase(rec.job.model)?.id ?? rec.job.model;
  const config = {
    base_model_name_or_path: base,
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: tt.lora_r ?? 8,
    lora_alpha: tt.lora_alpha ?? 16,
    lora_dropout: tt.lora_dropout ?? 0,
    target_modules: tt.lora_trainable_modules ?? 'all-linear',
  };
  const body = zstdRaw(
    tar([
      ['adapter_config.json', Buffer.from(JSON.stringify(config, null, 2) + '\n')],
      ['adapter_model.safetensors', safetensors({ format: 'pt', fine_tune: id, step: String(step ?? 'final'), stand_in: 'socratune emulator' })],
    ]),
  );
  ctx.res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(body.length),
    'content-disposition': `attachment; filename="${id}${step !== undefined ? `-step-${step}` : ''}-adapter.tar.zst"`,
  });
  ctx.res.end(body);
  return undefined;
}

export const togetherDownloadRoutes: Route[] = [route('GET', '/finetune/download', download)];
