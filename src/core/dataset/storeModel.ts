/** What the dataset store (./store.ts) takes and returns, and the checks it applies before writing anything. */
import { randomBytes } from 'node:crypto';
import { DatasetError } from './fsutil';
import { assistantText, exampleKey, passageHash } from './hash';
import type { LineProblem } from './jsonl';
import { ChatExample, ChatMessage, DatasetSettings, MAX_PASSAGE_CHARS, Origin, ProvenanceRecord, SourceRange, SplitName } from './types';

export interface NewExample {
  user: string;
  assistant: string;
  /** undefined: the dataset's training system prompt; null: no system message; a string: this one. */
  system?: string | null;
  origin: Origin;
  source?: SourceRange;
}

export interface AddedExample {
  id: string;
  hash: string;
  passageHash: string;
  /** 1-based line in train.jsonl, when known. */
  line?: number;
  file: string;
  datasetDir: string;
  /** Set when the example was written but its provenance record could not be (the example is kept). */
  provenanceError?: string;
}

export interface StoreOptions {
  /**
   * The cross-process write lock (<dir>/.socratune.lock) of a process that died holding it is taken over after
   * this long (ms, at least 2000; default 10000). Every other process waits that long after such a crash.
   */
  lockStaleMs?: number;
}

export interface LoadIssue {
  split: SplitName | 'provenance';
  file: string;
  line: number;
  problem: LineProblem | 'not-chat' | 'bom';
  message: string;
  /** First 200 characters of the line. */
  preview: string;
}

export interface StoredExample {
  split: SplitName;
  /** 1-based line number in its file. */
  line: number;
  value: unknown;
  raw: string;
  key: string;
  passageHash: string;
  user: string;
  assistant: string;
  /** Joined provenance, when found (by content hash, then by passage hash). */
  record?: ProvenanceRecord;
}

export interface DatasetSnapshot {
  dir: string;
  settings: DatasetSettings;
  examples: StoredExample[];
  /** Corrupt, torn, non-UTF-8 and non-chat lines: reported with line numbers, never dropped. */
  issues: LoadIssue[];
  /** Active provenance records by id (removed ones excluded). */
  provenance: Map<string, ProvenanceRecord>;
  lineCounts: Record<SplitName, number>;
}

export interface RemoveResult {
  removed: { id: string; split: SplitName; line: number }[];
  /** Ids whose example could not be found (edited by hand beyond recognition, or already removed). */
  notFound: string[];
}

export interface SystemPromptResult {
  updated: number;
  /** Examples left alone because they carry a different, example-specific system message. */
  keptCustom: number;
}

export function newId(): string {
  return `ex_${randomBytes(6).toString('hex')}`;
}

export function preview(raw: string): string {
  return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
}

/** Check and build the chat example for `ex` (throws DatasetError for bad input, before anything is written). */
export function buildExample(ex: NewExample, settings: Pick<DatasetSettings, 'systemPrompt'>): ChatExample {
  if (typeof ex.user !== 'string' || !ex.user.trim()) throw new DatasetError('The user prompt is empty. Nothing was written.', 'invalid');
  if (typeof ex.assistant !== 'string' || !ex.assistant.trim())
    throw new DatasetError('The passage (assistant message) is empty. Nothing was written.', 'invalid');
  if (ex.origin !== 'selection' && ex.origin !== 'import' && ex.origin !== 'chat' && ex.origin !== 'eval')
    throw new DatasetError(`Unknown origin "${String(ex.origin)}".`, 'invalid');
  const size = ex.user.length + ex.assistant.length + (typeof ex.system === 'string' ? ex.system.length : 0);
  if (size > MAX_PASSAGE_CHARS) {
    throw new DatasetError(
      `This example has ${size.toLocaleString('en-US')} characters; one training example is limited to ${MAX_PASSAGE_CHARS.toLocaleString('en-US')} (far above the per-example token limit of any model). Select a shorter passage. Nothing was written.`,
      'too-large',
    );
  }
  const system = ex.system === undefined ? settings.systemPrompt : (ex.system ?? undefined);
  const messages: ChatMessage[] = [];
  if (system && system.trim()) messages.push({ role: 'system', content: system });
  messages.push({ role: 'user', content: ex.user.trim() }, { role: 'assistant', content: ex.assistant });
  return { messages };
}

export function isChat(value: unknown): value is { messages: unknown[] } {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { messages?: unknown }).messages);
}

/** The ids, line numbers and provenance records of examples about to be appended from line `firstLine` on. */
export function plannedAdds(
  list: NewExample[],
  built: ChatExample[],
  firstLine: number,
  trainFile: string,
  datasetDir: string,
): { added: AddedExample[]; records: ProvenanceRecord[] } {
  const now = new Date().toISOString();
  const added: AddedExample[] = built.map((b, i) => ({
    id: newId(),
    hash: exampleKey(b),
    passageHash: passageHash(assistantText(b)),
    line: firstLine + i,
    file: trainFile,
    datasetDir,
  }));
  const records: ProvenanceRecord[] = added.map((a, i) => ({
    op: 'add',
    id: a.id,
    hash: a.hash,
    passageHash: a.passageHash,
    origin: list[i].origin,
    createdAt: now,
    ...(list[i].source ? { source: list[i].source } : {}),
    lineHint: a.line as number,
  }));
  return { added, records };
}
