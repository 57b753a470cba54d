/**
 * The dataset repository: which dataset folders exist (under `<workspace root>/<socratune.dataset.folder>` and
 * the active one wherever it is), what each is called and which training system prompt it has. Every capability
 * (dataset commands, the fine-tune wizard, the prompt binder, validation) asks this, so a custom folder is
 * honoured everywhere. Pure logic: the host passes the roots, the folder setting and the active folder.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { scanJsonlBuffer } from './jsonl';
import { systemPromptOf } from './schema';
import { readSettings } from './settings';
import { DEFAULT_DATASETS_DIR, DatasetSettings, FILES } from './types';

/** A dataset folder as the other capabilities see it (the wizard's `DatasetRef`). */
export interface DatasetRef {
  readonly name: string;
  /** Absolute folder path. */
  readonly folder: string;
  readonly trainPath: string;
  readonly validationPath?: string;
  /** Training system prompt (dataset.json, else the examples' own system message). */
  readonly systemPrompt?: string;
  readonly active?: boolean;
}

export interface RepositorySource {
  /** Absolute workspace root folders. */
  roots(): readonly string[];
  /** The `socratune.dataset.folder` setting (relative to each root, or absolute); empty = the default. */
  folderSetting(): string | undefined;
  /** The active dataset folder, if any. */
  activeFolder(): string | undefined;
}

/** `<root>/<setting>` (the setting may be absolute); the default `.socratune/datasets`. */
export function datasetsDir(root: string, setting?: string): string {
  return path.resolve(root, setting?.trim() || DEFAULT_DATASETS_DIR);
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function settingsOf(folder: string): Promise<DatasetSettings | undefined> {
  try {
    return await readSettings(folder);
  } catch {
    return undefined; // corrupt or missing dataset.json: the folder name, and the examples' own prompt
  }
}

/** The first example's system message (64 KB read at most). */
async function firstSystemPrompt(trainPath: string): Promise<string | undefined> {
  let fh: import('node:fs/promises').FileHandle | undefined;
  try {
    fh = await fsp.open(trainPath, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const first = scanJsonlBuffer(buf.subarray(0, bytesRead)).lines.find((l) => !l.blank);
    return first && !first.problem ? systemPromptOf(first.value) : undefined;
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}

/** The dataset in `folder` (it needs a train.jsonl), or undefined. */
export async function datasetAt(folder: string, active = false): Promise<DatasetRef | undefined> {
  const trainPath = path.join(folder, FILES.train);
  if (!(await isFile(trainPath))) return undefined;
  const validationPath = path.join(folder, FILES.validation);
  const settings = await settingsOf(folder);
  const name = settings?.name.trim() || path.basename(folder);
  const systemPrompt = settings?.systemPrompt ?? (await firstSystemPrompt(trainPath));
  return {
    name,
    folder,
    trainPath,
    ...((await isFile(validationPath)) ? { validationPath } : {}),
    ...(systemPrompt !== undefined ? { systemPrompt } : {}),
    active,
  };
}

/** Sub-folders of `dir` holding a dataset.json or a train.jsonl, by name. */
export async function datasetFolders(dir: string): Promise<{ name: string; dir: string }[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: { name: string; dir: string }[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const d = path.join(dir, e.name);
    if ((await isFile(path.join(d, FILES.settings))) || (await isFile(path.join(d, FILES.train)))) out.push({ name: e.name, dir: d });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export class DatasetRepository {
  constructor(private readonly src: RepositorySource) {}

  /** The datasets folder of each workspace root. */
  dirs(): string[] {
    const setting = this.src.folderSetting();
    return this.src.roots().map((r) => datasetsDir(r, setting));
  }

  /** Every dataset with a train.jsonl: the active one first, then each root's datasets by name. */
  async list(): Promise<DatasetRef[]> {
    const out: DatasetRef[] = [];
    const seen = new Set<string>();
    const active = this.src.activeFolder();
    if (active) {
      const d = await datasetAt(active, true);
      if (d) {
        out.push(d);
        seen.add(path.resolve(active));
      }
    }
    for (const dir of this.dirs()) {
      for (const { dir: folder } of await datasetFolders(dir)) {
        if (seen.has(path.resolve(folder))) continue;
        const d = await datasetAt(folder);
        if (d) {
          out.push(d);
          seen.add(path.resolve(folder));
        }
      }
    }
    return out;
  }
}
