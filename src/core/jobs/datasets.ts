/** Dataset discovery for the wizard and the prompt binder: `.socratune/datasets/*` folders and their system prompt. */
import { readFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { DatasetRef } from './wizard';

export const DATASETS_DIR = path.join('.socratune', 'datasets');

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The training system prompt: dataset.json's, else the first example's own system message. */
export async function readSystemPrompt(folder: string, trainPath: string): Promise<string | undefined> {
  try {
    const settings = JSON.parse(await readFile(path.join(folder, 'dataset.json'), 'utf8')) as { systemPrompt?: unknown };
    if (typeof settings.systemPrompt === 'string') return settings.systemPrompt;
  } catch {
    // No or unreadable dataset.json: fall back to the examples.
  }
  try {
    const text = await readFile(trainPath, 'utf8');
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
    if (!first) return undefined;
    const ex = JSON.parse(first) as { messages?: { role?: unknown; content?: unknown }[] };
    const sys = ex.messages?.find((m) => m.role === 'system');
    return typeof sys?.content === 'string' ? sys.content : undefined;
  } catch {
    return undefined;
  }
}

export async function datasetAt(folder: string, active = false): Promise<DatasetRef | undefined> {
  const trainPath = path.join(folder, 'train.jsonl');
  if (!(await isFile(trainPath))) return undefined;
  const validationPath = path.join(folder, 'validation.jsonl');
  let name = path.basename(folder);
  try {
    const s = JSON.parse(await readFile(path.join(folder, 'dataset.json'), 'utf8')) as { name?: unknown };
    if (typeof s.name === 'string' && s.name.trim()) name = s.name.trim();
  } catch {
    // The folder name is the dataset name.
  }
  return {
    name,
    folder,
    trainPath,
    validationPath: (await isFile(validationPath)) ? validationPath : undefined,
    systemPrompt: await readSystemPrompt(folder, trainPath),
    active,
  };
}

/** Datasets under `<root>/.socratune/datasets/*` of each workspace root, plus the active one wherever it is. */
export async function listDatasets(roots: readonly string[], activeFolder?: string): Promise<DatasetRef[]> {
  const out: DatasetRef[] = [];
  const seen = new Set<string>();
  if (activeFolder) {
    const d = await datasetAt(activeFolder, true);
    if (d) {
      out.push(d);
      seen.add(path.resolve(activeFolder));
    }
  }
  for (const root of roots) {
    const dir = path.join(root, DATASETS_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      const folder = path.join(dir, n);
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
