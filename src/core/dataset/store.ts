import { randomBytes } from 'node:crypto';
import { constants as FS, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps, withFileLock } from '../fs/durable';
import { appendLines, assertWritableDir, DatasetError, exists, ioError, serialize, writeAtomic } from './fsutil';
import { repairUnwrittenTail } from './storeRepair';
import { assistantText, exampleKey, passageHash, userText } from './hash';
import { JsonlLine, JsonlScan, LineProblem, scanJsonlBuffer, scanJsonlFile } from './jsonl';
import { checkDatasetName, defaultSettings, readSettings, writeSettings } from './settings';
import {
  ChatExample,
  ChatMessage,
  DatasetSettings,
  FILES,
  fileForSplit,
  MAX_PASSAGE_CHARS,
  Origin,
  ProvenanceEntry,
  ProvenanceRecord,
  SourceRange,
  SplitName,
} from './types';

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

function newId(): string {
  return `ex_${randomBytes(6).toString('hex')}`;
}

function preview(raw: string): string {
  return raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
}

/** Check and build the chat example for `ex` (throws DatasetError for bad input, before anything is written). */
export function buildExample(ex: NewExample, settings: Pick<DatasetSettings, 'systemPrompt'>): ChatExample {
  if (typeof ex.user !== 'string' || !ex.user.trim()) throw new DatasetError('The user prompt is empty. Nothing was written.', 'invalid');
  if (typeof ex.assistant !== 'string' || !ex.assistant.trim())
    throw new DatasetError('The passage (assistant message) is empty. Nothing was written.', 'invalid');
  if (ex.origin !== 'selection' && ex.origin !== 'import' && ex.origin !== 'chat') throw new DatasetError(`Unknown origin "${String(ex.origin)}".`, 'invalid');
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

function isChat(value: unknown): value is { messages: unknown[] } {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { messages?: unknown }).messages);
}

/**
 * A dataset folder on disk. Every mutation runs in one per-dataset queue (see fsutil.serialize) and holds the
 * folder's cross-process lock (core/fs/durable withFileLock), so two VS Code windows or the CLI beside the
 * editor never interleave. Adds are appends (one write + fsync each for provenance.jsonl, then train.jsonl)
 * whose line numbers are computed under the lock; rewrites (undo, split, system prompt, quarantine) go through
 * a temp file and an atomic rename. Corrupt lines are preserved byte for byte by every rewrite.
 */
export class DatasetStore {
  private lineCount: number | undefined;
  private knownSize: number | undefined;
  private knownMtime: number | undefined;
  /** Provenance ids that `open` found written without their example (a process killed mid-add) and retired. */
  repaired: string[] = [];

  private constructor(
    readonly dir: string,
    private current: DatasetSettings,
    private readonly opts: StoreOptions = {},
  ) {}

  /** Run a mutation in this process's queue for the folder while holding the folder's cross-process lock. */
  private locked<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return serialize(this.dir, async () => {
      await assertWritableDir(this.dir, what);
      let entered = false;
      try {
        return await withFileLock(
          this.dir,
          () => {
            entered = true;
            return fn();
          },
          { staleMs: this.opts.lockStaleMs },
        );
      } catch (err) {
        if (entered) throw err;
        throw ioError(err, what, this.dir);
      }
    });
  }

  /** Bring the cached line count up to date with the file (another process may have appended). Under the lock. */
  private async syncLineCount(): Promise<number> {
    const st = await fsp.stat(this.file('train')).catch(() => undefined);
    const size = st?.size ?? 0;
    if (this.lineCount === undefined || size !== this.knownSize || (st && st.mtimeMs !== this.knownMtime)) await this.recount();
    return this.lineCount ?? 0;
  }

  get settings(): DatasetSettings {
    return this.current;
  }

  get name(): string {
    return this.current.name;
  }

  file(which: SplitName | 'provenance' | 'settings' | 'quarantine'): string {
    if (which === 'provenance') return path.join(this.dir, FILES.provenance);
    if (which === 'settings') return path.join(this.dir, FILES.settings);
    if (which === 'quarantine') return path.join(this.dir, 'quarantine.jsonl');
    return path.join(this.dir, fileForSplit(which));
  }

  /** Create `<root>/<name>/` with dataset.json. Fails (writing nothing) when it exists or is not writable. */
  static async create(
    root: string,
    name: string,
    init: Partial<Pick<DatasetSettings, 'systemPrompt' | 'format'>> = {},
    opts: StoreOptions = {},
  ): Promise<DatasetStore> {
    const bad = checkDatasetName(name);
    if (bad) throw new DatasetError(`Invalid dataset name "${name}": ${bad}`, 'invalid');
    const dir = path.join(root, name.trim());
    if (await exists(dir)) throw new DatasetError(`A dataset folder named "${name.trim()}" already exists (${dir}).`, 'conflict');
    try {
      await fsp.mkdir(root, { recursive: true });
    } catch (err) {
      throw ioError(err, 'the datasets folder', root);
    }
    await assertWritableDir(root, `dataset "${name}"`);
    try {
      await fsp.mkdir(dir);
    } catch (err) {
      throw ioError(err, `dataset "${name}"`, dir);
    }
    const settings: DatasetSettings = { ...defaultSettings(name.trim()), ...init };
    if (!settings.systemPrompt) delete settings.systemPrompt;
    await writeSettings(dir, settings);
    const store = new DatasetStore(dir, settings, opts);
    store.lineCount = 0;
    store.knownSize = 0;
    return store;
  }

  /**
   * Open an existing dataset folder: reads dataset.json, counts lines of train.jsonl once, removes temp files
   * of writers that died, and retires provenance records whose example a killed process never wrote.
   */
  static async open(dir: string, opts: StoreOptions = {}): Promise<DatasetStore> {
    const settings = await readSettings(dir);
    const store = new DatasetStore(dir, settings, opts);
    await store.recount();
    await removeStaleTemps(dir).catch(() => undefined);
    await store.repairTail().catch(() => undefined);
    return store;
  }

  /**
   * What a picker shows about a dataset, read without opening it: its settings and non-blank line counts. No recount,
   * no repair, no lock (DatasetStore.open does those before the first write).
   */
  static async peek(dir: string): Promise<{ settings: DatasetSettings; counts: Record<SplitName, number> }> {
    const store = new DatasetStore(dir, await readSettings(dir));
    return { settings: store.settings, counts: await store.quickCounts() };
  }

  private async repairTail(): Promise<void> {
    const check = () => repairUnwrittenTail(this.file('train'), this.file('provenance'), this.lineCount ?? 0, false);
    if (!(await check()).length) return;
    this.repaired = await this.locked('provenance', async () => {
      await this.recount();
      return repairUnwrittenTail(this.file('train'), this.file('provenance'), this.lineCount ?? 0, true);
    });
  }

  /** Dataset folders directly under `root` (those with a dataset.json or a train.jsonl). */
  static async list(root: string): Promise<{ name: string; dir: string }[]> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(root, { withFileTypes: true });
    } catch {
      return [];
    }
    const out: { name: string; dir: string }[] = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const dir = path.join(root, e.name);
      if ((await exists(path.join(dir, FILES.settings))) || (await exists(path.join(dir, FILES.train)))) out.push({ name: e.name, dir });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async recount(): Promise<void> {
    let buf: Buffer;
    try {
      buf = await fsp.readFile(this.file('train'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      buf = Buffer.alloc(0);
    }
    let n = 0;
    for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) n++;
    if (buf.length && buf[buf.length - 1] !== 0x0a) n++;
    this.lineCount = n;
    this.knownSize = buf.length;
    this.knownMtime = await fsp.stat(this.file('train')).then(
      (st) => st.mtimeMs,
      () => undefined,
    );
  }

  /** Non-blank lines per split, without parsing (for pickers and summaries; corrupt lines count too). */
  async quickCounts(): Promise<Record<SplitName, number>> {
    const out: Record<SplitName, number> = { train: 0, validation: 0 };
    for (const split of ['train', 'validation'] as const) {
      const buf = await fsp.readFile(this.file(split)).catch(() => Buffer.alloc(0));
      let start = 0;
      for (let i = buf.indexOf(0x0a); ; i = buf.indexOf(0x0a, start)) {
        const end = i === -1 ? buf.length : i;
        for (let k = start; k < end; k++) {
          const c = buf[k];
          if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
            out[split]++;
            break;
          }
        }
        if (i === -1) break;
        start = i + 1;
      }
    }
    return out;
  }

  /** Whether train.jsonl changed on disk since this store last wrote or read it (a hand edit). O(1): one stat. */
  async changedOnDisk(): Promise<boolean> {
    try {
      const st = await fsp.stat(this.file('train'));
      return st.size !== this.knownSize || (this.knownMtime !== undefined && st.mtimeMs !== this.knownMtime);
    } catch {
      return (this.knownSize ?? 0) !== 0;
    }
  }

  async reloadSettings(): Promise<DatasetSettings> {
    this.current = await readSettings(this.dir);
    return this.current;
  }

  async updateSettings(patch: Partial<DatasetSettings>): Promise<DatasetSettings> {
    return this.locked(`the settings of dataset "${this.name}"`, async () => {
      const next = { ...(await readSettings(this.dir)), ...patch };
      await writeSettings(this.dir, next);
      this.current = next;
      return next;
    });
  }

  /** Append one example (one provenance append + one example append, each fsynced, under the folder lock). */
  async add(ex: NewExample): Promise<AddedExample> {
    const [added] = await this.addMany([ex]);
    return added;
  }

  /**
   * Append several examples with a single write (all or nothing). Their provenance records go first, so a
   * process killed in between leaves records without an example (retired by the next `open`), never an
   * example without provenance. Line numbers are computed under the lock, so they hold across processes.
   */
  async addMany(list: NewExample[]): Promise<AddedExample[]> {
    if (list.length === 0) return [];
    const built = list.map((ex) => buildExample(ex, this.current));
    const what = `the example to dataset "${this.name}"`;
    return this.locked(what, async () => {
      const trainFile = this.file('train');
      const provFile = this.file('provenance');
      for (const f of [trainFile, provFile]) {
        try {
          await fsp.access(f, FS.W_OK);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(err, what, f);
        }
      }
      const firstLine = (await this.syncLineCount()) + 1;
      const now = new Date().toISOString();
      const added: AddedExample[] = built.map((b, i) => ({
        id: newId(),
        hash: exampleKey(b),
        passageHash: passageHash(assistantText(b)),
        line: firstLine + i,
        file: trainFile,
        datasetDir: this.dir,
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
      let provenanceError: string | undefined;
      try {
        await appendLines(
          provFile,
          records.map((r) => JSON.stringify(r)),
        );
      } catch (err) {
        provenanceError = ioError(err, 'provenance', provFile).message;
      }
      let res;
      try {
        res = await appendLines(
          trainFile,
          built.map((b) => JSON.stringify(b)),
        );
      } catch (err) {
        if (!provenanceError) await this.retire(added.map((a) => a.id)).catch(() => undefined);
        throw ioError(err, what, trainFile);
      }
      if (res.offset === this.knownSize) {
        this.lineCount = (this.lineCount ?? 0) + built.length;
        this.knownSize = res.sizeAfter;
        this.knownMtime = res.mtimeMs;
      } else {
        // Someone wrote without the lock (a hand edit, an older Socratune): count again, ours are the last lines.
        await this.recount();
        const first = (this.lineCount ?? built.length) - built.length + 1;
        added.forEach((a, i) => (a.line = first + i));
      }
      if (provenanceError) for (const a of added) a.provenanceError = provenanceError;
      return added;
    });
  }

  /** Mark provenance records inactive whose example was never written. */
  private async retire(ids: string[]): Promise<void> {
    const at = new Date().toISOString();
    await appendLines(
      this.file('provenance'),
      ids.map((id) => JSON.stringify({ op: 'remove', id, at, reason: 'not-written' })),
    );
  }

  /** Read provenance.jsonl and fold adds/removes into the active records. */
  async readProvenance(): Promise<{ records: Map<string, ProvenanceRecord>; issues: LoadIssue[] }> {
    const scan = await scanJsonlFile(this.file('provenance'));
    const records = new Map<string, ProvenanceRecord>();
    const issues: LoadIssue[] = [];
    for (const l of scan.lines) {
      if (l.blank) continue;
      if (l.problem) {
        issues.push({
          split: 'provenance',
          file: this.file('provenance'),
          line: l.line,
          problem: l.problem,
          message: `${FILES.provenance}: ${l.message}`,
          preview: preview(l.raw),
        });
        continue;
      }
      const e = l.value as ProvenanceEntry | null;
      if (e && typeof e === 'object' && e.op === 'add' && typeof e.id === 'string' && typeof e.hash === 'string') records.set(e.id, e);
      else if (e && typeof e === 'object' && e.op === 'remove' && typeof e.id === 'string') records.delete(e.id);
      else
        issues.push({
          split: 'provenance',
          file: this.file('provenance'),
          line: l.line,
          problem: 'not-chat',
          message: `${FILES.provenance}: line ${l.line} is not a provenance entry`,
          preview: preview(l.raw),
        });
    }
    return { records, issues };
  }

  /** Read everything: examples of both splits, problems with line numbers, provenance joined by hash. */
  async snapshot(): Promise<DatasetSnapshot> {
    return serialize(this.dir, () => this.snapshotUnlocked());
  }

  private async snapshotUnlocked(): Promise<DatasetSnapshot> {
    const settings = await this.reloadSettings();
    const { records, issues: provIssues } = await this.readProvenance();
    const byHash = new Map<string, ProvenanceRecord[]>();
    const byPassage = new Map<string, ProvenanceRecord[]>();
    for (const r of records.values()) {
      push(byHash, r.hash, r);
      push(byPassage, r.passageHash, r);
    }
    const used = new Set<string>();
    const examples: StoredExample[] = [];
    const issues: LoadIssue[] = [];
    const lineCounts: Record<SplitName, number> = { train: 0, validation: 0 };
    const pending: StoredExample[] = [];
    for (const split of ['train', 'validation'] as const) {
      const file = this.file(split);
      const scan = await scanJsonlFile(file);
      lineCounts[split] = scan.lineCount;
      if (split === 'train') {
        this.lineCount = scan.lineCount;
        this.knownSize = scan.size;
        this.knownMtime = await fsp.stat(file).then(
          (st) => st.mtimeMs,
          () => undefined,
        );
      }
      if (scan.hadBom)
        issues.push({
          split,
          file,
          line: 1,
          problem: 'bom',
          message: `${fileForSplit(split)} starts with a byte order mark (BOM); OpenAI may reject it.`,
          preview: '',
        });
      for (const l of scan.lines) {
        if (l.blank) continue;
        if (l.problem) {
          issues.push({ split, file, line: l.line, problem: l.problem, message: `${fileForSplit(split)}: ${l.message}`, preview: preview(l.raw) });
          continue;
        }
        if (!isChat(l.value)) {
          issues.push({
            split,
            file,
            line: l.line,
            problem: 'not-chat',
            message: `${fileForSplit(split)}: line ${l.line} is JSON but not a chat example (no "messages" array)`,
            preview: preview(l.raw),
          });
          continue;
        }
        const assistant = assistantText(l.value);
        const ex: StoredExample = {
          split,
          line: l.line,
          value: l.value,
          raw: l.raw,
          key: exampleKey(l.value),
          passageHash: passageHash(assistant),
          user: userText(l.value),
          assistant,
        };
        const rec = pick(byHash.get(ex.key), used, l.line);
        if (rec) ex.record = rec;
        else pending.push(ex);
        examples.push(ex);
      }
    }
    // Second pass: examples whose prompt was edited by hand still join by their passage.
    for (const ex of pending) {
      const rec = pick(byPassage.get(ex.passageHash), used, ex.line);
      if (rec) ex.record = rec;
    }
    return { dir: this.dir, settings, examples, issues: [...issues, ...provIssues], provenance: records, lineCounts };
  }

  /**
   * Undo: remove exactly the examples added under `ids`, found by content hash wherever they are now
   * (hand edits elsewhere move lines; that does not matter). An example whose prompt was edited is still
   * found by its passage when that is unambiguous. Every other byte of the files is kept.
   */
  async remove(ids: string[]): Promise<RemoveResult> {
    return this.locked(`dataset "${this.name}"`, async () => {
      const { records } = await this.readProvenance();
      const files: Record<SplitName, { buf: Buffer; scan: JsonlScan }> = {
        train: await readScan(this.file('train')),
        validation: await readScan(this.file('validation')),
      };
      const drop: Record<SplitName, Set<number>> = { train: new Set(), validation: new Set() };
      const removed: RemoveResult['removed'] = [];
      const notFound: string[] = [];
      const keyed: { split: SplitName; l: JsonlLine; key: string; ph: string }[] = [];
      for (const split of ['train', 'validation'] as const) {
        for (const l of files[split].scan.lines) {
          if (l.blank || l.problem || !isChat(l.value)) continue;
          keyed.push({ split, l, key: exampleKey(l.value), ph: passageHash(assistantText(l.value)) });
        }
      }
      for (const id of ids) {
        const rec = records.get(id);
        if (!rec) {
          notFound.push(id);
          continue;
        }
        const free = (k: (typeof keyed)[number]) => !drop[k.split].has(k.l.line);
        let cands = keyed.filter((k) => k.key === rec.hash && free(k));
        if (cands.length === 0) {
          const byPassage = keyed.filter((k) => k.ph === rec.passageHash && free(k));
          // Only when unambiguous: a prompt edited by hand, the passage unchanged.
          if (byPassage.length === 1 && !keyed.some((k) => k.ph === rec.passageHash && !free(k))) cands = byPassage;
        }
        if (cands.length === 0) {
          notFound.push(id);
          continue;
        }
        const hint = rec.lineHint ?? Number.MAX_SAFE_INTEGER;
        cands.sort((a, b) => (a.split === b.split ? Math.abs(a.l.line - hint) - Math.abs(b.l.line - hint) : a.split === 'train' ? -1 : 1));
        const c = cands[0];
        drop[c.split].add(c.l.line);
        removed.push({ id, split: c.split, line: c.l.line });
      }
      for (const split of ['train', 'validation'] as const) {
        if (drop[split].size === 0) continue;
        const f = files[split];
        try {
          await writeAtomic(this.file(split), withoutLines(f.buf, f.scan, drop[split]));
        } catch (err) {
          throw ioError(err, fileForSplit(split), this.file(split));
        }
      }
      if (removed.length) {
        const at = new Date().toISOString();
        await appendLines(
          this.file('provenance'),
          removed.map((r) => JSON.stringify({ op: 'remove', id: r.id, at })),
        ).catch(() => undefined);
        await this.recount();
      }
      return { removed, notFound };
    });
  }

  /**
   * Set the training system prompt in dataset.json and, when `rewrite`, in every example whose leading system
   * message is the old dataset prompt (or absent). Examples with their own system message are left alone.
   */
  async setSystemPrompt(prompt: string | undefined, rewrite = true): Promise<SystemPromptResult> {
    return this.locked(`dataset "${this.name}"`, async () => {
      const settings = await readSettings(this.dir);
      const old = settings.systemPrompt;
      const next = prompt && prompt.trim() ? prompt : undefined;
      let updated = 0;
      let keptCustom = 0;
      if (rewrite) {
        for (const split of ['train', 'validation'] as const) {
          const f = await readScan(this.file(split));
          const replace = new Map<number, string>();
          for (const l of f.scan.lines) {
            if (l.blank || l.problem || !isChat(l.value)) continue;
            const v = l.value as { messages: unknown[] } & Record<string, unknown>;
            const first = v.messages[0] as { role?: unknown; content?: unknown } | undefined;
            const hasSystem = !!first && first.role === 'system';
            if (hasSystem && first.content !== old) {
              keptCustom++;
              continue;
            }
            const rest = hasSystem ? v.messages.slice(1) : v.messages;
            const messages = next ? [{ role: 'system', content: next }, ...rest] : rest;
            const line = JSON.stringify({ ...v, messages });
            if (line !== l.raw) {
              replace.set(l.line, line);
              updated++;
            }
          }
          if (replace.size) {
            try {
              await writeAtomic(this.file(split), withLinesReplaced(f.buf, f.scan, replace));
            } catch (err) {
              throw ioError(err, fileForSplit(split), this.file(split));
            }
          }
        }
      }
      const s = { ...settings, systemPrompt: next };
      await writeSettings(this.dir, s);
      this.current = s;
      await this.recount();
      return { updated, keptCustom };
    });
  }

  /**
   * Write a train/validation split: `assignment` maps 'train'/'validation' to the existing raw lines.
   * Refuses while either file has corrupt lines (they would have no place to go).
   * validation.jsonl is written first: a crash between the two renames duplicates, never loses.
   */
  async writeSplit(assign: (ex: StoredExample) => SplitName): Promise<{ train: number; validation: number }> {
    return this.locked(`the split of dataset "${this.name}"`, async () => {
      const snap = await this.snapshotUnlocked();
      const blocking = snap.issues.filter((i) => i.split === 'train' || i.split === 'validation').filter((i) => i.problem !== 'bom');
      if (blocking.length) {
        throw new DatasetError(
          `Cannot split: ${blocking.length} line(s) are not valid examples (first: ${blocking[0].message}). Fix them or move them to quarantine first.`,
          'corrupt',
        );
      }
      const out: Record<SplitName, string[]> = { train: [], validation: [] };
      for (const ex of snap.examples) out[assign(ex)].push(ex.raw);
      try {
        if (out.validation.length || (await exists(this.file('validation')))) {
          await writeAtomic(this.file('validation'), out.validation.map((l) => `${l}\n`).join(''));
        }
        await writeAtomic(this.file('train'), out.train.map((l) => `${l}\n`).join(''));
      } catch (err) {
        throw ioError(err, 'the split', this.dir);
      }
      await this.recount();
      return { train: out.train.length, validation: out.validation.length };
    });
  }

  /**
   * Move problem lines (corrupt, torn, non-UTF-8, non-chat) of `split` to quarantine.jsonl (raw bytes kept,
   * base64 for non-UTF-8) and remove them from the split file. Nothing is lost: the quarantine entry is
   * written and synced before the split file is rewritten.
   */
  async quarantine(split: SplitName, lines: number[]): Promise<number> {
    return this.locked(`dataset "${this.name}"`, async () => {
      const f = await readScan(this.file(split));
      const want = new Set(lines);
      const picked = f.scan.lines.filter((l) => want.has(l.line) && (l.problem || (!l.blank && !isChat(l.value))));
      if (!picked.length) return 0;
      const at = new Date().toISOString();
      await appendLines(
        this.file('quarantine'),
        picked.map((l) =>
          JSON.stringify(
            l.problem === 'not-utf8'
              ? { file: fileForSplit(split), line: l.line, at, problem: l.problem, base64: (l.bytes ?? Buffer.alloc(0)).toString('base64') }
              : { file: fileForSplit(split), line: l.line, at, problem: l.problem ?? 'not-chat', raw: l.raw },
          ),
        ),
      );
      await writeAtomic(this.file(split), withoutLines(f.buf, f.scan, new Set(picked.map((l) => l.line))));
      await this.recount();
      return picked.length;
    });
  }
}

async function readScan(file: string): Promise<{ buf: Buffer; scan: JsonlScan }> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    buf = Buffer.alloc(0);
  }
  return { buf, scan: scanJsonlBuffer(buf) };
}

/** The file bytes with the given 1-based lines cut out (each with its newline); everything else byte-identical. */
export function withoutLines(buf: Buffer, scan: JsonlScan, drop: Set<number>): Buffer {
  return rebuild(buf, scan, (l) => (drop.has(l.line) ? '' : undefined));
}

function withLinesReplaced(buf: Buffer, scan: JsonlScan, replace: Map<number, string>): Buffer {
  return rebuild(buf, scan, (l) => replace.get(l.line));
}

/** Rebuild the buffer line by line: `fn` returns undefined to keep a line's bytes, '' to drop it, text to replace it. */
function rebuild(buf: Buffer, scan: JsonlScan, fn: (l: JsonlLine) => string | undefined): Buffer {
  const parts: Buffer[] = [];
  const first = scan.lines[0]?.offset ?? buf.length;
  if (first > 0) parts.push(buf.subarray(0, first));
  for (let i = 0; i < scan.lines.length; i++) {
    const l = scan.lines[i];
    const end = i + 1 < scan.lines.length ? scan.lines[i + 1].offset : buf.length;
    const r = fn(l);
    if (r === undefined) parts.push(buf.subarray(l.offset, end));
    else if (r !== '') {
      const terminated = end > l.offset && buf[end - 1] === 0x0a;
      parts.push(Buffer.from(terminated ? `${r}\n` : r, 'utf8'));
    }
  }
  return Buffer.concat(parts);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function pick(list: ProvenanceRecord[] | undefined, used: Set<string>, line: number): ProvenanceRecord | undefined {
  if (!list) return undefined;
  let best: ProvenanceRecord | undefined;
  for (const r of list) {
    if (used.has(r.id)) continue;
    if (!best || Math.abs((r.lineHint ?? Infinity) - line) < Math.abs((best.lineHint ?? Infinity) - line)) best = r;
  }
  if (best) used.add(best.id);
  return best;
}
