/**
 * Fine-tune job status, normalized across providers. Providers send lowercase OpenAI statuses
 * (`validating_files`, `queued`, `running`, `paused`, `succeeded`, `failed`, `cancelled`), plus
 * spellings seen in the wild (`cancelling`, `canceled`, Azure's `pending`/`notRunning`, `completed`).
 * Anything unrecognised is `unknown` and treated as still running: we keep polling rather than
 * silently dropping a job that a provider reports with a new status string.
 */
export type JobStatus = 'validating' | 'queued' | 'running' | 'paused' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

const STATUS_MAP: Readonly<Record<string, JobStatus>> = {
  validating_files: 'validating',
  validating: 'validating',
  pending: 'queued',
  queued: 'queued',
  notrunning: 'queued',
  not_running: 'queued',
  created: 'queued',
  running: 'running',
  in_progress: 'running',
  paused: 'paused',
  pausing: 'paused',
  resuming: 'running',
  cancelling: 'cancelling',
  canceling: 'cancelling',
  succeeded: 'succeeded',
  completed: 'succeeded',
  success: 'succeeded',
  failed: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export function mapStatus(raw: unknown): JobStatus {
  if (typeof raw !== 'string') return 'unknown';
  return STATUS_MAP[raw.trim().toLowerCase()] ?? 'unknown';
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** A job in a terminal state never changes again; everything else (including `unknown`) is polled. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

export function isActive(status: JobStatus): boolean {
  return !isTerminal(status);
}

export function isCancellable(status: JobStatus): boolean {
  return status === 'validating' || status === 'queued' || status === 'running' || status === 'paused' || status === 'unknown';
}

export function isPausable(status: JobStatus): boolean {
  return status === 'running';
}

export function isResumable(status: JobStatus): boolean {
  return status === 'paused';
}

/** Human label; unknown statuses show the provider's own word so nothing is hidden. */
export function statusLabel(status: JobStatus, raw?: string): string {
  switch (status) {
    case 'validating':
      return 'Validating files';
    case 'queued':
      return 'Queued';
    case 'running':
      return 'Running';
    case 'paused':
      return 'Paused';
    case 'cancelling':
      return 'Cancelling';
    case 'succeeded':
      return 'Succeeded';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    case 'unknown':
      return raw ? `${raw} (still running?)` : 'Unknown status';
  }
}

/** Codicon id per status; active states spin so a running job is visible at a glance. */
export function statusCodicon(status: JobStatus): { id: string; color?: string } {
  switch (status) {
    case 'validating':
    case 'queued':
      return { id: 'clock', color: 'charts.yellow' };
    case 'running':
    case 'unknown':
      return { id: 'loading~spin' };
    case 'cancelling':
      return { id: 'loading~spin', color: 'charts.orange' };
    case 'paused':
      return { id: 'debug-pause', color: 'charts.yellow' };
    case 'succeeded':
      return { id: 'pass-filled', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'cancelled':
      return { id: 'circle-slash', color: 'disabledForeground' };
  }
}
