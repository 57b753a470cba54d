/**
 * Trainer log → training curves, for logs written by MLX-LM (`mlx_lm.lora`) and by Hugging Face Trainer-based tools
 * (TRL, Unsloth, Axolotl, LLaMA-Factory). Incremental: `feed()` chunks as the file grows, read `result()` any time.
 *
 * Rules: a point is only what a log line states; nothing is interpolated. A `nan`/`inf` loss is not a point (JSON has no
 * such number) but a problem quoting its line. Steps are the trainer's own (`Iter 10:` for MLX, a `step`/`current_steps`
 * key for Hugging Face dicts); a Hugging Face dict line without a step gets its 1-based order among the loss lines,
 * marked `ordinal: true` (an eval dict gets the order of the last loss line before it, 0 before any). tqdm bars redrawn
 * with `\r` are split like lines; text before or after a metric on the same line (a bar, a prefix) is ignored.
 */
import { dictsIn, numeric, pyNumber, type DictValue } from './pyDict';
import { CrashCollector } from './crash';

export type TrainerLogFormat = 'mlx' | 'hf';

export interface LossPoint {
  step: number;
  loss: number;
  /** The log did not say the step: this is the dict line's 1-based order among the loss lines. */
  ordinal?: true;
}
export interface LrPoint {
  step: number;
  lr: number;
  ordinal?: true;
}

export interface LogProblem {
  kind: 'nan' | 'inf' | 'crash' | 'restart';
  /** What was not finite (`loss`, `eval_loss`, `grad_norm`…) for nan/inf. */
  field?: string;
  /** 1-based line of the file where it was first seen. */
  line: number;
  step?: number;
  message: string;
  /** The log lines that show it (a traceback is shortened to its first and last lines). */
  lines: string[];
  /** nan/inf: how many lines had it (only the first is quoted). */
  count?: number;
}

export interface TrainerLogResult {
  format: TrainerLogFormat | null;
  train: LossPoint[];
  eval: LossPoint[];
  lr: LrPoint[];
  problems: LogProblem[];
  /** Last known step and the total the trainer announced (MLX `iters: N`, HF `Total optimization steps = N`). */
  progress?: { step?: number; total?: number };
  /** Hugging Face's closing `{'train_runtime': …, 'train_loss': …}` when seen. */
  summary?: { trainLoss?: number; trainRuntime?: number };
}

const MLX_TRAIN = /Iter (\d+): Train loss ([^,\s]+)/;
const MLX_VAL = /Iter (\d+): Val loss ([^,\s]+)/;
const MLX_LR = /Learning Rate ([^,\s]+)/;
const MLX_START = /Starting training\.*,? iters: (\d+)/;
const HF_TOTAL = /Total (?:optimization )?steps = ([\d,]+)/;
const TQDM = /(\d+)\/(\d+) \[[\d:<?]+/g;
const MAX_SEGMENT = 1 << 20;

export class TrainerLogParser {
  private readonly forced: TrainerLogFormat | undefined;
  private format: TrainerLogFormat | null = null;
  private buffer = '';
  private lineNo = 1;
  private hfLossLines = 0;
  private readonly out: Omit<TrainerLogResult, 'format'> = { train: [], eval: [], lr: [], problems: [] };
  private readonly nonFinite = new Map<string, LogProblem>();
  private readonly crash = new CrashCollector();
  private sawStart = false;
  /** A restart was just reported from a `Starting training` line: the steps going back are that same restart. */
  private restarted = false;

  constructor(format: TrainerLogFormat | 'auto' = 'auto') {
    this.forced = format === 'auto' ? undefined : format;
    this.format = this.forced ?? null;
  }

  /** Feed the next piece of the log (any size; a line may be split across chunks). */
  feed(chunk: string): void {
    let text = this.buffer + chunk;
    this.buffer = '';
    const re = /\r\n|\n|\r/g;
    let start = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      // A lone `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
      if (m[0] === '\r' && m.index === text.length - 1) break;
      this.segment(text.slice(start, m.index));
      if (m[0] !== '\r') this.lineNo++;
      start = m.index + m[0].length;
    }
    text = text.slice(start);
    if (text.length > MAX_SEGMENT) this.segment(text);
    else this.buffer = text;
  }

  /** The file ended (or the run stopped): parse the last unterminated line and close an open traceback. */
  end(): void {
    if (this.buffer) this.segment(this.buffer);
    this.buffer = '';
    const open = this.crash.flush(this.lastStep());
    if (open) this.out.problems.push(open);
  }

  result(): TrainerLogResult {
    return { format: this.format, ...this.out, train: [...this.out.train], eval: [...this.out.eval], lr: [...this.out.lr], problems: [...this.out.problems] };
  }

  private segment(raw: string): void {
    if (raw.length === 0) return;
    const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex
    const crash = this.crash.line(line, this.lineNo, this.lastStep());
    if (crash) this.out.problems.push(crash);
    this.progressFrom(line);
    if (this.format !== 'hf' && this.mlx(line)) this.format ??= 'mlx';
    else if (this.format !== 'mlx' && this.hf(line)) this.format ??= 'hf';
  }

  private lastStep(): number | undefined {
    return this.out.train.at(-1)?.step;
  }

  private progressFrom(line: string): void {
    const start = MLX_START.exec(line) ?? HF_TOTAL.exec(line);
    if (start) {
      if (this.sawStart && this.out.train.length > 0) {
        this.restart(line, 'the trainer started again (a resumed or restarted run)');
        this.restarted = true;
      }
      this.sawStart = true;
      this.out.progress = { ...this.out.progress, total: Number(start[1]!.replace(/,/g, '')) };
      return;
    }
    const total = this.out.progress?.total;
    if (total === undefined || this.format === 'mlx') return;
    for (const m of line.matchAll(TQDM)) if (Number(m[2]) === total) this.out.progress = { total, step: Number(m[1]) };
  }

  private restart(line: string, message: string): void {
    this.out.problems.push({ kind: 'restart', line: this.lineNo, message, lines: [clip(line)], ...stepOf(this.lastStep()) });
  }

  private mlx(line: string): boolean {
    const t = MLX_TRAIN.exec(line);
    const v = t ? null : MLX_VAL.exec(line);
    const m = t ?? v;
    if (!m) return false;
    const step = Number(m[1]);
    const loss = pyNumber(m[2]!);
    if (t) {
      const prev = this.lastStep();
      if (prev !== undefined && step <= prev && !this.restarted) this.restart(line, `the steps went back from ${prev} to ${step} (a resumed or restarted run)`);
      this.restarted = false;
      const lr = MLX_LR.exec(line);
      const rate = lr ? pyNumber(lr[1]!) : undefined;
      if (rate !== undefined && Number.isFinite(rate)) this.out.lr.push({ step, lr: rate });
    }
    this.point(t ? this.out.train : this.out.eval, t ? 'loss' : 'val_loss', step, loss, line, false);
    this.out.progress = { ...this.out.progress, step: Math.max(step, t ? step : (this.out.progress?.step ?? 0)) };
    return true;
  }

  private hf(line: string): boolean {
    let found = false;
    for (const d of dictsIn(line)) {
      if ('train_loss' in d || ('train_runtime' in d && !('loss' in d) && !('eval_loss' in d))) {
        this.summary(d);
        found = true;
        continue;
      }
      const loss = 'loss' in d ? d.loss : undefined;
      const evalLoss = d.eval_loss;
      if (loss === undefined && evalLoss === undefined) continue;
      found = true;
      const explicit = numeric(d.step ?? d.current_steps ?? d.global_step);
      if (loss !== undefined) this.hfLossLines++;
      const step = explicit ?? this.hfLossLines;
      const ordinal = explicit === undefined;
      for (const [k, v] of Object.entries(d)) {
        const n = numeric(v);
        if (k !== 'loss' && k !== 'eval_loss' && n !== undefined && !Number.isFinite(n)) this.nonFiniteSeen(k, n, step, line);
      }
      if (loss !== undefined) {
        this.point(this.out.train, 'loss', step, numeric(loss), line, ordinal);
        const lr = numeric(d.learning_rate ?? d.lr);
        if (lr !== undefined && Number.isFinite(lr)) this.out.lr.push({ step, lr, ...(ordinal ? { ordinal: true as const } : {}) });
      }
      if (evalLoss !== undefined) this.point(this.out.eval, 'eval_loss', step, numeric(evalLoss), line, ordinal);
    }
    return found;
  }

  private summary(d: Record<string, DictValue>): void {
    const trainLoss = numeric(d.train_loss);
    const trainRuntime = numeric(d.train_runtime);
    this.out.summary = { ...(trainLoss !== undefined ? { trainLoss } : {}), ...(trainRuntime !== undefined ? { trainRuntime } : {}) };
  }

  private point(into: LossPoint[], field: string, step: number, loss: number | undefined, line: string, ordinal: boolean): void {
    if (loss === undefined) return;
    if (!Number.isFinite(loss)) return this.nonFiniteSeen(field, loss, step, line);
    into.push({ step, loss, ...(ordinal ? { ordinal: true as const } : {}) });
  }

  private nonFiniteSeen(field: string, value: number, step: number, line: string): void {
    const kind = Number.isNaN(value) ? 'nan' : 'inf';
    const key = `${kind}:${field}`;
    const seen = this.nonFinite.get(key);
    if (seen) {
      seen.count = (seen.count ?? 1) + 1;
      return;
    }
    const p: LogProblem = { kind, field, line: this.lineNo, step, message: `${field} is ${String(value)} at step ${step}`, lines: [clip(line)], count: 1 };
    this.nonFinite.set(key, p);
    this.out.problems.push(p);
  }
}

/** Parse a whole log at once. */
export function parseTrainerLog(text: string, format: TrainerLogFormat | 'auto' = 'auto'): TrainerLogResult {
  const p = new TrainerLogParser(format);
  p.feed(text);
  p.end();
  return p.result();
}

function clip(line: string): string {
  const t = line.trimEnd();
  return t.length > 400 ? `${t.slice(0, 400)}…` : t;
}

function stepOf(step: number | undefined): { step?: number } {
  return step === undefined ? {} : { step };
}
