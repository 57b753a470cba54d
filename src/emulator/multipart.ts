import Busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { ApiError, invalidRequest } from './errors';

export interface MultipartFile {
  readonly field: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly content: Buffer;
}

export interface MultipartBody {
  readonly fields: Map<string, string>;
  readonly files: MultipartFile[];
}

/**
 * Parses multipart/form-data. A file larger than `maxFileBytes` yields OpenAI-style 413 after the request has been
 * drained (so the client reads the error instead of a reset connection); nothing oversized is buffered.
 */
export function readMultipart(req: IncomingMessage, maxFileBytes: number, sizeMessage: (limit: number) => string): Promise<MultipartBody> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(invalidRequest(`Invalid Content-Type header (${type || 'none'}), expected multipart/form-data.`, null, 'invalid_content_type'));
  }
  return new Promise((resolve, reject) => {
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, files: 4, fields: 20, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(invalidRequest(`Could not parse multipart form: ${(err as Error).message}`));
      return;
    }
    const fields = new Map<string, string>();
    const files: MultipartFile[] = [];
    let tooLarge = false;
    let failed: ApiError | null = null;
    bb.on('field', (name, value) => fields.set(name, value));
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        if (!tooLarge) chunks.push(c);
      });
      stream.on('limit', () => {
        tooLarge = true;
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!tooLarge) files.push({ field, filename: info.filename ?? 'file', mimeType: info.mimeType, content: Buffer.concat(chunks) });
      });
    });
    bb.on('error', (err: Error) => {
      if (failed) return;
      failed = invalidRequest(`Could not parse multipart form: ${err.message}`);
      const error = failed;
      req.unpipe(bb);
      if (req.readableEnded) return reject(error);
      req.resume();
      req.once('end', () => reject(error));
      req.once('close', () => reject(error));
    });
    bb.on('close', () => {
      if (failed) return;
      if (tooLarge) reject(new ApiError(413, sizeMessage(maxFileBytes), 'invalid_request_error', 'file', 'file_too_large'));
      else resolve({ fields, files });
    });
    req.pipe(bb);
  });
}
