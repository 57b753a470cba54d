/**
 * The jobs model behind the Fine-tune Jobs tree: a newest-first list loaded one page at a time, per-job
 * events and checkpoints loaded on demand, and one `poll()` that keeps active jobs fresh at the lowest
 * request count: one list call for the first page (it covers every recent job at once), a `retrieve`
 * only for active jobs further down, and events/checkpoints only for jobs someone is watching (an
 * expanded node, an open chart, the events channel).
 *
 * Failures never empty the list: the last good state stays and `error` says what went wrong.
 */
import { BackendError } from '../backends/openaiShape';
import type { BackendErrorInfo } from '../backends/errors';
import type { FineTuneBackend, FineTuneJob, JobCheckpoint, JobEvent } from '../backends/types';
import { Emitter } from './emitter';
import type { PollOutcome } from './scheduler';
import { isActive, isTerminal } from './status';

export type BackendResolution = { ok: true; backend: FineTuneBackend } | { ok: false; error: BackendErrorInfo };

export interface JobsStoreOptions {
  readonly pageSize?: number;
  readonly eventsPageSize?: number;
  /** Upper bound of event pages fetched in one go (each `eventsPageSize` long). */
  readonly maxEventPages?: number;
}

export interface JobDetails {
  events: JobEvent[];
  readonly eventIds: Set<string>;
  eventsLoaded: boolean;
  eventsError?: BackendErrorInfo;
  checkpoints: JobCheckpoint[];
  checkpointsLoaded: boolean;
  checkpointsError?: BackendErrorInfo;
  /** Events and checkpoints were fetched after the job reached a terminal state: nothing more will come. */
  settled: boolean;
  /** The job's raw status when checkpoints were last fetched. */
  checkpointsStatus?: string;
}

export interface JobTransition {
  readonly previous: FineTuneJob;
  readonly job: FineTuneJob;
}

function signature(j: FineTuneJob): string {
  return [
    j.rawStatus,
    j.trainedTokens ?? '',
    j.fineTunedModel ?? '',
    j.finishedAt ?? '',
    j.estimatedFinish ?? '',
    j.error?.code ?? '',
    j.error?.message ?? '',
  ].join('|');
}

function asInfo(err: unknown): BackendErrorInfo {
  if (err instanceof BackendError) return err.info;
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', title: message.slice(0, 120), message, actions: ['showLog'] };
}

export class JobsStore {
  private list: FineTuneJob[] = [];
  /** Jobs no backend lists (local runs, src/local/runs.ts): shown like the others, never asked of the backend. */
  private readonly local = new Map<string, FineTuneJob>();
  private cursor: string | undefined;
  private more = false;
  private isLoaded = false;
  private lastError: BackendErrorInfo | undefined;
  private readonly details = new Map<string, JobDetails>();
  private readonly watchers = new Map<string, number>();
  private generation = 0;
  private loading: Promise<void> | undefined;

  private readonly changed = new Emitter<string | undefined>();
  private readonly transitioned = new Emitter<JobTransition>();
  private readonly newEvents = new Emitter<{ jobId: string; events: JobEvent[] }>();
  /** Fires with a job id when one job changed, or undefined when the list changed. */
  readonly onDidChange = this.changed.event;
  /** A job seen active is now terminal (succeeded/failed/cancelled). */
  readonly onDidTransition = this.transitioned.event;
  /** New events arrived for a job (chronological). */
  readonly onDidReceiveEvents = this.newEvents.event;

  private readonly pageSize: number;
  private readonly eventsPageSize: number;
  private readonly maxEventPages: number;

  constructor(
    private readonly resolve: () => Promise<BackendResolution>,
    opts: JobsStoreOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 20;
    this.eventsPageSize = opts.eventsPageSize ?? 100;
    this.maxEventPages = opts.maxEventPages ?? 20;
  }

  /** Backend jobs and local runs, newest first. */
  get jobs(): readonly FineTuneJob[] {
    if (this.local.size === 0) return this.list;
    return [...this.list, ...this.local.values()].sort((a, b) => b.createdAt - a.createdAt);
  }
  get hasMore(): boolean {
    return this.more;
  }
  get loaded(): boolean {
    return this.isLoaded;
  }
  get error(): BackendErrorInfo | undefined {
    return this.lastError;
  }
  /** Active backend jobs (what polling is for; local runs report themselves through `putLocal`). */
  get activeJobs(): FineTuneJob[] {
    return this.list.filter((j) => isActive(j.status));
  }
  get hasActive(): boolean {
    return this.list.some((j) => isActive(j.status));
  }

  job(id: string): FineTuneJob | undefined {
    return this.list.find((j) => j.id === id) ?? this.local.get(id);
  }

  /**
   * Add or update a job that no backend lists, with all its events (they replace the previous ones); it has no
   * checkpoints. Fires a transition when it goes from active to terminal, like a polled job.
   */
  putLocal(job: FineTuneJob, events: readonly JobEvent[]): void {
    const prev = this.local.get(job.id);
    this.local.set(job.id, job);
    const d = this.detailsOf(job.id);
    const added = events.filter((e) => !d.eventIds.has(e.id));
    d.events = [...events].sort((a, b) => a.createdAt - b.createdAt);
    d.eventIds.clear();
    for (const e of events) d.eventIds.add(e.id);
    d.eventsLoaded = true;
    d.checkpointsLoaded = true;
    d.settled = isTerminal(job.status);
    if (added.length) this.newEvents.fire({ jobId: job.id, events: added });
    if (prev && isActive(prev.status) && isTerminal(job.status)) this.transitioned.fire({ previous: prev, job });
    if (!prev || added.length || signature(prev) !== signature(job)) this.changed.fire(prev ? job.id : undefined);
  }

  detailsOf(id: string): JobDetails {
    let d = this.details.get(id);
    if (!d) {
      d = { events: [], eventIds: new Set(), eventsLoaded: false, checkpoints: [], checkpointsLoaded: false, settled: false };
      this.details.set(id, d);
    }
    return d;
  }

  /** Keep a job's events and checkpoints fresh while polling. Returns a disposer. */
  watch(jobId: string): { dispose(): void } {
    this.watchers.set(jobId, (this.watchers.get(jobId) ?? 0) + 1);
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        const n = (this.watchers.get(jobId) ?? 1) - 1;
        if (n <= 0) this.watchers.delete(jobId);
        else this.watchers.set(jobId, n);
      },
    };
  }

  isWatched(jobId: string): boolean {
    return this.watchers.has(jobId);
  }

  /** Forget everything (backend or key changed). */
  reset(): void {
    this.generation++;
    this.list = [];
    this.cursor = undefined;
    this.more = false;
    this.isLoaded = false;
    this.lastError = undefined;
    for (const id of [...this.details.keys()]) if (!this.local.has(id)) this.details.delete(id);
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  private async backend(): Promise<FineTuneBackend> {
    const r = await this.resolve();
    if (!r.ok) throw new BackendError(r.error);
    return r.backend;
  }

  /** Load (or reload) the first page. Older pages already loaded are kept and merged. */
  load(): Promise<void> {
    if (this.loading) return this.loading;
    const gen = this.generation;
    this.loading = (async () => {
      try {
        const b = await this.backend();
        const page = await b.listJobs({ limit: this.pageSize });
        if (gen !== this.generation) return;
        this.mergeFirstPage(page.data, page.hasMore, page.nextCursor);
        this.lastError = undefined;
      } catch (err) {
        if (gen !== this.generation) return;
        this.lastError = asInfo(err);
      } finally {
        if (gen === this.generation) {
          this.isLoaded = true;
          this.loading = undefined;
          this.changed.fire(undefined);
        }
      }
    })();
    return this.loading;
  }

  /** Append the next page ("Load more"). */
  async loadMore(): Promise<void> {
    if (!this.more || !this.cursor) return;
    const gen = this.generation;
    try {
      const b = await this.backend();
      const page = await b.listJobs({ after: this.cursor, limit: this.pageSize });
      if (gen !== this.generation) return;
      const known = new Set(this.list.map((j) => j.id));
      this.list = [...this.list, ...page.data.filter((j) => !known.has(j.id))];
      this.more = page.hasMore;
      this.cursor = page.nextCursor ?? this.cursor;
      this.lastError = undefined;
    } catch (err) {
      if (gen !== this.generation) return;
      this.lastError = asInfo(err);
    }
    this.changed.fire(undefined);
  }

  private mergeFirstPage(first: readonly FineTuneJob[], hasMore: boolean, cursor: string | undefined): boolean {
    let changed = false;
    const firstIds = new Set(first.map((j) => j.id));
    const older = this.list.filter((j) => !firstIds.has(j.id));
    for (const j of first) changed = this.observe(j) || changed;
    const hadPagesBeyondFirst = this.list.length > first.length && older.length > 0;
    // The first page alone tells whether more exist only when nothing beyond it was loaded yet.
    if (!hadPagesBeyondFirst) {
      this.more = hasMore;
      this.cursor = cursor;
    }
    const before = this.list.map((j) => j.id).join(',');
    this.list = [...first, ...older.filter((j) => !firstIds.has(j.id))];
    changed = changed || before !== this.list.map((j) => j.id).join(',');
    return changed;
  }

  /** Record a fresh job object; fire a transition if it just ended. Returns whether it changed. */
  private observe(next: FineTuneJob): boolean {
    const prev = this.list.find((j) => j.id === next.id);
    if (prev && isActive(prev.status) && isTerminal(next.status)) this.transitioned.fire({ previous: prev, job: next });
    return !prev || signature(prev) !== signature(next);
  }

  /** Insert or replace one job (after create / cancel / pause). */
  upsert(job: FineTuneJob): void {
    const changed = this.observe(job);
    const i = this.list.findIndex((j) => j.id === job.id);
    if (i >= 0) this.list[i] = job;
    else this.list = [job, ...this.list].sort((a, b) => b.createdAt - a.createdAt);
    if (changed) this.changed.fire(i >= 0 ? job.id : undefined);
  }

  /**
   * One polling round (called by PollScheduler). Refreshes the first page, active jobs beyond it, and
   * watched jobs' events/checkpoints.
   */
  async poll(): Promise<PollOutcome> {
    const gen = this.generation;
    let changed = false;
    let backend: FineTuneBackend;
    try {
      backend = await this.backend();
      const page = await backend.listJobs({ limit: this.pageSize });
      if (gen !== this.generation) return { active: false, changed: false };
      changed = this.mergeFirstPage(page.data, page.hasMore, page.nextCursor);
      const onFirst = new Set(page.data.map((j) => j.id));
      for (const j of this.list.filter((x) => isActive(x.status) && !onFirst.has(x.id))) {
        const fresh = await backend.getJob(j.id);
        if (gen !== this.generation) return { active: false, changed: false };
        const c = this.observe(fresh);
        this.list = this.list.map((x) => (x.id === fresh.id ? fresh : x));
        changed = changed || c;
      }
      const hadError = this.lastError !== undefined;
      this.lastError = undefined;
      this.isLoaded = true;
      if (changed || hadError) this.changed.fire(undefined);
    } catch (err) {
      if (gen !== this.generation) return { active: false, changed: false };
      this.lastError = asInfo(err);
      this.changed.fire(undefined);
      return { active: this.hasActive, changed: false, error: { retryAfterMs: this.lastError.retryAfterMs } };
    }
    let progressed = false;
    for (const id of this.watchers.keys()) {
      const j = this.job(id);
      if (!j) continue;
      const d = this.detailsOf(id);
      // Terminal jobs get one last refresh (final events, last checkpoint), then nothing more.
      if (d.settled) continue;
      const added = await this.fetchEvents(id);
      // Checkpoints are created once per epoch: ask only when an event announces one or the status moved.
      const announced = added > 0 && d.events.slice(-added).some((e) => /checkpoint/i.test(e.message));
      const cps = !d.checkpointsLoaded || announced || d.checkpointsStatus !== j.rawStatus ? await this.fetchCheckpoints(id) : false;
      if (isTerminal(j.status) && !d.eventsError && !d.checkpointsError) d.settled = true;
      progressed = progressed || added > 0 || cps;
    }
    return { active: this.hasActive, changed, progressed };
  }

  /**
   * Fetch events newer than those already held (pages newest-first until a known id). Returns the
   * number of new events. Errors are kept on the job's details.
   */
  async fetchEvents(jobId: string): Promise<number> {
    const gen = this.generation;
    const d = this.detailsOf(jobId);
    const fresh: JobEvent[] = [];
    if (this.local.has(jobId)) return 0;
    try {
      const b = await this.backend();
      if (!b.capabilities.events) return 0;
      let after: string | undefined;
      for (let pageNo = 0; pageNo < this.maxEventPages; pageNo++) {
        const page = await b.listEvents(jobId, { after, limit: this.eventsPageSize });
        let reachedKnown = false;
        for (const e of page.data) {
          if (d.eventIds.has(e.id)) {
            reachedKnown = true;
            break;
          }
          fresh.push(e);
        }
        if (reachedKnown || !page.hasMore || !page.nextCursor) break;
        after = page.nextCursor;
      }
      if (gen !== this.generation) return 0;
      d.eventsError = undefined;
    } catch (err) {
      if (gen !== this.generation) return 0;
      d.eventsError = asInfo(err);
    }
    d.eventsLoaded = true;
    if (fresh.length === 0) return 0;
    const chronological = fresh.reverse().filter((e) => !d.eventIds.has(e.id));
    for (const e of chronological) d.eventIds.add(e.id);
    d.events = [...d.events, ...chronological].sort((a, b) => a.createdAt - b.createdAt);
    this.newEvents.fire({ jobId, events: chronological });
    this.changed.fire(jobId);
    return chronological.length;
  }

  /** Reload a job's checkpoints (there are few: OpenAI keeps the last 3 epochs). Returns whether they changed. */
  async fetchCheckpoints(jobId: string): Promise<boolean> {
    const gen = this.generation;
    const d = this.detailsOf(jobId);
    if (this.local.has(jobId)) return false;
    try {
      const b = await this.backend();
      if (!b.capabilities.checkpoints) return false;
      const all: JobCheckpoint[] = [];
      let after: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await b.listCheckpoints(jobId, { after, limit: 10 });
        all.push(...page.data);
        if (!page.hasMore || !page.nextCursor) break;
        after = page.nextCursor;
      }
      if (gen !== this.generation) return false;
      all.sort((a, b) => b.step - a.step);
      const changed = !d.checkpointsLoaded || all.map((c) => c.id).join() !== d.checkpoints.map((c) => c.id).join();
      d.checkpoints = all;
      d.checkpointsLoaded = true;
      d.checkpointsStatus = this.job(jobId)?.rawStatus;
      d.checkpointsError = undefined;
      if (changed) this.changed.fire(jobId);
      return changed;
    } catch (err) {
      if (gen !== this.generation) return false;
      d.checkpointsError = asInfo(err);
      d.checkpointsLoaded = true;
      this.changed.fire(jobId);
      return false;
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.transitioned.dispose();
    this.newEvents.dispose();
  }
}
