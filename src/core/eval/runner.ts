/**
 * Runs an evaluation plan: every question × contestant × sample that results.jsonl does not hold yet, at most
 * `concurrency` requests at a time per backend, retrying 429 (honouring retry-after) and 5xx, cancellable with an
 * AbortSignal, each finished sample appended durably. The model call is injected (`complete`), so the glue passes
 * one built on the openai SDK and the tests run the same SDK against the emulator.
 */
import { createHash } from 'node:crypto';
import { retryAfterMs } from '../http/retryAfter';
import { replyKey, type Contestant, type EvalPlan, type Question, type ResultLine } from './schema';
import { readResults, resultsLog } from './store';

export interface CompletionRequest {
  readonly model: string;
  readonly backend: string;
  readonly messages: { role: 'system' | 'user'; content: string }[];
  readonly temperature: number;
  readonly seed: number;
  readonly maxTokens?: number;
}

export interface CompletionResult {
  readonly text: string;
  readonly finishReason?: string;
  readonly usage?: { prompt: number; completion: number };
}

export type Complete = (request: CompletionRequest, signal: AbortSignal) => Promise<CompletionResult>;

export interface EvalProgress {
  readonly total: number;
  /** Samples finished, this run and earlier ones. */
  readonly done: number;
  readonly doneThisRun: number;
  /** Samples that failed this run after their retries (not written; a later run tries them again). */
  readonly failed: number;
  readonly retries: number;
  readonly elapsedMs: number;
  /** From this run's pace; undefined until a sample has finished. */
  readonly etaMs: number | undefined;
  /** USD for the samples with a known price (all runs); `spendComplete` is false when some price is unknown. */
  readonly spendUsd: number;
  readonly spendComplete: boolean;
  readonly tokens: { prompt: number; completion: number };
}

export interface RunOptions {
  readonly complete: Complete;
  readonly signal?: AbortSignal;
  /** Requests at once per backend: one number for all, or per backend name (default 2). */
  readonly concurrency?: number | Readonly<Record<string, number>>;
  /** Attempts per sample for retryable errors (429, 5xx, connection), default 5. */
  readonly maxAttempts?: number;
  readonly onProgress?: (p: EvalProgress) => void;
  readonly onError?: (task: Task, error: unknown) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface RunOutcome {
  readonly progress: EvalProgress;
  readonly cancelled: boolean;
}

export interface Task {
  readonly question: Question;
  readonly contestant: Contestant;
  readonly sample: number;
}

/** The request seed of one sample: the same for every contestant (common random numbers), stable across runs. */
export function sampleSeed(plan: EvalPlan, questionId: string, sample: number): number {
  return createHash('sha256').update(`${plan.seed}\u0000${questionId}\u0000${sample}`).digest().readUInt32LE(0) % 2 ** 31;
}

export function requestFor(plan: EvalPlan, t: Task): CompletionRequest {
  const system = t.contestant.system.kind === 'none' ? [] : [{ role: 'system' as const, content: t.contestant.system.text }];
  return {
    model: t.contestant.model,
    backend: t.contestant.backend,
    messages: [...system, { role: 'user', content: t.question.text }],
    temperature: t.contestant.temperature,
    seed: sampleSeed(plan, t.question.id, t.sample),
    ...(plan.maxTokens !== undefined ? { maxTokens: plan.maxTokens } : {}),
  };
}

/** Every task of the plan, question by question, sample by sample, contestants interleaved. */
export function allTasks(plan: EvalPlan): Task[] {
  const out: Task[] = [];
  for (const question of plan.questions)
    for (let sample = 0; sample < plan.samples; sample++) for (const contestant of plan.contestants) out.push({ question, contestant, sample });
  return out;
}

/** USD of one sample, or undefined when the contestant has no price. */
export function sampleCost(c: Contestant, usage: { prompt: number; completion: number } | undefined): number | undefined {
  if (!c.price || !usage) return undefined;
  return (usage.prompt * c.price.inputPer1M + usage.completion * c.price.outputPer1M) / 1_000_000;
}

function retryable(e: unknown): { retry: boolean; waitMs?: number } {
  const err = e as { status?: unknown; headers?: { get(name: string): string | null }; name?: string };
  if (typeof err?.status === 'number') {
    const s = err.status;
    return { retry: s === 429 || s === 408 || s >= 500, waitMs: retryAfterMs(err.headers) };
  }
  return { retry: err?.name === 'APIConnectionError' || err?.name === 'APIConnectionTimeoutError' };
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

class Meter {
  done: number;
  doneThisRun = 0;
  failed = 0;
  retries = 0;
  spendUsd = 0;
  spendComplete = true;
  tokens = { prompt: 0, completion: 0 };
  constructor(
    private readonly total: number,
    private readonly started: number,
    previous: readonly ResultLine[],
    contestants: ReadonlyMap<string, Contestant>,
  ) {
    this.done = previous.length;
    for (const r of previous) this.count(contestants.get(r.contestant), r.usage);
  }
  count(c: Contestant | undefined, usage: ResultLine['usage']) {
    if (usage) {
      this.tokens.prompt += usage.prompt;
      this.tokens.completion += usage.completion;
    }
    const cost = c ? sampleCost(c, usage) : undefined;
    if (cost === undefined) this.spendComplete = false;
    else this.spendUsd += cost;
  }
  snapshot(now: number): EvalProgress {
    const elapsedMs = now - this.started;
    const remaining = this.total - this.done;
    return {
      total: this.total,
      done: this.done,
      doneThisRun: this.doneThisRun,
      failed: this.failed,
      retries: this.retries,
      elapsedMs,
      etaMs: this.doneThisRun > 0 ? Math.round((elapsedMs / this.doneThisRun) * remaining) : remaining === 0 ? 0 : undefined,
      spendUsd: this.spendUsd,
      spendComplete: this.spendComplete,
      tokens: { ...this.tokens },
    };
  }
}

/** One pool of workers per backend, each at most its concurrency limit (default 2). */
function pools(todo: readonly Task[], concurrency: RunOptions['concurrency'], signal: AbortSignal, one: (t: Task) => Promise<void>): Promise<void>[] {
  const byBackend = new Map<string, Task[]>();
  for (const t of todo) {
    const list = byBackend.get(t.contestant.backend) ?? [];
    list.push(t);
    byBackend.set(t.contestant.backend, list);
  }
  const limitOf = (backend: string) => {
    const c = concurrency;
    const n = typeof c === 'number' ? c : (c?.[backend] ?? 2);
    return Math.max(1, Math.floor(n));
  };
  const workers: Promise<void>[] = [];
  for (const [backend, queue] of byBackend) {
    let next = 0;
    const worker = async () => {
      while (!signal.aborted && next < queue.length) await one(queue[next++]);
    };
    for (let i = 0; i < Math.min(limitOf(backend), queue.length); i++) workers.push(worker());
  }
  return workers;
}

/** Runs what is left of the plan stored in `dir` (see writePlan). Resolves when everything left has finished or failed, or on cancel. */
export async function runEval(dir: string, plan: EvalPlan, opts: RunOptions): Promise<RunOutcome> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const maxAttempts = opts.maxAttempts ?? 5;
  const inner = new AbortController();
  const onAbort = () => inner.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = inner.signal;

  const contestants = new Map(plan.contestants.map((c) => [c.id, c]));
  const tasks = allTasks(plan);
  const keys = new Set(tasks.map((t) => replyKey({ question: t.question.id, contestant: t.contestant.id, sample: t.sample })));
  const previous = (await readResults(dir)).items.filter((r) => keys.has(replyKey(r)));
  const done = new Set(previous.map(replyKey));
  const meter = new Meter(tasks.length, now(), [...new Map(previous.map((r) => [replyKey(r), r])).values()], contestants);
  meter.done = done.size;
  const todo = tasks.filter((t) => !done.has(replyKey({ question: t.question.id, contestant: t.contestant.id, sample: t.sample })));
  const log = resultsLog(dir);

  const one = async (t: Task) => {
    const request = requestFor(plan, t);
    for (let attempt = 1; ; attempt++) {
      const t0 = now();
      // One controller per attempt, so the SDK's abort listener goes with the request, not onto the run's signal.
      const attemptCtl = new AbortController();
      const forward = () => attemptCtl.abort(signal.reason);
      signal.addEventListener('abort', forward, { once: true });
      try {
        const r = await opts.complete(request, attemptCtl.signal);
        const line: ResultLine = {
          question: t.question.id,
          contestant: t.contestant.id,
          sample: t.sample,
          text: r.text,
          ...(r.finishReason ? { finishReason: r.finishReason } : {}),
          ...(r.usage ? { usage: r.usage } : {}),
          seed: request.seed,
          ms: Math.max(0, now() - t0),
          at: new Date(now()).toISOString(),
        };
        await log.append(line);
        meter.done++;
        meter.doneThisRun++;
        meter.count(t.contestant, r.usage);
        return;
      } catch (e) {
        if (signal.aborted) return;
        const { retry, waitMs } = retryable(e);
        if (!retry || attempt >= maxAttempts) {
          meter.failed++;
          opts.onError?.(t, e);
          return;
        }
        meter.retries++;
        await sleep(waitMs ?? Math.min(30_000, 500 * 2 ** (attempt - 1)), signal).catch(() => undefined);
        if (signal.aborted) return;
      } finally {
        signal.removeEventListener('abort', forward);
        opts.onProgress?.(meter.snapshot(now()));
      }
    }
  };

  const workers = pools(todo, opts.concurrency, signal, one);
  try {
    await Promise.all(workers);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await log.close();
  }
  return { progress: meter.snapshot(now()), cancelled: signal.aborted };
}
