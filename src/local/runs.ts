/**
 * Local runs in the Jobs tree. Each run folder `.socratune/runs/<name>/` that Socratune started has a `run-state.json`
 * (start time, process id, how it ended); with its `recipe.json` and followed `train.log` it becomes a Jobs row
 * (`local:<name>`) through the jobs store's `putLocal`, so the tree, the curves panel and the end notification treat it
 * like a cloud job. After a window reload the folders are scanned again and running ones are followed again.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileDurable } from '../core/fs/durable';
import type { JobsStore } from '../core/jobs/jobsStore';
import {
  decodeRecipeMeta,
  decodeRunRecord,
  localJob,
  localJobEvents,
  localJobId,
  localRunName,
  recordedExit,
  type RecipeMeta,
  type RunRecord,
} from '../core/local/localJob';
import { isAlive, killTree } from '../core/local/processTree';
import { LogFollower, runStatus, type RunExit, type RunStatus } from '../core/local/runFollower';
import type { TrainerLogResult } from '../core/local/trainerLog';
import type { Services } from '../platform/services';
import type { LocalRunHandle, RunRecipeArgs } from './runRecipe';

export const RUN_STATE_FILE = 'run-state.json';

interface Tracked {
  readonly dir: string;
  meta: RecipeMeta;
  record: RunRecord;
  /** This window started it (its task); otherwise it was found on disk. */
  handle?: LocalRunHandle;
  timer?: ReturnType<typeof setInterval>;
}

export class LocalRuns implements vscode.Disposable {
  private readonly runs = new Map<string, Tracked>();

  constructor(
    private readonly services: Services,
    private readonly store: JobsStore,
    private readonly pollMs = 1000,
  ) {}

  private async readMeta(dir: string): Promise<RecipeMeta> {
    const name = path.basename(dir);
    const text = await readFile(path.join(dir, 'recipe.json'), 'utf8').catch(() => undefined);
    if (text === undefined) return { name };
    const d = decodeRecipeMeta(text);
    if (!d.ok) this.services.log.warn(`Local run ${name}: ${d.message}; showing it without its recipe.`);
    return d.ok ? { ...d.value, name } : { name };
  }

  private async writeRecord(t: Tracked): Promise<void> {
    await writeFileDurable(path.join(t.dir, RUN_STATE_FILE), JSON.stringify(t.record, null, 2) + '\n').catch((err: unknown) =>
      this.services.log.warn(`Local run ${t.meta.name}: cannot write ${RUN_STATE_FILE}: ${String(err)}`),
    );
  }

  private put(t: Tracked, log: TrainerLogResult, status: RunStatus): void {
    const job = localJob({ meta: t.meta, record: t.record, status, dir: t.dir, now: Date.now() });
    this.store.putLocal(job, localJobEvents(log, status, t.record.startedAt));
  }

  /** Run a recipe's run.sh as a task and show it in the Jobs tree. */
  async start(args: RunRecipeArgs): Promise<LocalRunHandle | undefined> {
    const { pickRun, runRecipe } = await import('./runRecipe.js');
    const uri = args.dir ?? (await pickRun());
    if (!uri) return undefined;
    const dir = uri.fsPath;
    const t: Tracked = { dir, meta: await this.readMeta(dir), record: { startedAt: Date.now() } };
    this.runs.set(t.meta.name, t);
    await this.writeRecord(t);
    this.put(t, { format: null, train: [], eval: [], lr: [], problems: [] }, { state: 'running', problems: [] });
    t.handle = await runRecipe(
      this.services,
      { ...args, dir: uri },
      {
        started: (pid) => {
          t.record = { ...t.record, pid };
          void this.writeRecord(t);
        },
        update: (log, status) => this.put(t, log, status),
        ended: async (exit, log, status) => {
          t.record = { ...t.record, endedAt: Date.now(), exit };
          this.put(t, log, status);
          await this.writeRecord(t);
        },
      },
    );
    return t.handle;
  }

  /** Scan `.socratune/runs/*` for runs Socratune started (a run-state.json) and show or follow each. */
  async discover(): Promise<number> {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root || root.scheme !== 'file') return 0;
    const runsDir = path.join(root.fsPath, '.socratune', 'runs');
    const names = await readdir(runsDir).catch(() => [] as string[]);
    let found = 0;
    for (const name of names) {
      if (this.runs.has(name)) continue;
      const dir = path.join(runsDir, name);
      const text = await readFile(path.join(dir, RUN_STATE_FILE), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const d = decodeRunRecord(text);
      if (!d.ok) {
        this.services.log.warn(`Local run ${name}: ${d.message}; not shown.`);
        continue;
      }
      const t: Tracked = { dir, meta: await this.readMeta(dir), record: d.value };
      this.runs.set(name, t);
      await this.followFromDisk(t);
      found++;
    }
    return found;
  }

  /** A run this window did not start: its log and record say where it is; poll while its process lives. */
  private async followFromDisk(t: Tracked): Promise<void> {
    const follower = new LogFollower(path.join(t.dir, 'train.log'));
    const tick = async () => {
      const alive = t.record.pid !== undefined && !t.record.exit && isAlive(t.record.pid);
      const exit = recordedExit(t.record, alive);
      const log = exit ? await follower.finish() : await follower.poll();
      this.put(t, log, runStatus(log, exit, (Date.now() - t.record.startedAt) / 1000));
      if (exit && t.timer) {
        clearInterval(t.timer);
        t.timer = undefined;
      }
      return exit;
    };
    const exit = await tick();
    if (!exit)
      t.timer = setInterval(() => void tick().catch((err: unknown) => this.services.log.warn(`Local run ${t.meta.name}: ${String(err)}`)), this.pollMs);
  }

  /** Cancel: the task's handle when this window started it; otherwise signal the recorded process group. */
  async cancel(jobId: string): Promise<void> {
    const t = this.runs.get(localRunName(jobId) ?? '');
    if (!t) return;
    if (t.handle) {
      t.handle.cancel();
      await t.handle.done;
      return;
    }
    if (t.record.pid === undefined || t.record.exit) return;
    killTree(t.record.pid);
    const exit: RunExit = { code: null, cancelled: true };
    t.record = { ...t.record, endedAt: Date.now(), exit };
    await this.writeRecord(t);
  }

  /** A succeeded run for the palette command (none: says so; one: no question). */
  async pickFinished(): Promise<string | undefined> {
    await this.discover();
    const done = [...this.runs.keys()].map((n) => this.store.job(localJobId(n))).filter((j) => j?.status === 'succeeded');
    if (done.length === 0) {
      void vscode.window.showInformationMessage('No local run has succeeded yet: run one with Socratune: Run Local Recipe….');
      return undefined;
    }
    if (done.length === 1) return done[0]!.id;
    const pick = await vscode.window.showQuickPick(
      done.map((j) => ({ label: j!.suffix ?? j!.id, description: j!.baseModel, id: j!.id })),
      { title: 'Chat with This Adapter: which run?' },
    );
    return pick?.id;
  }

  /** The run's folder (for serving its adapter). */
  runDir(jobId: string): { dir: string; meta: RecipeMeta } | undefined {
    const t = this.runs.get(localRunName(jobId) ?? '');
    return t && existsSync(t.dir) ? { dir: t.dir, meta: t.meta } : undefined;
  }

  dispose(): void {
    for (const t of this.runs.values()) if (t.timer) clearInterval(t.timer);
  }
}
