import * as vscode from 'vscode';
import { redact } from '../core/config/redact';

/** The "Socratune" log channel. Every message passes through redaction, including the current key. */
export class Log implements vscode.Disposable {
  private readonly secrets = new Set<string>();

  constructor(private readonly channel: vscode.LogOutputChannel) {}

  /** Register a secret value (e.g. the API key just read from SecretStorage) to be masked everywhere. */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  removeSecret(value: string | undefined): void {
    if (value) this.secrets.delete(value);
  }

  /** `text` as the log would write it (registered secrets and key shapes masked). */
  redacted(text: string): string {
    return redact(text, this.secrets);
  }

  private clean(message: string, args: unknown[]): string {
    const parts = [message, ...args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : safeJson(a)))];
    return this.redacted(parts.join(' '));
  }

  trace(message: string, ...args: unknown[]): void {
    this.channel.trace(this.clean(message, args));
  }
  debug(message: string, ...args: unknown[]): void {
    this.channel.debug(this.clean(message, args));
  }
  info(message: string, ...args: unknown[]): void {
    this.channel.info(this.clean(message, args));
  }
  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(this.clean(message, args));
  }
  error(message: string, ...args: unknown[]): void {
    this.channel.error(this.clean(message, args));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
