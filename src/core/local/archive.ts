/**
 * The weights archive a cloud provider sends (Together's `/finetune/download`: a `.tar.zst`): zstd-decompressed with
 * fzstd (pure JS, in memory — adapters are small) and read as a ustar/pax tar. Pure: returns the entries; the
 * caller writes them. Refuses entries that would land outside the target folder (absolute paths, `..`).
 */
import { decompress } from 'fzstd';

export class ArchiveError extends Error {}

export interface ArchiveEntry {
  /** Relative path inside the archive, `/`-separated, without a leading `./`. */
  path: string;
  data: Buffer;
}

const ZSTD_MAGIC = 0xfd2fb528;

function field(block: Buffer, start: number, len: number): string {
  const raw = block.subarray(start, start + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? len : end).toString('utf8');
}

/** A pax extended header's `path=` record (`<len> path=<value>\n`), if any. */
function paxPath(data: Buffer): string | undefined {
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const len = Number(data.subarray(i, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(len) || len <= 0) return undefined;
    const rec = data.subarray(space + 1, i + len - 1).toString('utf8');
    if (rec.startsWith('path=')) return rec.slice(5);
    i += len;
  }
  return undefined;
}

function safePath(name: string): string {
  const p = name.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (!p || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.split('/').includes('..'))
    throw new ArchiveError(`The archive holds an unsafe path: ${JSON.stringify(name)}.`);
  return p;
}

/** The regular files of a tar (directories, links and pax headers are not returned). */
export function readTar(tar: Buffer): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new ArchiveError(`Corrupt tar header at byte ${off}.`);
    const type = String.fromCharCode(h[156] || 0x30);
    const data = tar.subarray(off + 512, off + 512 + size);
    if (data.length < size) throw new ArchiveError('The archive is truncated (a file ends early).');
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(data);
      continue;
    }
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    const prefix = field(h, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = undefined;
    if (type === '0' || type === '\0' || type === '7') out.push({ path: safePath(name), data: Buffer.from(data) });
  }
  return out;
}

/** The files of a `.tar.zst` (or of a plain `.tar`). */
export function readWeightsArchive(bytes: Buffer): ArchiveEntry[] {
  const zst = bytes.length >= 4 && bytes.readUInt32LE(0) === ZSTD_MAGIC;
  let tar: Buffer;
  try {
    tar = zst ? Buffer.from(decompress(bytes)) : bytes;
  } catch (err) {
    throw new ArchiveError(`The download is not a readable zstd archive: ${err instanceof Error ? err.message : String(err)}.`);
  }
  const files = readTar(tar);
  if (files.length === 0) throw new ArchiveError('The download holds no files (expected a tar archive of the weights).');
  return files;
}

/**
 * The folder of the archive that holds a PEFT adapter (`adapter_config.json`), relative to the archive's root
 * ('' = the root), or undefined when there is none.
 */
export function adapterFolder(files: readonly ArchiveEntry[]): string | undefined {
  const cfg = files.map((f) => f.path).find((p) => p === 'adapter_config.json' || p.endsWith('/adapter_config.json'));
  return cfg === undefined ? undefined : cfg.slice(0, -'adapter_config.json'.length).replace(/\/$/, '');
}
