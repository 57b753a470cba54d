/**
 * Run Local Recipe: a recipe's run.sh as a VS Code task (its terminal shows the trainer), followed through the
 * train.log it writes; progress (step of total, loss) in a cancellable notification; Cancel stops the whole process
 * tree (the task's process group, then the task).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { killTree } from '../core/local/processTree';
import { LogFollower, runStatus, type RunExit, type RunStatus } from '../core/local/runFollower';
import type { TrainerLogResult } from '../core/local/trainerLog';
import type { Services } from '../platform/services';

export interface RunRecipeArgs {
  /** The run folder (.socratune/runs/<name>/) holding run.sh. */
  dir?: vscode.Uri;
  /** Poll interval of the log (ms). */
  pollMs?: number;
}

/** What the Jobs side (src/local/runs.ts) hears of a run: its process, each parsed log, its end. */
export interface RunHooks {
  started?(pid: number): void;
  update?(log: TrainerLogResult, status: RunStatus): void;
  /** Awaited before the handle's `done` resolves (the end is on disk by then). */
  ended?(exit: RunExit, log: TrainerLogResult, status: RunStatus): Promise<void> | void;
}

export interface LocalRunHandle {
  readonly name: string;
  readonly logFile: string;
  /** ms since epoch when the task was started. */
  readonly startedAt: number;
  status(): RunStatus;
  readonly onDidChange: vscode.Event<RunStatus>;
  /** Resolves with the final status once the trainer process ended. */
  readonly done: Promise<RunStatus>;
  cancel(): void;
}

export async function pickRun(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('.socratune/runs/*/run.sh', undefined, 200);
  const items = found.map((u) => ({ label: path.basename(path.dirname(u.fsPath)), dir: vscode.Uri.file(path.dirname(u.fsPath)) }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No recipe in .socratune/runs/ yet: run Socratune: Export Local Recipe… first.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: 'Run Local Recipe' }))?.dir;
}

export async function runRecipe(services: Services, args: RunRecipeArgs = {}, hooks: RunHooks = {}): Promise<LocalRunHandle | undefined> {
  const dir = args.dir ?? (await pickRun());
  if (!dir) return undefined;
  return startRun(services, dir, args.pollMs ?? 500, hooks);
}

function startTask(dir: vscode.Uri, name: string): Promise<vscode.TaskExecution> {
  const folder = vscode.workspace.getWorkspaceFolder(dir) ?? vscode.workspace.workspaceFolders?.[0];
  const task = new vscode.Task(
    { type: 'socratune-local', run: name },
    folder ?? vscode.TaskScope.Workspace,
    `Train ${name}`,
    'Socratune',
    new vscode.ProcessExecution('bash', ['run.sh'], { cwd: dir.fsPath }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  return Promise.resolve(vscode.tasks.executeTask(task));
}

async function startRun(services: Services, dir: vscode.Uri, pollMs: number, hooks: RunHooks): Promise<LocalRunHandle> {
  const name = path.basename(dir.fsPath);
  const logFile = path.join(dir.fsPath, 'train.log');
  const follower = new LogFollower(logFile);
  const changed = new vscode.EventEmitter<RunStatus>();
  let current: RunStatus = { state: 'running', problems: [] };
  let pid: number | undefined;
  let cancelled = false;
  const started = Date.now();
  const subs: vscode.Disposable[] = [];
  let resolveDone: (s: RunStatus) => void = () => undefined;
  const done = new Promise<RunStatus>((r) => (resolveDone = r));
  const update = (s: RunStatus) => {
    current = s;
    changed.fire(s);
  };
  // Subscribed before the task starts, so its process start cannot be missed.
  const ref: { execution?: vscode.TaskExecution } = {};
  subs.push(
    vscode.tasks.onDidStartTaskProcess((e) => {
      if (e.execution !== ref.execution || pid !== undefined) return;
      pid = e.processId;
      hooks.started?.(pid);
    }),
    vscode.tasks.onDidEndTaskProcess(async (e) => {
      if (e.execution !== ref.execution) return;
      clearInterval(timer);
      const exit: RunExit = { code: e.exitCode ?? null, cancelled };
      const log = await follower.finish();
      const final = runStatus(log, exit);
      services.log.info(`Run ${name}: ${final.state}${final.message ? ` — ${final.message}` : ''}`);
      await hooks.ended?.(exit, log, final);
      update(final);
      for (const s of subs) s.dispose();
      changed.dispose();
      resolveDone(final);
    }),
  );
  ref.execution = await startTask(dir, name);
  const timer = setInterval(() => {
    void follower.poll().then(
      (log) => {
        const s = runStatus(log, undefined, (Date.now() - started) / 1000);
        hooks.update?.(log, s);
        update(s);
      },
      (err: unknown) => services.log.warn(`Run ${name}: cannot read ${logFile}: ${String(err)}`),
    );
  }, pollMs);
  const handle: LocalRunHandle = {
    name,
    logFile,
    startedAt: started,
    status: () => current,
    onDidChange: changed.event,
    done,
    cancel: () => {
      cancelled = true;
      if (pid !== undefined) killTree(pid);
      ref.execution?.terminate();
    },
  };
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Training ${name}`, cancellable: true }, (progress, token) => {
    token.onCancellationRequested(() => handle.cancel());
    const sub = changed.event((s) => {
      const step = s.step !== undefined ? `step ${s.step}${s.total ? ` of ${s.total}` : ''}` : 'starting';
      progress.report({
        message: `${step}${s.trainLoss !== undefined ? ` · loss ${s.trainLoss}` : ''}${s.etaSeconds ? ` · ${Math.ceil(s.etaSeconds / 60)} min left` : ''}`,
      });
    });
    return done.then((final) => {
      sub.dispose();
      if (final.state === 'failed') void vscode.window.showErrorMessage(`Training ${name} failed: ${final.message ?? ''}`);
      else if (final.message && final.state === 'succeeded') void vscode.window.showWarningMessage(`Training ${name} finished: ${final.message}`);
    });
  });
  return handle;
}
