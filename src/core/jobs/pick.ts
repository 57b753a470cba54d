/**
 * Which job(s) a palette command acts on when it is not run on a tree row (pure, unit-tested): with one job
 * there is nothing to ask; otherwise the picker opens on the current job — the one selected in the tree,
 * else the newest still running, else the newest — first, and checked where several can be chosen.
 */
import type { FineTuneJob } from '../backends/types';
import { isTerminal } from './status';

export type JobChoice =
  | { readonly kind: 'none' }
  | { readonly kind: 'one'; readonly jobId: string }
  | { readonly kind: 'ask'; readonly jobIds: readonly string[]; readonly current: string };

/** The job a command means when none is named: the selected one, else the newest running, else the newest. */
export function currentJobId(jobs: readonly FineTuneJob[], selected?: string): string | undefined {
  if (selected && jobs.some((j) => j.id === selected)) return selected;
  return (jobs.find((j) => !isTerminal(j.status)) ?? jobs[0])?.id;
}

/** `jobs` newest first (as the store lists them); the current job comes first in `jobIds`. */
export function chooseJobs(jobs: readonly FineTuneJob[], selected?: string): JobChoice {
  const current = currentJobId(jobs, selected);
  if (current === undefined) return { kind: 'none' };
  if (jobs.length === 1) return { kind: 'one', jobId: current };
  return { kind: 'ask', current, jobIds: [current, ...jobs.map((j) => j.id).filter((id) => id !== current)] };
}
