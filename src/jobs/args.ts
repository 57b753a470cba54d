import type { JobsElement } from './jobsTree';

/** What job commands receive: a tree element, `{ jobId }` / `{ modelId }` from code and tests, or a job id. */
export type JobArg = JobsElement | { jobId?: string; modelId?: string } | string | undefined;

export function jobIdOf(arg: JobArg): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && 'jobId' in arg && typeof arg.jobId === 'string') return arg.jobId;
  return undefined;
}

/** The model a row stands for: a checkpoint's or the resulting model's ID, or one passed as `{ modelId }`. */
export function modelIdOf(arg: JobArg): string | undefined {
  if (!arg || typeof arg === 'string') return undefined;
  if ('kind' in arg) {
    if (arg.kind === 'checkpoint') return arg.checkpoint.modelId;
    if (arg.kind === 'resultModel') return arg.modelId;
    return undefined;
  }
  return typeof arg.modelId === 'string' ? arg.modelId : undefined;
}
