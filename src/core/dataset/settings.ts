import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DatasetError, ioError, writeAtomic } from './fsutil';
import { DatasetFormat, DatasetSettings, FILES } from './types';

const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

/** Why `name` cannot be a dataset (folder) name, or undefined when it can. */
export function checkDatasetName(name: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Enter a name.';
  if (!NAME_RE.test(n)) return 'Use letters, digits, spaces, ".", "_" or "-" (at most 64 characters, starting with a letter or digit).';
  if (n.endsWith('.') || n.endsWith(' ')) return 'A name cannot end with "." or a space.';
  return undefined;
}

export function defaultSettings(name: string, now = new Date()): DatasetSettings {
  return { name, format: 'markdown', createdAt: now.toISOString(), version: 1 };
}

function isFormat(v: unknown): v is DatasetFormat {
  return v === 'markdown' || v === 'plain';
}

/** Parse dataset.json leniently: unknown keys are kept, wrong types are reported. */
export function parseSettings(text: string, folderName: string): DatasetSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DatasetError(
      `${FILES.settings} is not valid JSON (${err instanceof Error ? err.message : String(err)}). Fix it by hand; Socratune will not overwrite it.`,
      'corrupt',
      err,
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new DatasetError(`${FILES.settings} must hold a JSON object.`, 'corrupt');
  const o = raw as Record<string, unknown>;
  if (o.systemPrompt !== undefined && typeof o.systemPrompt !== 'string')
    throw new DatasetError(`${FILES.settings}: "systemPrompt" must be a string.`, 'corrupt');
  if (o.format !== undefined && !isFormat(o.format)) throw new DatasetError(`${FILES.settings}: "format" must be "markdown" or "plain".`, 'corrupt');
  const thr = o.nearDuplicateThreshold;
  if (thr !== undefined && (typeof thr !== 'number' || !(thr > 0 && thr <= 1)))
    throw new DatasetError(`${FILES.settings}: "nearDuplicateThreshold" must be a number in (0, 1].`, 'corrupt');
  return {
    ...(o as object),
    name: typeof o.name === 'string' && o.name ? o.name : folderName,
    systemPrompt: typeof o.systemPrompt === 'string' && o.systemPrompt.length ? o.systemPrompt : undefined,
    format: isFormat(o.format) ? o.format : 'markdown',
    createdAt: typeof o.createdAt === 'string' ? o.createdAt : new Date(0).toISOString(),
    version: 1,
  } as DatasetSettings;
}

export async function readSettings(dir: string): Promise<DatasetSettings> {
  const file = path.join(dir, FILES.settings);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      // A folder with only a train.jsonl (e.g. copied in by hand) is still a dataset, with default settings.
      try {
        await fsp.access(path.join(dir, FILES.train));
      } catch {
        throw new DatasetError(`${dir} is not a Socratune dataset (no ${FILES.settings} or ${FILES.train}).`, 'not-found');
      }
      return defaultSettings(path.basename(dir), new Date(0));
    }
    throw ioError(err, FILES.settings, file);
  }
  return parseSettings(text, path.basename(dir));
}

export async function writeSettings(dir: string, settings: DatasetSettings): Promise<void> {
  const clean: Record<string, unknown> = { ...settings };
  if (!settings.systemPrompt) delete clean.systemPrompt;
  try {
    await writeAtomic(path.join(dir, FILES.settings), `${JSON.stringify(clean, null, 2)}\n`);
  } catch (err) {
    throw ioError(err, FILES.settings, dir);
  }
}
