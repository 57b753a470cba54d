import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DatasetError, ioError, writeAtomic } from './fsutil';
import { decodeSettingsText } from './schema';
import { DatasetSettings, FILES } from './types';

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

/** Parse dataset.json (through its schema, src/core/dataset/schema.ts): unknown keys are kept, wrong types are reported. */
export function parseSettings(text: string, folderName: string): DatasetSettings {
  const r = decodeSettingsText(text);
  if (!r.ok) throw new DatasetError(`${FILES.settings} ${r.message}. Fix it by hand; Socratune will not overwrite it.`, 'corrupt');
  const o = r.value;
  return {
    ...o,
    name: o.name || folderName,
    systemPrompt: o.systemPrompt || undefined,
    format: o.format ?? 'markdown',
    createdAt: o.createdAt ?? new Date(0).toISOString(),
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
