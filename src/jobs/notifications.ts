import * as vscode from 'vscode';
import type { FineTuneJob } from '../core/backends/types';
import { jobLabel } from '../core/jobs/format';

export interface JobNotification {
  readonly kind: 'succeeded' | 'failed' | 'cancelled';
  readonly jobId: string;
  readonly message: string;
  readonly at: number;
}

/** What the notification buttons do: the same actions as the tree's, called directly (not by command id). */
export interface JobNotificationActions {
  chatWith(jobId: string): Promise<unknown>;
  compareWithBase(jobId: string): Promise<unknown>;
  showEvents(jobId: string): Promise<unknown>;
}

/**
 * One notification when a job ends. The record list is a test handle (notifications cannot be read
 * back from VS Code).
 */
export class JobNotifier {
  readonly sent: JobNotification[] = [];

  constructor(private readonly actions: JobNotificationActions) {}

  notify(job: FineTuneJob): void {
    const name = jobLabel(job);
    if (job.status === 'succeeded') {
      const message = `Fine-tune ${name} succeeded: ${job.fineTunedModel ?? 'model ready'}.`;
      this.record('succeeded', job, message);
      const chat = 'Chat with Model';
      const compare = 'Compare with Base';
      void vscode.window.showInformationMessage(message, chat, compare).then((c) => {
        if (c === chat) void this.actions.chatWith(job.id);
        if (c === compare) void this.actions.compareWithBase(job.id);
      });
    } else if (job.status === 'failed') {
      const code = job.error?.code ? ` [${job.error.code}]` : '';
      const message = `Fine-tune ${name} failed${code}: ${job.error?.message ?? 'no reason given by the server'}. Your local dataset is unchanged.`;
      this.record('failed', job, message);
      const events = 'Show Events';
      void vscode.window.showErrorMessage(message, events).then((c) => {
        if (c === events) void this.actions.showEvents(job.id);
      });
    } else if (job.status === 'cancelled') {
      const message = `Fine-tune ${name} was cancelled.`;
      this.record('cancelled', job, message);
      void vscode.window.showInformationMessage(message);
    }
  }

  private record(kind: JobNotification['kind'], job: FineTuneJob, message: string): void {
    this.sent.push({ kind, jobId: job.id, message, at: Date.now() });
  }
}
