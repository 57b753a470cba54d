import * as vscode from 'vscode';

/** The system prompt a fine-tuned model was trained with (or one the user bound to it). */
export interface BoundPrompt {
  readonly systemPrompt: string;
  /** 'job': from the job's manifest/metadata; 'user': set by hand. */
  readonly source: 'job' | 'user';
  readonly datasetName?: string;
}

/**
 * Model ID → bound system prompt, written by the jobs/models capability and read by chat so a
 * fine-tuned model is always addressed with the prompt it learned under. Stored in global state
 * (model IDs are account-wide, not per workspace).
 */
export class ModelPrompts implements vscode.Disposable {
  private static readonly KEY = 'socratune.modelPrompts';
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, BoundPrompt> {
    return this.state.get<Record<string, BoundPrompt>>(ModelPrompts.KEY, {});
  }

  get(modelId: string): BoundPrompt | undefined {
    return this.all()[modelId];
  }

  entries(): [string, BoundPrompt][] {
    return Object.entries(this.all());
  }

  async set(modelId: string, prompt: BoundPrompt | undefined): Promise<void> {
    const next = { ...this.all() };
    if (prompt) next[modelId] = prompt;
    else delete next[modelId];
    await this.state.update(ModelPrompts.KEY, next);
    this.changed.fire(modelId);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
