/**
 * Dataset folder format (see docs/dataset.md):
 *
 *   .socratune/datasets/<name>/
 *     train.jsonl        one OpenAI chat example per line, only keys OpenAI accepts (directly uploadable)
 *     validation.jsonl   optional, same shape (written by "Split Dataset…")
 *     dataset.json       DatasetSettings
 *     provenance.jsonl   append-only log of ProvenanceRecord / ProvenanceRemoval (joined by content hash)
 */

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

/** One line of train.jsonl as Socratune writes it. Hand-edited lines may hold more (tools, weight…). */
export interface ChatExample {
  messages: ChatMessage[];
}

export type DatasetFormat = 'markdown' | 'plain';

/** Where an example came from; `eval`: a winning reply of an evaluation (its source is the results.jsonl line). */
export type Origin = 'selection' | 'import' | 'chat' | 'eval';

export type SplitName = 'train' | 'validation';

export interface DatasetSettings {
  /** Display name; also the folder name. */
  name: string;
  /** Training system prompt written into every example; undefined = none (a legitimate choice). */
  systemPrompt?: string;
  /** How passages are stored in assistant messages. */
  format: DatasetFormat;
  createdAt: string;
  /** Format version of this folder. */
  version: 1;
  /** Last train/validation split, for reproducibility. */
  split?: { ratio: number; seed: number; at: string };
  /** Jaccard similarity at or above which two passages count as near-duplicates (default 0.8). */
  nearDuplicateThreshold?: number;
}

export interface SourceRange {
  /** Workspace-relative path with forward slashes, or an absolute file path / URI outside the workspace. */
  file: string;
  /** 0-based, inclusive. */
  startLine: number;
  /** 0-based, inclusive. */
  endLine: number;
  /** sha256 of the raw selected text (lets navigation find the passage after the journal moved). */
  textHash?: string;
}

/** One `add` entry in provenance.jsonl. */
export interface ProvenanceRecord {
  op: 'add';
  id: string;
  /** exampleKey(): hash of the example's non-system messages (survives system prompt changes). */
  hash: string;
  /** passageHash(): hash of the normalized assistant text (survives hand edits of the prompt). */
  passageHash: string;
  origin: Origin;
  createdAt: string;
  source?: SourceRange;
  /** 1-based line in train.jsonl at the time of writing; only a hint (hand edits move lines). */
  lineHint?: number;
}

/** A `remove` entry (undo) in provenance.jsonl. */
export interface ProvenanceRemoval {
  op: 'remove';
  id: string;
  at: string;
}

export type ProvenanceEntry = ProvenanceRecord | ProvenanceRemoval;

export const FILES = {
  train: 'train.jsonl',
  validation: 'validation.jsonl',
  settings: 'dataset.json',
  provenance: 'provenance.jsonl',
} as const;

/** Default place of dataset folders, relative to the workspace folder. */
export const DEFAULT_DATASETS_DIR = '.socratune/datasets';

/** A single passage larger than this is refused (far above any model's per-example token limit). */
export const MAX_PASSAGE_CHARS = 200_000;

export function fileForSplit(split: SplitName): string {
  return split === 'train' ? FILES.train : FILES.validation;
}
