import * as vscode from 'vscode';
import { Services } from '../platform/services';
import { DatasetInfo } from '../shared/protocol';

export interface ExampleArgs {
  readonly user: string;
  readonly assistant: string;
  readonly system?: string;
  /** Provenance: the dataset store records `origin: 'chat'` with the example. */
  readonly origin: 'chat';
}

export type AddResult = { ok: true; id: string; datasetName?: string; duplicate?: boolean } | { ok: false; message: string; cancelled?: boolean };

export const MISSING_DATASET_FEATURE =
  'Adding to a training set needs the dataset feature, which is not available in this build. Your reply is kept in the conversation; export it as markdown meanwhile.';

/**
 * Chat → dataset: "Add to Training Set" goes through the dataset capability's own durable store via
 * `services.datasets.add` (never by writing JSONL here). "Edit, then Add" opens the reply in an editor and
 * adds the edited text when the document is saved.
 */
export class DatasetBridge implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private readonly pendingEdits = new Map<string, vscode.Disposable>();

  constructor(private readonly s: Services) {}

  async info(): Promise<DatasetInfo> {
    let active;
    try {
      active = await this.s.datasets.active();
    } catch {
      return { available: false };
    }
    return { available: true, ...(active ? { name: active.name } : {}) };
  }

  async add(args: ExampleArgs): Promise<AddResult> {
    if (!args.user.trim() || !args.assistant.trim())
      return { ok: false, message: 'Only a reply with text, answering a prompt, can be added to a training set.' };
    if (!(await this.info()).available) return { ok: false, message: MISSING_DATASET_FEATURE };
    try {
      const r = await this.s.datasets.add({ user: args.user, assistant: args.assistant, ...(args.system ? { system: args.system } : {}), origin: 'chat' });
      // Undefined when the user cancelled (e.g. dismissed the dataset picker).
      if (!r) return { ok: false, cancelled: true, message: 'Nothing was added to the training set.' };
      return { ok: true, id: r.id, datasetName: r.datasetName, ...(r.duplicateOf ? { duplicate: true } : {}) };
    } catch (e) {
      return { ok: false, message: `Could not add the example: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /**
   * Open the reply in an editor; when the user saves it, add the edited text. A real file in the extension's
   * storage is used rather than an untitled document, whose first save opens a "Save As" dialog.
   */
  async editThenAdd(args: ExampleArgs, key: string, onAdded: (r: AddResult) => void): Promise<vscode.TextEditor> {
    if (!(await this.info()).available) throw new Error(MISSING_DATASET_FEATURE);
    const dir = vscode.Uri.joinPath(this.s.context.globalStorageUri, 'chat-edits');
    await vscode.workspace.fs.createDirectory(dir);
    const file = vscode.Uri.joinPath(dir, `${key}.md`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(args.assistant));
    this.pendingEdits.get(file.toString())?.dispose();
    const sub = vscode.workspace.onDidSaveTextDocument(async (doc) => {
      if (doc.uri.toString() !== file.toString()) return;
      const text = doc.getText();
      const r = text.trim() ? await this.add({ ...args, assistant: text }) : { ok: false as const, message: 'The edited reply is empty; nothing was added.' };
      if (r.ok) {
        sub.dispose();
        this.pendingEdits.delete(file.toString());
      }
      onAdded(r);
    });
    this.pendingEdits.set(file.toString(), sub);
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    void vscode.window.showInformationMessage('Edit the reply, then save (Ctrl+S / Cmd+S) to add it to the training set.');
    return editor;
  }

  dispose(): void {
    for (const d of this.pendingEdits.values()) d.dispose();
    this.pendingEdits.clear();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
