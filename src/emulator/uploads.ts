import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import type { RequestContext, Route } from './context';
import { route } from './context';
import { invalidRequest, notFound } from './errors';
import { addFile, checkPurposeFormat, parseExpiresAfter, sizeLimitMessage } from './files';
import { readJsonObject } from './http';
import { readMultipart } from './multipart';
import { oneOf, optObject, optString, requireString } from './params';
import { nextSeq, type UploadRecord } from './state';

/** The Uploads API: large files in ≤64 MB parts, assembled on `complete` (≤8 GB in total, expires after an hour). */
const MAX_UPLOAD_TOTAL = 8 * 1024 ** 3;
const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

function getUpload(ctx: RequestContext): UploadRecord {
  const u = ctx.emu.state.uploads.get(ctx.params[0]);
  if (!u) throw notFound(`No such Upload object: ${ctx.params[0]}`, 'upload_id');
  if (u.upload.status === 'pending' && ctx.emu.clock.seconds() > u.upload.expires_at) u.upload.status = 'expired';
  return u;
}

function requirePending(u: UploadRecord): void {
  if (u.upload.status !== 'pending') throw invalidRequest(`Upload ${u.upload.id} is ${u.upload.status}; it must be pending.`, null, 'upload_not_pending');
}

async function create(ctx: RequestContext): Promise<OpenAI.Uploads.Upload> {
  const body = await readJsonObject(ctx.req, ctx.emu.config.maxJsonBytes);
  const filename = requireString(body, 'filename');
  const purpose = oneOf('purpose', requireString(body, 'purpose'), PURPOSES);
  requireString(body, 'mime_type');
  const bytes = body.bytes;
  if (bytes === undefined) throw invalidRequest("Missing required parameter: 'bytes'.", 'bytes', 'missing_required_parameter');
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0)
    throw invalidRequest("Invalid 'bytes': expected a non-negative integer.", 'bytes', 'invalid_type');
  if (bytes > MAX_UPLOAD_TOTAL) throw invalidRequest(`Invalid 'bytes': an Upload can hold at most ${MAX_UPLOAD_TOTAL} bytes.`, 'bytes', 'invalid_value');
  checkPurposeFormat(purpose, filename);
  const expires = optObject(body, 'expires_after');
  const fileExpiresAt = expires ? parseExpiresAfter(ctx.emu, optString(expires, 'anchor', 'expires_after.anchor'), String(expires.seconds)) : undefined;
  const now = ctx.emu.clock.seconds();
  const upload: OpenAI.Uploads.Upload = {
    id: ctx.emu.state.ids.next('upload_', 24),
    object: 'upload',
    bytes,
    created_at: now,
    expires_at: now + 3600,
    filename,
    purpose,
    status: 'pending',
    file: null,
  };
  ctx.emu.state.uploads.set(upload.id, { seq: nextSeq(ctx.emu.state), upload, parts: new Map(), fileExpiresAt });
  return upload;
}

async function addPart(ctx: RequestContext): Promise<OpenAI.Uploads.UploadPart> {
  const u = getUpload(ctx);
  requirePending(u);
  const body = await readMultipart(ctx.req, ctx.emu.config.maxPartBytes, (limit) => sizeLimitMessage(limit).replace('an uploaded file', 'an upload part'));
  const data = body.files.find((f) => f.field === 'data');
  if (!data) throw invalidRequest("Missing required parameter: 'data'.", 'data', 'missing_required_parameter');
  const part: OpenAI.Uploads.UploadPart = {
    id: ctx.emu.state.ids.next('part_', 24),
    object: 'upload.part',
    created_at: ctx.emu.clock.seconds(),
    upload_id: u.upload.id,
  };
  u.parts.set(part.id, data.content);
  return part;
}

async function complete(ctx: RequestContext): Promise<OpenAI.Uploads.Upload> {
  const u = getUpload(ctx);
  const body = await readJsonObject(ctx.req, ctx.emu.config.maxJsonBytes);
  requirePending(u);
  const ids = body.part_ids;
  if (ids === undefined) throw invalidRequest("Missing required parameter: 'part_ids'.", 'part_ids', 'missing_required_parameter');
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string'))
    throw invalidRequest("Invalid type for 'part_ids': expected an array of strings.", 'part_ids', 'invalid_type');
  const buffers = ids.map((id) => {
    const b = u.parts.get(id as string);
    if (!b) throw invalidRequest(`Part ${String(id)} does not belong to upload ${u.upload.id}.`, 'part_ids', 'invalid_value');
    return b;
  });
  const content = Buffer.concat(buffers);
  if (content.length !== u.upload.bytes) {
    throw invalidRequest(`The parts add up to ${content.length} bytes, but the upload was created with bytes=${u.upload.bytes}.`, 'part_ids', 'invalid_value');
  }
  const md5 = optString(body, 'md5');
  if (md5 && createHash('md5').update(content).digest('hex') !== md5.toLowerCase())
    throw invalidRequest('The md5 checksum does not match the uploaded bytes.', 'md5', 'invalid_value');
  const file = addFile(ctx.emu, u.upload.filename, u.upload.purpose as OpenAI.Files.FileObject['purpose'], content, u.fileExpiresAt);
  u.upload.status = 'completed';
  u.upload.file = file;
  u.parts.clear();
  return u.upload;
}

function cancel(ctx: RequestContext): OpenAI.Uploads.Upload {
  const u = getUpload(ctx);
  requirePending(u);
  u.upload.status = 'cancelled';
  u.parts.clear();
  return u.upload;
}

export const uploadRoutes: Route[] = [
  route('POST', '/uploads', create),
  route('POST', '/uploads/:id/parts', addPart),
  route('POST', '/uploads/:id/complete', complete),
  route('POST', '/uploads/:id/cancel', cancel),
];
