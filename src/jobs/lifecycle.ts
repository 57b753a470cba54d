import * as vscode from 'vscode';
import type { FineTuneJob } from '../core/backends/types';
import { isTerminal } from '../core/jobs/status';
import type { Services } from '../platform/services';
import type { JobsController } from './controller';

/** Jobs seen running are remembered across sessions (global state). */
const SEEN_KEY = 'socratune.jobs.seenActive';

/**
 * What keeps the jobs capability in step with the workbench: polling follows the view's visibility and the
 * window's focus, expanded jobs are watched, a backend change starts over, and every job that ends is announced
 * once — also one that ended while VS Code was closed (announced on the next load).
 */
export function wireJobsLifecycle(c: JobsController, s: Services): vscode.Disposable[] {
  const { store, scheduler, view } = c;
  const expanded = new Map<string, { dispose(): void }>();
  const unwatchAll = () => {
    for (const w of expanded.values()) w.dispose();
    expanded.clear();
  };
  scheduler.setVisible(view.visible);
  scheduler.setFocused(vscode.window.state.focused);
  return [
    { dispose: unwatchAll },
    c.backendHost.onDidChange(() => {
      store.reset();
      scheduler.setActive(false);
      unwatchAll();
      if (view.visible) void store.load().then(() => c.syncActive());
    }),
    view.onDidChangeVisibility((e) => {
      scheduler.setVisible(e.visible);
      if (e.visible && !store.loaded) void store.load().then(() => c.syncActive());
    }),
    view.onDidExpandElement((e) => {
      if (e.element.kind === 'job' && !expanded.has(e.element.jobId)) expanded.set(e.element.jobId, store.watch(e.element.jobId));
    }),
    view.onDidCollapseElement((e) => {
      if (e.element.kind !== 'job') return;
      expanded.get(e.element.jobId)?.dispose();
      expanded.delete(e.element.jobId);
    }),
    vscode.window.onDidChangeWindowState((st) => scheduler.setFocused(st.focused)),
    announceEndedJobs(c, s),
    watchActiveJobs(c),
  ];
}

/** Running jobs are watched (their events polled) so their rows can show step and loss; ended ones no longer. */
function watchActiveJobs(c: JobsController): vscode.Disposable {
  const watches = new Map<string, { dispose(): void }>();
  const sync = () => {
    const active = new Set(c.store.jobs.filter((j) => !isTerminal(j.status)).map((j) => j.id));
    for (const [id, w] of watches) {
      if (active.has(id)) continue;
      w.dispose();
      watches.delete(id);
    }
    for (const id of active) if (!watches.has(id)) watches.set(id, c.store.watch(id));
  };
  const sub = c.store.onDidChange(sync);
  return {
    dispose: () => {
      sub.dispose();
      for (const w of watches.values()) w.dispose();
      watches.clear();
    },
  };
}

function announceEndedJobs(c: JobsController, { context, log }: Services): vscode.Disposable {
  const store = c.store;
  const onEnded = (job: FineTuneJob) => {
    c.notifier.notify(job);
    if (job.status !== 'succeeded') return;
    // The training prompt is bound to the model and its checkpoints once they are known.
    void store
      .fetchCheckpoints(job.id)
      .then(() => c.prompts.bindJob(job, store.detailsOf(job.id).checkpoints))
      .then((ids) => ids.length && log.info(`Bound the training system prompt to ${ids.join(', ')}.`))
      .catch((err: unknown) => log.warn(`Could not bind the training system prompt of ${job.id}: ${err instanceof Error ? err.message : String(err)}`));
  };
  const seen = new Set(context.globalState.get<string[]>(SEEN_KEY, []));
  const endedHere = new Set<string>();
  const a = store.onDidTransition(({ job }) => {
    endedHere.add(job.id);
    onEnded(job);
  });
  const b = store.onDidChange(() => {
    if (!store.loaded) return;
    c.syncActive();
    let dirty = false;
    for (const j of store.jobs) {
      if (!isTerminal(j.status) && !seen.has(j.id)) {
        seen.add(j.id);
        dirty = true;
      } else if (isTerminal(j.status) && seen.delete(j.id)) {
        dirty = true;
        if (!endedHere.has(j.id)) onEnded(j);
      }
    }
    if (dirty) void context.globalState.update(SEEN_KEY, [...seen].slice(-200));
  });
  return { dispose: () => (a.dispose(), b.dispose()) };
}
