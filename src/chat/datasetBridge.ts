import * as vscode from 'vscode';
import type { DatasetRef, ExampleLocation } from '../platform/datasets';
import { Services } from '../platform/services';
import { DatasetInfo } from '../shared/protocol';

export interface ExampleArgs {
  readonly user: string;
  readonly assistant: string;
  readonly system?: string;
  /** Provenance: the dataset store records `origin: 'chat'` with the example. */
  readonly origin: 'chat';
}

export type AddResult =
  | { ok: true; id: string; datasetName?: string; duplicate?: boolean }
  /** `refused`: an exact duplicate, said as a warning; `cancelled`: the user said no, nothing to say. */
  | { ok: false; message: string; cancelled?: boolean; refused?: boolean };

const OPEN_EXISTING = 'Open Existing';
const ADD_ANYWAY = 'Add Anyway';

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
      const refused = await this.duplicateGate(args);
      if (refused) return refused;
      const r = await this.s.datasets.add({ user: args.user, assistant: args.assistant, ...(args.system ? { system: args.system } : {}), origin: 'chat' });
      // Undefined when the user cancelled (e.g. dismissed the dataset picker).
      if (!r) return { ok: false, cancelled: true, message: 'Nothing was added to the training set.' };
      return { ok: true, id: r.id, datasetName: r.datasetName, ...(r.duplicateOf ? { duplicate: true } : {}) };
    } catch (e) {
      return { ok: false, message: `Could not add the example: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /**
   * Before an add: an exact duplicate (same prompt and answer) is refused, with "Open Existing" on the notification;
   * a near duplicate asks Add Anyway / Open Existing / Cancel (dismissing it cancels). Undefined: go ahead and add.
   */
  private async duplicateGate(args: ExampleArgs): Promise<AddResult | undefined> {
    const dup = await this.s.datasets.findDuplicate({ user: args.user, assistant: args.assistant, near: true });
    const ds = dup && (await this.s.datasets.active());
    if (!dup || !ds) return undefined;
    const where = `${dup.split}.jsonl${dup.line ? `, line ${dup.line}` : ''}`;
    if (dup.kind === 'exact') {
      const message = `This prompt and reply are already in the training set “${ds.name}” (${where}), so nothing was added.`;
      this.s.log.info(`Add to Training Set: refused an exact duplicate of ${ds.folder} ${where}.`);
      void Promise.resolve(vscode.window.showWarningMessage(`Socratune: ${message}`, OPEN_EXISTING))
        .then((choice) => (choice === OPEN_EXISTING ? openExample(ds, dup) : undefined))
        .catch((err: unknown) => this.s.log.warn(`Could not open the existing example: ${err instanceof Error ? err.message : String(err)}`));
      return { ok: false, refused: true, message };
    }
    const alike = Math.round((dup.similarity ?? 0) * 100);
    this.s.log.info(`Add to Training Set: asking about a near duplicate (${alike}% alike) of ${ds.folder} ${where}.`);
    const choice = await vscode.window.showWarningMessage(
      `Socratune: this reply closely matches the example at ${where} of “${ds.name}” (${alike}% alike). Add it anyway?`,
      ADD_ANYWAY,
      OPEN_EXISTING,
      'Cancel',
    );
    this.s.log.info(`Add to Training Set: near duplicate of ${where}: ${choice ?? 'dismissed'}.`);
    if (choice === ADD_ANYWAY) return undefined;
    if (choice === OPEN_EXISTING) await openExample(ds, dup);
    return { ok: false, cancelled: true, message: 'Nothing was added to the training set.' };
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

/** Open the dataset file holding an existing example, with the cursor on its line. */
async function openExample(ds: DatasetRef, at: ExampleLocation): Promise<void> {
  const file = at.split === 'validation' && ds.validationPath ? ds.validationPath : ds.trainPath;
  const line = Math.max(0, (at.line ?? 1) - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false, selection: new vscode.Range(line, 0, line, 0) });
}
