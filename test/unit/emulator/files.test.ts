import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import type { EmulatorHandle } from '../../../src/emulator';
import { assertSchema } from './support/schema';
import { all, journalExamples, jsonl, sdk, start } from './support/emulator';

describe('emulator: files, uploads and models through the openai SDK', () => {
  let emu: EmulatorHandle;
  let client: OpenAI;
  let dir: string;

  before(async () => {
    emu = await start({ maxUploadBytes: 4096, maxPartBytes: 1024 });
    client = sdk(emu);
    dir = mkdtempSync(join(tmpdir(), 'socratune-emu-files-'));
  });
  after(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a file from disk (fs.createReadStream), lists, retrieves, downloads and deletes it', async () => {
    const path = join(dir, 'train.jsonl');
    const text = jsonl(journalExamples(10));
    writeFileSync(path, text);
    const file: OpenAI.Files.FileObject = await client.files.create({ file: createReadStream(path), purpose: 'fine-tune' });
    assertSchema('OpenAIFile', file);
    assert.match(file.id, /^file-[A-Za-z0-9]{22}$/);
    assert.equal(file.filename, 'train.jsonl');
    assert.equal(file.bytes, Buffer.byteLength(text));
    assert.equal(file.purpose, 'fine-tune');
    assert.equal(file.status, 'processed');
    assert.deepEqual(await client.files.retrieve(file.id), file);
    assert.equal(await (await client.files.content(file.id)).text(), text);
    const processed = await client.files.waitForProcessing(file.id);
    assert.equal(processed.status, 'processed');
    const deleted: OpenAI.Files.FileDeleted = await client.files.delete(file.id);
    assertSchema('DeleteFileResponse', deleted);
    assert.deepEqual(deleted, { id: file.id, object: 'file', deleted: true });
    await assert.rejects(client.files.retrieve(file.id), (e: unknown) => e instanceof OpenAI.NotFoundError && e.param === 'id');
    await assert.rejects(client.files.content(file.id), OpenAI.NotFoundError);
  });

  it('lists files by purpose, in both orders, paginating with for-await', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await client.files.create({ file: await toFile(Buffer.from(`{"n":${i}}\n`), `p${i}.jsonl`), purpose: 'fine-tune' })).id);
    await client.files.create({ file: await toFile(Buffer.from('notes'), 'notes.txt'), purpose: 'assistants' });
    const desc = await all(client.files.list({ purpose: 'fine-tune', limit: 2 }));
    assert.deepEqual(
      desc.map((f) => f.id),
      [...ids].reverse(),
    );
    const asc = await all(client.files.list({ purpose: 'fine-tune', order: 'asc', limit: 3 }));
    assert.deepEqual(
      asc.map((f) => f.id),
      ids,
    );
    const page = await client.files.list({ purpose: 'fine-tune', limit: 2, order: 'asc' });
    assertSchema('ListFilesResponse', { object: 'list', data: page.data, first_id: page.data[0].id, last_id: page.data[1].id, has_more: page.has_more });
    assert.equal(page.has_more, true);
    assert.equal((await all(client.files.list({ purpose: 'assistants' }))).length, 1);
  });

  it('refuses non-JSONL fine-tune uploads, missing fields and oversize files, and keeps serving', async () => {
    await assert.rejects(client.files.create({ file: await toFile(Buffer.from('x'), 'train.csv'), purpose: 'fine-tune' }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.message, '400 Invalid file format for Fine-Tuning API. Must be .jsonl');
      assert.equal(e.code, 'invalid_file_format');
      return true;
    });
    await assert.rejects(
      client.files.create({ file: await toFile(Buffer.from('x'), 'a.jsonl'), purpose: 'homework' as 'fine-tune' }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'purpose' && e.code === 'invalid_value',
    );
    await assert.rejects(
      client.files.create({ purpose: 'fine-tune' } as unknown as OpenAI.Files.FileCreateParams),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'file' && e.code === 'missing_required_parameter',
    );
    // The 512 MB limit is configurable: this server takes 4 KB.
    await assert.rejects(client.files.create({ file: await toFile(Buffer.alloc(10_000, 'a'), 'big.jsonl'), purpose: 'fine-tune' }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 413);
      assert.equal(e.code, 'file_too_large');
      assert.equal(e.type, 'invalid_request_error');
      assert.match(e.message, /maximum size of an uploaded file is 4096 bytes/);
      return true;
    });
    const fine = await client.files.create({ file: await toFile(Buffer.alloc(4000, 'a'), 'ok.jsonl'), purpose: 'fine-tune' });
    assert.equal(fine.bytes, 4000);
  });

  it('assembles a file with the Uploads API (parts, md5) and checks the byte count', async () => {
    const data = Buffer.from(jsonl(journalExamples(10)));
    const upload = await client.uploads.create({ bytes: data.length, filename: 'big.jsonl', mime_type: 'text/jsonl', purpose: 'fine-tune' });
    assertSchema('Upload', upload);
    assert.equal(upload.status, 'pending');
    const parts: OpenAI.Uploads.UploadPart[] = [];
    for (let at = 0; at < data.length; at += 1000) {
      parts.push(await client.uploads.parts.create(upload.id, { data: await toFile(data.subarray(at, at + 1000), 'part') }));
    }
    parts.forEach((p) => assertSchema('UploadPart', p));
    await assert.rejects(
      client.uploads.parts.create(upload.id, { data: await toFile(Buffer.alloc(2000), 'part') }),
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 413,
    );
    await assert.rejects(client.uploads.complete(upload.id, { part_ids: parts.slice(1).map((p) => p.id) }), OpenAI.BadRequestError);
    const md5 = createHash('md5').update(data).digest('hex');
    const done = await client.uploads.complete(upload.id, { part_ids: parts.map((p) => p.id), md5 });
    assertSchema('Upload', done);
    assert.equal(done.status, 'completed');
    assert.ok(done.file);
    assert.equal(await (await client.files.content(done.file.id)).text(), data.toString());
    await assert.rejects(client.uploads.cancel(upload.id), OpenAI.BadRequestError);
  });

  it('serves base models with shutdown dates, and deletes only fine-tuned models', async () => {
    const list = await client.models.list();
    assertSchema('ListModelsResponse', { object: 'list', data: list.data });
    list.data.forEach((m) => assertSchema('Model', m));
    const ids = list.data.map((m) => m.id);
    for (const id of ['gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14', 'gpt-4o-mini-2024-07-18', 'gpt-3.5-turbo'])
      assert.ok(ids.includes(id), id);
    const mini = (await client.models.retrieve('gpt-4o-mini-2024-07-18')) as OpenAI.Models.Model & { shutdown_date: string | null };
    assert.equal(mini.shutdown_date, '2027-01-14');
    await assert.rejects(client.models.retrieve('gpt-5-imaginary'), (e: unknown) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found');
    await assert.rejects(client.models.delete('gpt-4o-mini'), (e: unknown) => e instanceof OpenAI.PermissionDeniedError);

    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl(journalExamples(10))), 't.jsonl'), purpose: 'fine-tune' });
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id });
    emu.advance(24 * 3600 * 1000);
    const model = (await client.fineTuning.jobs.retrieve(job.id)).fine_tuned_model ?? '';
    const got = await client.models.retrieve(model);
    assertSchema('Model', got);
    const removed: OpenAI.Models.ModelDeleted = await client.models.delete(model);
    assertSchema('DeleteModelResponse', removed);
    assert.deepEqual(removed, { id: model, object: 'model', deleted: true });
    await assert.rejects(client.models.retrieve(model), OpenAI.NotFoundError);
    await assert.rejects(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }), OpenAI.NotFoundError);
    assert.ok(!(await client.models.list()).data.some((m) => m.id === model));
  });
});
