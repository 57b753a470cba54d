import { constants as FS, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps, withFileLock } from '../fs/durable';
import { appendLines, assertWritableDir, DatasetError, exists, ioError, serialize, writeAtomic } from './fsutil';
import { repairUnwrittenTail } from './storeRepair';
import { JsonlScan, scanJsonlFile } from './jsonl';
import { DatasetSettings, FILES, fileForSplit, ProvenanceRecord, SplitName } from './types';
import { checkDatasetName, defaultSettings, readSettings, writeSettings } from './settings';
import {
  AddedExample,
  buildExample,
  DatasetSnapshot,
  isChat,
  LoadIssue,
  NewExample,
  plannedAdds,
  RemoveResult,
  StoredExample,
  StoreOptions,
  SystemPromptResult,
} from './storeModel';
import {
  examplesOfScan,
  matchForRemoval,
  pick,
  push,
  quarantineRecords,
  readProvenanceFile,
  readScan,
  systemPromptRewrites,
  withLinesReplaced,
  withoutLines,
} from './storeRead';

export type { AddedExample, DatasetSnapshot, LoadIssue, NewExample, RemoveResult, StoredExample } from './storeModel';

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
      const { added, records } = plannedAdds(list, built, firstLine, trainFile, this.dir);
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
    return readProvenanceFile(this.file('provenance'));
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
      const read = examplesOfScan(split, file, scan, (ex) => pick(byHash.get(ex.key), used, ex.line));
      issues.push(...read.issues);
      examples.push(...read.examples);
      pending.push(...read.unjoined);
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
      const { drop, removed, notFound } = matchForRemoval(ids, records, files);
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
          const { replace, kept } = systemPromptRewrites(f.scan, old, next);
          keptCustom += kept;
          updated += replace.size;
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
      await appendLines(this.file('quarantine'), quarantineRecords(split, picked));
      await writeAtomic(this.file(split), withoutLines(f.buf, f.scan, new Set(picked.map((l) => l.line))));
      await this.recount();
      return picked.length;
    });
  }
}
