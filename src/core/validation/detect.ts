import * as path from 'node:path';
import { DEFAULT_DATASETS_DIR } from '../dataset/types';
import type { Purpose } from './types';

/**
 * Which *.jsonl files are chat fine-tuning files (they get live diagnostics in the editor): files in a
 * dataset folder, or any .jsonl whose first non-blank line looks like `{"messages": [...]}`.
 */
export const DEFAULT_DATASETS_FOLDER = DEFAULT_DATASETS_DIR;

export function isJsonlName(fileName: string): boolean {
  return /\.jsonl$/i.test(fileName);
}

function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/+$/, '');
}

/** True when `filePath` lies inside one of `folders` (absolute or workspace-relative suffixes like `.socratune/datasets`). */
export function inDatasetFolder(filePath: string, folders: readonly string[] = [DEFAULT_DATASETS_FOLDER]): boolean {
  const f = normalize(filePath);
  return folders.some((d) => {
    const n = normalize(d);
    return n.length > 0 && (f.startsWith(n + '/') || f.includes('/' + n.replace(/^\.?\//, '') + '/'));
  });
}

/** The first non-blank line (BOM ignored) starts a chat example. `head` is the first few KB of the file. */
export function looksLikeChatJsonl(head: string): boolean {
  for (const raw of head.split('\n', 20)) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line.length === 0) continue;
    return line.startsWith('{') && /"messages"\s*:\s*\[/.test(line.slice(0, 4096));
  }
  return false;
}

export function isTrainingJsonl(filePath: string, head: string, datasetFolders?: readonly string[]): boolean {
  if (!isJsonlName(filePath)) return false;
  return inDatasetFolder(filePath, datasetFolders) || looksLikeChatJsonl(head);
}

/** `validation.jsonl`, `valid.jsonl`, `*_validation.jsonl`… are validation files (no 10-example minimum). */
export function purposeFromFileName(file: string): Purpose {
  return /valid/i.test(path.basename(file)) ? 'validation' : 'train';
}
