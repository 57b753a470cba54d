/**
 * The wizard's privacy step: the dataset helper's scanner (src/core/dataset/pii.ts) over the files about
 * to be uploaded, summarized per kind with masked excerpts (the report itself must not spread the data).
 */
import { readFile, stat } from 'node:fs/promises';
import { PII_LABELS, scanJsonl, type PiiKind } from '../dataset/pii';
import type { DatasetRef, PrivacyReport } from './wizard';

/** Files above this size are scanned up to it (the report says so). */
export const PRIVACY_SCAN_MAX_BYTES = 64 * 1024 * 1024;

export function mask(text: string): string {
  const t = text.trim();
  if (t.length <= 4) return '•'.repeat(t.length);
  return `${t.slice(0, 2)}${'•'.repeat(Math.min(8, t.length - 3))}${t.slice(-1)}`;
}

export async function scanDatasetPrivacy(ds: DatasetRef, signal?: AbortSignal): Promise<PrivacyReport> {
  const byKind = new Map<PiiKind, number>();
  const details: string[] = [];
  let truncated = false;
  const files = [{ label: 'train.jsonl', path: ds.trainPath }, ...(ds.validationPath ? [{ label: 'validation.jsonl', path: ds.validationPath }] : [])];
  for (const f of files) {
    signal?.throwIfAborted();
    const size = (await stat(f.path)).size;
    let text = await readFile(f.path, { encoding: 'utf8', signal });
    if (size > PRIVACY_SCAN_MAX_BYTES) {
      text = text.slice(0, PRIVACY_SCAN_MAX_BYTES);
      truncated = true;
    }
    for (const hit of scanJsonl(text)) {
      byKind.set(hit.kind, (byKind.get(hit.kind) ?? 0) + 1);
      if (details.length < 50) details.push(`${f.label}:${hit.jsonlLine} — ${PII_LABELS[hit.kind]} ${mask(hit.text)}`);
    }
  }
  const findings = [...byKind.values()].reduce((a, n) => a + n, 0);
  const parts = [...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${PII_LABELS[k]}${n === 1 ? '' : 's'}`);
  const summary =
    findings === 0
      ? `no personal data or secrets found${truncated ? ' (first 64 MB of each file scanned)' : ''}`
      : `found ${parts.join(', ')}${truncated ? ' (first 64 MB scanned)' : ''}`;
  return { findings, summary, details };
}
