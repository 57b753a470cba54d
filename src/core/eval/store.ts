/**
 * The evaluation folder on disk: the plan is written once (atomically), results and ratings are append-only JSONL
 * whose lines are each written and flushed (fdatasync) before the next, so a crash or a window reload loses at most
 * the line being written. A torn last line is ignored on read and cut off before the next append.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as v from 'valibot';
import { PlanSchema, RatingLineSchema, ResultLineSchema, parseWith, replyKey, type EvalPlan, type RatingLine, type ResultLine } from './schema';

export const EVALS_DIR = path.join('.socratune', 'evals');
export const FILES = { plan: 'plan.json', results: 'results.jsonl', ratings: 'ratings.jsonl' } as const;

/** `<workspace>/.socratune/evals/<name>`; refuses names that are not a plain folder name. */
export function evalDir(workspaceRoot: string, name: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name) || name === '.' || name === '..') {
    throw new Error(`"${name}" is not a valid evaluation name: use 1–64 letters, digits, ".", "_" or "-".`);
  }
  return path.join(workspaceRoot, EVALS_DIR, name);
}

export async function readPlan(dir: string): Promise<EvalPlan> {
  const file = path.join(dir, FILES.plan);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`No evaluation plan at ${file}.`);
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON.`);
  }
  return parseWith(PlanSchema, json, file);
}

/**
 * Writes plan.json (temp file + rename). An existing plan is kept when it is the same plan (resume) and refused
 * when it differs, so results are never mixed across plans.
 */
export async function writePlan(dir: string, plan: EvalPlan): Promise<'created' | 'existing'> {
  const checked = parseWith(PlanSchema, plan, 'evaluation plan');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, FILES.plan);
  const existing = await readPlan(dir).catch((e: Error) => (e.message.startsWith('No evaluation plan') ? undefined : Promise.reject(e)));
  if (existing) {
    if (JSON.stringify(existing) === JSON.stringify(checked)) return 'existing';
    throw new Error(`An evaluation named "${plan.name}" with a different plan already exists; choose another name.`);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(checked, null, 2)}\n`, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  return 'created';
}

export interface JsonlRead<T> {
  readonly items: T[];
  /** 1-based lines that are not valid (not counting a torn last line), with the reason. */
  readonly invalid: { line: number; message: string }[];
}

async function readJsonl<S extends v.GenericSchema>(file: string, schema: S): Promise<JsonlRead<v.InferOutput<S>>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { items: [], invalid: [] };
    throw e;
  }
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') ? lines.length - 1 : -1;
  const items: v.InferOutput<S>[] = [];
  const invalid: { line: number; message: string }[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      items.push(parseWith(schema, JSON.parse(line), `line ${i + 1}`));
    } catch (e) {
      if (i !== torn) invalid.push({ line: i + 1, message: e instanceof SyntaxError ? `line ${i + 1}: not valid JSON` : (e as Error).message });
    }
  });
  return { items, invalid };
}

/** Where each reply is in results.jsonl: reply key → its 0-based line and raw text (provenance points at it). */
export async function resultLocations(dir: string): Promise<Map<string, { line: number; raw: string }>> {
  const text = await fs.readFile(path.join(dir, FILES.results), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
  const out = new Map<string, { line: number; raw: string }>();
  text.split('\n').forEach((raw, line) => {
    if (!raw.trim()) return;
    try {
      const r = parseWith(ResultLineSchema, JSON.parse(raw), `line ${line + 1}`);
      if (!out.has(replyKey(r))) out.set(replyKey(r), { line, raw });
    } catch {
      // reported by readResults
    }
  });
  return out;
}

export const readResults = (dir: string): Promise<JsonlRead<ResultLine>> => readJsonl(path.join(dir, FILES.results), ResultLineSchema);
export const readRatings = (dir: string): Promise<JsonlRead<RatingLine>> => readJsonl(path.join(dir, FILES.ratings), RatingLineSchema);

/**
 * A file that does not end with a newline was cut mid-write: a last line that parses is completed, one that does
 * not (a sample never acknowledged as done) is cut off, so the next append starts on a line of its own.
 */
async function repairTail(file: string): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (text === '' || text.endsWith('\n')) return;
  const start = text.lastIndexOf('\n') + 1;
  let complete = true;
  try {
    JSON.parse(text.slice(start));
  } catch {
    complete = false;
  }
  if (complete) await fs.appendFile(file, '\n');
  else await fs.truncate(file, Buffer.byteLength(text.slice(0, start), 'utf8'));
}

/** Appends one JSON value per line, each flushed before the promise resolves; appends are serialized. */
export class AppendLog {
  private chain: Promise<void> = Promise.resolve();
  private handle: Promise<fs.FileHandle> | undefined;

  constructor(readonly file: string) {}

  append(value: unknown): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    const next = this.chain.then(async () => {
      const h = await this.open();
      await h.write(line);
      await h.datasync();
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.chain;
    const h = this.handle;
    this.handle = undefined;
    if (h) await (await h).close();
  }

  private open(): Promise<fs.FileHandle> {
    this.handle ??= (async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await repairTail(this.file);
      return fs.open(this.file, 'a');
    })();
    return this.handle;
  }
}

export const resultsLog = (dir: string): AppendLog => new AppendLog(path.join(dir, FILES.results));
export const ratingsLog = (dir: string): AppendLog => new AppendLog(path.join(dir, FILES.ratings));
