import * as vscode from 'vscode';

/**
 * The active dataset folder (e.g. `.socratune/datasets/journal/`), shared by the dataset commands,
 * the validation status bar item, the fine-tune wizard and the chat's "Add to Training Set".
 * Persisted per workspace.
 */
export class ActiveDataset implements vscode.Disposable {
  private static readonly KEY = 'socratune.activeDataset';
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get uri(): vscode.Uri | undefined {
    const s = this.state.get<string>(ActiveDataset.KEY);
    return s ? vscode.Uri.parse(s) : undefined;
  }

  async set(uri: vscode.Uri | undefined): Promise<void> {
    await this.state.update(ActiveDataset.KEY, uri?.toString());
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
