import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { appendDurable, removeStaleTemps, writeFileDurable } from '../fs/durable';
import { decode } from '../../shared/decode';
import { scanJsonlText } from '../dataset/jsonl';
import { newId, toMarkdown } from './conversation';
import { ConversationMetaSchema, ConversationSummarySchema, LogStampSchema, TurnSchema, type LogStamp } from './schema';
import { Conversation, ConversationMeta, ConversationSummary, MAX_TITLE_LENGTH, Turn } from './types';

/**
 * Conversation history on disk: one append-only JSONL log per conversation plus a small index.
 *
 *   <dir>/conversations/<id>.jsonl   {"op":"meta",...} then {"op":"turn",turn} (upsert by turn id),
 *                                     {"op":"truncate",keep}, {"op":"title",title}
 *   <dir>/index.json                 summaries for the list, with each log's size and mtime as of its entry
 *                                    (a log that differs is replayed; rebuilt from the logs if missing/corrupt)
 *
 * Why a log: saving a turn is one small append whatever the conversation's length (a 500-turn
 * conversation costs the same per turn as a 5-turn one); the file is compacted (rewritten atomically:
 * temp file + fsync + rename + fsync of the folder) when dead records outweigh live ones. Every write is
 * fsynced before its promise resolves (core/fs/durable), so a resolved write survives a killed process and a
 * power loss. A torn last line is skipped on load; everything before it survives. Temp files left by a
 * process that died mid-rewrite are removed on first use. All operations on one conversation are serialized.
 */
export class HistoryStore {
  private readonly convDir: string;
  private readonly indexFile: string;
  private index: Map<string, ConversationSummary> | undefined;
  private readonly live = new Map<string, LiveState>();
  /** Size and mtime of each log as of its index entry: a log that differs is replayed (see `loadIndex`). */
  private readonly stamps = new Map<string, LogStamp>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Lines skipped while loading (torn or invalid), for diagnostics. */
  skippedLines = 0;
  /** Temp files of dead writers removed on first use, for diagnostics. */
  removedTemps: string[] = [];
  private cleaned: Promise<void> | undefined;

  constructor(readonly dir: string) {
    this.convDir = path.join(dir, 'conversations');
    this.indexFile = path.join(dir, 'index.json');
  }

  /** Summaries, most recently updated first. */
  async list(): Promise<ConversationSummary[]> {
    const index = await this.loadIndex();
    return [...index.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async create(opts: { title?: string; model?: string; id?: string } = {}): Promise<Conversation> {
    const now = Date.now();
    const meta: ConversationMeta = {
      id: opts.id ?? newId('conv'),
      title: cleanTitle(opts.title) || 'New conversation',
      createdAt: now,
      updatedAt: now,
      ...(opts.model ? { model: opts.model } : {}),
    };
    return this.serial(meta.id, async () => {
      await this.cleanOnce();
      await fs.mkdir(this.convDir, { recursive: true });
      await writeFileDurable(this.file(meta.id), JSON.stringify({ op: 'meta', v: 1, meta }) + '\n');
      this.live.set(meta.id, { meta, turns: [], ids: new Map(), records: 1 });
      await this.updateIndex(meta.id, { ...meta, turnCount: 0 }, await this.stampOf(meta.id));
      return { ...meta, turns: [] };
    });
  }

  async load(id: string): Promise<Conversation | undefined> {
    if (!isSafeId(id)) return undefined;
    return this.serial(id, async () => {
      const st = await this.state(id);
      return st ? { ...st.meta, turns: [...st.turns] } : undefined;
    });
  }

  /** Insert or replace (by id) one turn; O(1) on disk. */
  async putTurn(id: string, turn: Turn, patch: { model?: string } = {}): Promise<void> {
    await this.serial(id, async () => {
      const st = await this.required(id);
      const at = st.ids.get(turn.id);
      if (at === undefined) {
        st.ids.set(turn.id, st.turns.length);
        st.turns.push(turn);
      } else {
        st.turns[at] = turn;
      }
      st.meta = { ...st.meta, updatedAt: Date.now(), ...(patch.model ? { model: patch.model } : {}) };
      await this.append(id, st, { op: 'turn', turn, ...(patch.model ? { model: patch.model } : {}), at: st.meta.updatedAt });
    });
  }

  /** Keep only the first `keep` turns (edit-and-resubmit, regenerate). */
  async truncate(id: string, keep: number): Promise<void> {
    await this.serial(id, async () => {
      const st = await this.required(id);
      if (keep >= st.turns.length) return;
      for (const t of st.turns.splice(Math.max(0, keep))) st.ids.delete(t.id);
      st.meta = { ...st.meta, updatedAt: Date.now() };
      await this.append(id, st, { op: 'truncate', keep, at: st.meta.updatedAt });
    });
  }

  async rename(id: string, title: string): Promise<void> {
    const clean = cleanTitle(title);
    if (!clean) throw new Error('A conversation title cannot be empty.');
    await this.serial(id, async () => {
      const st = await this.required(id);
      st.meta = { ...st.meta, title: clean };
      await this.append(id, st, { op: 'title', title: clean });
    });
  }

  async delete(id: string): Promise<boolean> {
    if (!isSafeId(id)) return false;
    return this.serial(id, async () => {
      this.live.delete(id);
      let existed = true;
      await fs.unlink(this.file(id)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') existed = false;
        else throw e;
      });
      const index = await this.loadIndex();
      existed = index.delete(id) || existed;
      this.stamps.delete(id);
      await this.saveIndex();
      return existed;
    });
  }

  async exportMarkdown(id: string): Promise<string | undefined> {
    const conv = await this.load(id);
    return conv ? toMarkdown(conv) : undefined;
  }

  /** Wait for every queued write (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.queues.values()].map((p) => p.catch(() => undefined)));
  }

  // ---- internals ----

  private file(id: string): string {
    return path.join(this.convDir, `${id}.jsonl`);
  }

  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.queues.set(id, next);
    void next
      .finally(() => {
        if (this.queues.get(id) === next) this.queues.delete(id);
      })
      .catch(() => undefined);
    return next;
  }

  private async required(id: string): Promise<LiveState> {
    const st = await this.state(id);
    if (!st) throw new Error(`Conversation ${id} does not exist.`);
    return st;
  }

  /** Remove the temp files of writers that died mid-rewrite (once per store). */
  private cleanOnce(): Promise<void> {
    this.cleaned ??= (async () => {
      for (const d of [this.convDir, this.dir]) this.removedTemps.push(...(await removeStaleTemps(d).catch(() => [])));
    })();
    return this.cleaned;
  }

  private async state(id: string): Promise<LiveState | undefined> {
    if (!isSafeId(id)) return undefined;
    const cached = this.live.get(id);
    if (cached) return cached;
    await this.cleanOnce();
    let raw: string;
    try {
      raw = await fs.readFile(this.file(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const st = this.replay(id, raw);
    if (!st) return undefined;
    this.live.set(id, st);
    if (st.records > 2 * st.turns.length + 20) await this.compact(id, st);
    return st;
  }

  private replay(id: string, raw: string): LiveState | undefined {
    let st: LiveState | undefined;
    for (const line of scanJsonlText(raw).lines) {
      if (line.blank) continue;
      const rec = line.value;
      if (line.problem || !isRecord(rec)) {
        this.skippedLines++;
        continue;
      }
      const meta = rec.op === 'meta' ? decode(ConversationMetaSchema, rec.meta) : undefined;
      const turn = rec.op === 'turn' ? decode(TurnSchema, rec.turn) : undefined;
      if (meta?.ok) {
        st = { meta: { ...meta.value, id }, turns: [], ids: new Map(), records: 0 };
      } else if (!st) {
        this.skippedLines++;
        continue;
      } else if (turn?.ok) {
        const at = st.ids.get(turn.value.id);
        if (at === undefined) {
          st.ids.set(turn.value.id, st.turns.length);
          st.turns.push(turn.value);
        } else st.turns[at] = turn.value;
        st.meta = { ...st.meta, ...(typeof rec.at === 'number' ? { updatedAt: rec.at } : {}), ...(typeof rec.model === 'string' ? { model: rec.model } : {}) };
      } else if (rec.op === 'truncate' && typeof rec.keep === 'number') {
        for (const t of st.turns.splice(Math.max(0, rec.keep))) st.ids.delete(t.id);
        if (typeof rec.at === 'number') st.meta = { ...st.meta, updatedAt: rec.at };
      } else if (rec.op === 'title' && typeof rec.title === 'string') {
        st.meta = { ...st.meta, title: rec.title };
      } else {
        this.skippedLines++;
        continue;
      }
      st.records++;
    }
    return st;
  }

  private async append(id: string, st: LiveState, rec: object): Promise<void> {
    st.records++;
    let stamp: LogStamp | undefined;
    if (st.records > 2 * st.turns.length + 20) {
      await this.compact(id, st);
      stamp = await this.stampOf(id);
    } else {
      const { sizeAfter, mtimeMs } = await appendDurable(this.file(id), [JSON.stringify(rec)]);
      stamp = { size: sizeAfter, mtimeMs };
    }
    await this.updateIndex(id, { ...st.meta, turnCount: st.turns.length }, stamp);
  }

  private stampOf(id: string): Promise<LogStamp | undefined> {
    return fs.stat(this.file(id)).then(
      (st) => ({ size: st.size, mtimeMs: st.mtimeMs }),
      () => undefined,
    );
  }

  /** Rewrite the log as meta + live turns, atomically. */
  private async compact(id: string, st: LiveState): Promise<void> {
    const lines = [JSON.stringify({ op: 'meta', v: 1, meta: st.meta }), ...st.turns.map((turn) => JSON.stringify({ op: 'turn', turn }))];
    await writeFileDurable(this.file(id), lines.join('\n') + '\n');
    st.records = 1 + st.turns.length;
  }

  private async loadIndex(): Promise<Map<string, ConversationSummary>> {
    if (this.index) return this.index;
    await this.cleanOnce();
    const index = new Map<string, ConversationSummary>();
    let trusted = false;
    const recorded = new Map<string, LogStamp>();
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.indexFile, 'utf8'));
      if (isRecord(parsed) && Array.isArray(parsed.conversations)) {
        for (const s of parsed.conversations) {
          const summary = decode(ConversationSummarySchema, s);
          if (summary.ok) index.set(summary.value.id, summary.value);
        }
        if (isRecord(parsed.logs))
          for (const [id, raw] of Object.entries(parsed.logs)) {
            const stamp = decode(LogStampSchema, raw);
            if (stamp.ok) recorded.set(id, stamp.value);
          }
        trusted = true;
      }
    } catch {
      // Missing or corrupt: rebuilt from the logs below.
    }
    // Logs are the truth: add any conversation the index lacks (e.g. crash between log write and index write).
    let names: string[] = [];
    try {
      names = (await fs.readdir(this.convDir)).filter((n) => n.endsWith('.jsonl'));
    } catch {
      names = [];
    }
    const onDisk = new Set(names.map((n) => n.slice(0, -'.jsonl'.length)));
    for (const id of index.keys()) if (!onDisk.has(id)) index.delete(id);
    for (const id of onDisk) {
      // A log that is not the size and mtime its index entry recorded was written after the index (a crash between
      // the log append and the index write): it is replayed. Not mtimes compared with each other: file times have
      // the kernel clock's coarse granularity, so an append right after the index write can carry the same time.
      const now = await this.stampOf(id);
      const was = recorded.get(id);
      if (index.has(id) && trusted && now && was && now.size === was.size && now.mtimeMs === was.mtimeMs) {
        this.stamps.set(id, now);
        continue;
      }
      const st =
        this.live.get(id) ??
        (await fs
          .readFile(this.file(id), 'utf8')
          .then((raw) => this.replay(id, raw))
          .catch(() => undefined));
      if (st) index.set(id, { ...st.meta, turnCount: st.turns.length });
      if (now) this.stamps.set(id, now);
    }
    this.index = index;
    return index;
  }

  private async updateIndex(id: string, summary: ConversationSummary, stamp: LogStamp | undefined): Promise<void> {
    const index = await this.loadIndex();
    index.set(id, summary);
    if (stamp) this.stamps.set(id, stamp);
    else this.stamps.delete(id);
    await this.saveIndex();
  }

  private indexWrite: Promise<void> = Promise.resolve();
  private async saveIndex(): Promise<void> {
    const index = this.index;
    if (!index) return;
    const run = async (): Promise<void> => {
      await fs.mkdir(this.dir, { recursive: true });
      await writeFileDurable(this.indexFile, JSON.stringify({ v: 1, conversations: [...index.values()], logs: Object.fromEntries(this.stamps) }));
    };
    this.indexWrite = this.indexWrite.catch(() => undefined).then(run);
    await this.indexWrite;
  }
}

interface LiveState {
  meta: ConversationMeta;
  turns: Turn[];
  ids: Map<string, number>;
  /** Records in the log file (live + dead), to decide when to compact. */
  records: number;
}

function cleanTitle(t: string | undefined): string {
  return (t ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_LENGTH);
}

export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,80}$/.test(id);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
