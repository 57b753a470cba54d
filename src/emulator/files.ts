import type OpenAI from 'openai';
import type { Emulator, RequestContext, Route } from './context';
import { route } from './context';
import { invalidRequest, notFound } from './errors';
import { readMultipart } from './multipart';
import { cursorPage, type CursorPageBody } from './pagination';
import { oneOf, queryInt } from './params';
import { nextSeq, type StoredFile } from './state';

const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

export function sizeLimitMessage(limit: number): string {
  const mb = limit / (1024 * 1024);
  return `File is too large. The maximum size of an uploaded file is ${mb >= 1 ? `${Math.round(mb)} MB` : `${limit} bytes`}.`;
}

/** Stores a file and returns its public object. Also used for job results and completed Uploads. */
export function addFile(
  emu: Emulator,
  filename: string,
  purpose: OpenAI.Files.FileObject['purpose'],
  content: Buffer,
  expiresAt?: number,
  createdMs = emu.clock.now(),
): OpenAI.Files.FileObject {
  const meta: OpenAI.Files.FileObject = {
    id: emu.state.ids.next('file-', 22),
    object: 'file',
    bytes: content.length,
    created_at: emu.clock.seconds(createdMs),
    filename,
    purpose,
    status: 'processed',
    ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
  };
  emu.state.files.set(meta.id, { seq: nextSeq(emu.state), meta, content });
  emu.changed();
  return meta;
}

export function getFile(emu: Emulator, id: string): StoredFile {
  const f = emu.state.files.get(id);
  if (!f) throw notFound(`No such File object: ${id}`, 'id');
  return f;
}

/** OpenAI only accepts .jsonl files for fine-tuning. */
export function checkPurposeFormat(purpose: string, filename: string): void {
  if (purpose === 'fine-tune' && !/\.jsonl$/i.test(filename)) {
    throw invalidRequest('Invalid file format for Fine-Tuning API. Must be .jsonl', 'file', 'invalid_file_format');
  }
}

export function parseExpiresAfter(emu: Emulator, anchor: string | undefined, seconds: string | undefined): number | undefined {
  if (anchor === undefined && seconds === undefined) return undefined;
  if (anchor !== 'created_at')
    throw invalidRequest(`Invalid value for 'expires_after.anchor': expected 'created_at'.`, 'expires_after.anchor', 'invalid_value');
  const s = Number(seconds);
  if (!Number.isInteger(s) || s < 3600 || s > 2_592_000) {
    throw invalidRequest(`Invalid 'expires_after.seconds': expected an integer between 3600 and 2592000.`, 'expires_after.seconds', 'invalid_value');
  }
  return emu.clock.seconds() + s;
}

async function create(ctx: RequestContext): Promise<OpenAI.Files.FileObject> {
  const { emu } = ctx;
  const body = await readMultipart(ctx.req, emu.config.maxUploadBytes, sizeLimitMessage);
  const purposeRaw = body.fields.get('purpose');
  if (purposeRaw === undefined) throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
  const purpose = oneOf('purpose', purposeRaw, PURPOSES);
  const file = body.files.find((f) => f.field === 'file');
  if (!file) throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  checkPurposeFormat(purpose, file.filename);
  const expiresAt = parseExpiresAfter(emu, body.fields.get('expires_after[anchor]'), body.fields.get('expires_after[seconds]'));
  // 'evals' is a valid upload purpose that the SDK's FileObject union does not list.
  return addFile(emu, file.filename, purpose as OpenAI.Files.FileObject['purpose'], file.content, expiresAt);
}

function list(ctx: RequestContext): CursorPageBody<OpenAI.Files.FileObject> {
  const { emu, query } = ctx;
  const limit = queryInt(query, 'limit', 10_000, 1, 10_000);
  const order = oneOf('order', query.get('order') ?? 'desc', ['asc', 'desc'] as const);
  const purpose = query.get('purpose');
  const items = [...emu.state.files.values()]
    .filter((f) => !purpose || f.meta.purpose === purpose)
    .sort((a, b) => (order === 'asc' ? 1 : -1) * (a.meta.created_at - b.meta.created_at || a.seq - b.seq))
    .map((f) => f.meta);
  return cursorPage(items, query.get('after'), limit);
}

function content(ctx: RequestContext): undefined {
  const f = getFile(ctx.emu, ctx.params[0]);
  ctx.res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': f.content.length,
    'content-disposition': `attachment; filename="${f.meta.filename.replace(/"/g, '')}"`,
  });
  ctx.res.end(f.content);
  return undefined;
}

function remove(ctx: RequestContext): OpenAI.Files.FileDeleted {
  const f = getFile(ctx.emu, ctx.params[0]);
  ctx.emu.state.files.delete(f.meta.id);
  ctx.emu.changed();
  return { id: f.meta.id, object: 'file', deleted: true };
}

export const fileRoutes: Route[] = [
  route('POST', '/files', create),
  route('GET', '/files', list),
  route('GET', '/files/:id', (ctx) => getFile(ctx.emu, ctx.params[0]).meta),
  route('GET', '/files/:id/content', content),
  route('DELETE', '/files/:id', remove),
];
