import * as vscode from 'vscode';
import type { JobEvent } from '../core/backends/types';
import type { JobsStore } from '../core/jobs/jobsStore';
import { isTerminal } from '../core/jobs/status';

export function formatEvent(jobId: string, e: JobEvent): string {
  const level = e.level === 'info' ? 'info ' : e.level === 'warn' ? 'warn ' : e.level;
  return `${new Date(e.createdAt).toISOString()} ${level} ${jobId}  ${e.message}`;
}

/**
 * "Show Job Events": every event of a job into the "Socratune Fine-tune Events" output channel, then
 * new ones as polling brings them in, until the job ends.
 */
export class EventsChannel implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  private readonly streams = new Map<string, { dispose(): void }>();
  /** Lines written (test handle). */
  readonly written: string[] = [];
  private readonly sub: { dispose(): void };

  constructor(private readonly store: JobsStore) {
    this.sub = store.onDidReceiveEvents(({ jobId, events }) => {
      if (!this.streams.has(jobId)) return;
      for (const e of events) this.line(formatEvent(jobId, e));
      const j = store.job(jobId);
      if (j && isTerminal(j.status) && store.detailsOf(jobId).settled) this.stop(jobId, `— ${jobId} ended: ${j.rawStatus} —`);
    });
  }

  private line(text: string): void {
    this.channel ??= vscode.window.createOutputChannel('Socratune Fine-tune Events');
    this.channel.appendLine(text);
    this.written.push(text);
  }

  private stop(jobId: string, why: string): void {
    this.streams.get(jobId)?.dispose();
    this.streams.delete(jobId);
    this.line(why);
  }

  async show(jobId: string): Promise<void> {
    const already = this.streams.has(jobId);
    this.line(`— events of ${jobId} —`);
    this.channel?.show(true);
    const d = this.store.detailsOf(jobId);
    // Everything already known, then whatever is new on the server.
    for (const e of d.events) this.line(formatEvent(jobId, e));
    if (!already) this.streams.set(jobId, this.store.watch(jobId));
    await this.store.fetchEvents(jobId);
    if (d.eventsError) this.line(`(could not load events: ${d.eventsError.message})`);
    const j = this.store.job(jobId);
    if (j && isTerminal(j.status)) this.stop(jobId, `— ${jobId} ${j.rawStatus}; no more events will come —`);
    else this.line(`(streaming new events of ${jobId} while it runs…)`);
  }

  dispose(): void {
    this.sub.dispose();
    for (const s of this.streams.values()) s.dispose();
    this.streams.clear();
    this.channel?.dispose();
  }
}
