import * as vscode from 'vscode';
import type { Log } from './log';

/** Walkthrough id as VS Code addresses it: `<publisher>.<name>#<walkthrough id>`. */
export const WALKTHROUGH_ID = 'socratune.socratune#socratune.getStarted';

/**
 * The context keys of onboarding, and the walkthrough step each one completes (package.json `completionEvents`:
 * `onContext:<key>`):
 * - `socratune.backendChosen`: `socratune.provider` is set (user, workspace or folder settings);
 * - `socratune.apiKeyReady`: the backend has its key in Secret Storage, or needs none (a key-less local server);
 * - `socratune.chatReplied`: a chat reply arrived whole;
 * - `socratune.needsApiKey`: the backend needs a key and has none (the Jobs welcome offers "Set API Key" only then).
 */
const STEP_OF = {
  'socratune.backendChosen': 'backend',
  'socratune.apiKeyReady': 'key',
  'socratune.chatReplied': 'chat',
  'socratune.needsApiKey': undefined,
} as const;

export type OnboardingKey = keyof typeof STEP_OF;

const MARK_ATTEMPTS = 6;
const MARK_RETRY_MS = 2_000;

/**
 * Sets the onboarding context keys when the thing happens (`services.onboarding`). A key turning true also marks its
 * walkthrough step complete with the workbench's own `welcome.markStepComplete`: VS Code 1.100 creates its walkthrough
 * service lazily, and a step whose `onContext` expression is already true when that service reads the walkthrough is
 * recorded as seen without being ticked (gettingStartedService.ts, registerDoneListeners) — so the declared
 * completion event alone leaves "Choose a backend" unticked whenever the backend was set before the walkthrough opened.
 */
export class OnboardingContext {
  private readonly values = new Map<OnboardingKey, boolean>();

  constructor(private readonly log: Log) {}

  /** The value last set (undefined: not set in this window yet). */
  value(key: OnboardingKey): boolean | undefined {
    return this.values.get(key);
  }

  /** Sets `key` (once per value); never rejects — a failure is logged. A step is marked done in the background. */
  async set(key: OnboardingKey, value: boolean): Promise<void> {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    try {
      await vscode.commands.executeCommand('setContext', key, value);
    } catch (err) {
      this.log.warn(`Could not set ${key}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const step = STEP_OF[key];
    if (value && step) void this.markDone(step, key);
  }

  /**
   * `welcome.markStepComplete`, retried: the walkthrough service registers an extension's walkthrough a few seconds
   * after it is created (it waits up to 5 s for an experiment service), and until then the step is "not in registry".
   */
  private async markDone(step: string, key: OnboardingKey): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await vscode.commands.executeCommand('welcome.markStepComplete', `${WALKTHROUGH_ID}#${step}`);
        this.log.info(`Walkthrough: step “${step}” done (${key}).`);
        return;
      } catch (err) {
        if (attempt >= MARK_ATTEMPTS) {
          this.log.warn(`Could not tick the walkthrough step “${step}”: ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        await new Promise((r) => setTimeout(r, MARK_RETRY_MS));
      }
    }
  }
}
