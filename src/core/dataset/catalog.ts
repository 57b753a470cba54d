import { DedupIndex, DuplicateMatch, DEFAULT_NEAR_THRESHOLD } from './dedup';
import { AddedExample, DatasetSnapshot, StoredExample } from './store';
import { SourceRange, SplitName } from './types';

/** Where an existing example is (for duplicate warnings and navigation). */
export interface ExampleRef {
  split: SplitName;
  /** 1-based line in its file (undefined when it was added after the last full read and the line is unknown). */
  line?: number;
  id?: string;
  source?: SourceRange;
  /** Its user prompt (for display). */
  user: string;
}

/**
 * In-memory view of a dataset for the host: duplicate lookups in O(1) expected time per query (MinHash/LSH)
 * and provenance joins (example ↔ journal lines). Built from a snapshot; kept current for the host's own adds.
 */
export class DatasetCatalog {
  private readonly index: DedupIndex<ExampleRef>;
  private readonly refs: ExampleRef[] = [];

  private constructor(threshold: number) {
    this.index = new DedupIndex<ExampleRef>(threshold);
  }

  static fromSnapshot(snap: DatasetSnapshot): DatasetCatalog {
    const c = new DatasetCatalog(snap.settings.nearDuplicateThreshold ?? DEFAULT_NEAR_THRESHOLD);
    for (const ex of snap.examples) c.addStored(ex);
    return c;
  }

  private addStored(ex: StoredExample): void {
    const ref: ExampleRef = { split: ex.split, line: ex.line, id: ex.record?.id, source: ex.record?.source, user: ex.user };
    this.refs.push(ref);
    this.index.add(ex.assistant || ex.user, ref);
  }

  get size(): number {
    return this.refs.length;
  }

  /** Exact and near-duplicates of a passage among the dataset's examples, most similar first. */
  findDuplicates(passage: string): DuplicateMatch<ExampleRef>[] {
    return this.index.find(passage);
  }

  /** Record an example the host just appended. */
  noteAdded(added: AddedExample, user: string, assistant: string, source?: SourceRange): void {
    const ref: ExampleRef = { split: 'train', line: added.line, id: added.id, source, user };
    this.refs.push(ref);
    this.index.add(assistant || user, ref);
  }

  noteRemoved(ids: readonly string[]): void {
    const set = new Set(ids);
    this.index.removeWhere((r) => r.id !== undefined && set.has(r.id));
    for (let i = this.refs.length - 1; i >= 0; i--) if (this.refs[i].id && set.has(this.refs[i].id as string)) this.refs.splice(i, 1);
  }

  /** Examples whose provenance points into `file` (workspace-relative path as stored). */
  fromSource(file: string): ExampleRef[] {
    return this.refs.filter((r) => r.source?.file === file);
  }

  at(split: SplitName, line: number): ExampleRef | undefined {
    return this.refs.find((r) => r.split === split && r.line === line);
  }

  all(): readonly ExampleRef[] {
    return this.refs;
  }
}
