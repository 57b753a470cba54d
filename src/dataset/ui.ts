import * as path from 'node:path';
import * as vscode from 'vscode';
import { proposeWithModel } from '../core/dataset/backtranslate';
import { classifyError } from '../core/chat/errors';
import { ExampleRef } from '../core/dataset/catalog';
import { DuplicateMatch } from '../core/dataset/dedup';
import { Proposal } from '../core/dataset/propose';
import { AddedExample } from '../core/dataset/store';
import { fileForSplit, SplitName } from '../core/dataset/types';
import { DatasetSettingKeys } from './commandIds';
import { config, DatasetService, messageOf, OpenDataset } from './service';

/** Open train.jsonl/validation.jsonl of a dataset at a 1-based line (selecting the line). */
export async function openDatasetLine(datasetUri: vscode.Uri, split: SplitName, line?: number): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(datasetUri, fileForSplit(split));
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  if (line !== undefined && line >= 1 && line <= doc.lineCount) {
    const range = doc.lineAt(line - 1).range;
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  }
  return editor;
}

export function describeRef(svc: DatasetService, ref: ExampleRef): string {
  const where = `${fileForSplit(ref.split)}${ref.line ? ` line ${ref.line}` : ''}`;
  const src = ref.source
    ? ` (from ${path.basename(ref.source.file)}:${ref.source.startLine + 1}${ref.source.endLine > ref.source.startLine ? `–${ref.source.endLine + 1}` : ''})`
    : '';
  void svc;
  return `${where}${src}`;
}

/**
 * Ask what to do with a duplicate passage. "Show Existing" opens the existing example (and its journal
 * lines) and asks again, so the user decides with both in view.
 */
export async function askDuplicate(svc: DatasetService, ds: OpenDataset, match: DuplicateMatch<ExampleRef>, label: string): Promise<'add' | 'skip'> {
  const what = match.kind === 'exact' ? 'the same passage as' : `a near-duplicate (${Math.round(match.similarity * 100)}% similar) of`;
  for (;;) {
    const choice = await vscode.window.showWarningMessage(
      `${label} is ${what} an example already in “${ds.store.name}”: ${describeRef(svc, match.ref)}.`,
      { modal: true, detail: match.ref.user ? `Its prompt: “${match.ref.user}”` : undefined },
      'Add Anyway',
      'Show Existing',
      'Skip',
    );
    if (choice === 'Add Anyway') return 'add';
    if (choice !== 'Show Existing') return 'skip';
    await openDatasetLine(ds.uri, match.ref.split, match.ref.line);
  }
}

/** The confirmation toast with "Undo" (removes exactly these examples) and "Open". Not awaited by commands. */
export function confirmAdded(svc: DatasetService, ds: OpenDataset, added: AddedExample[], message: string): void {
  void vscode.window.showInformationMessage(message, 'Undo', 'Open').then(async (choice) => {
    if (choice === 'Undo')
      await undo(
        svc,
        ds,
        added.map((a) => a.id),
      );
    if (choice === 'Open') await openDatasetLine(ds.uri, 'train', added[added.length - 1]?.line);
  });
}

export async function undo(svc: DatasetService, ds: OpenDataset, ids: string[]): Promise<void> {
  try {
    const r = await svc.remove(ds, ids);
    if (r.notFound.length) {
      void vscode.window.showWarningMessage(
        `Socratune: ${r.removed.length ? `removed ${r.removed.length}; ` : ''}${r.notFound.length} example(s) could not be found in “${ds.store.name}” (edited by hand or already removed). Nothing else was changed.`,
      );
    } else {
      void vscode.window.showInformationMessage(
        `Socratune: removed ${r.removed.length === 1 ? 'the example' : `${r.removed.length} examples`} from “${ds.store.name}”.`,
      );
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Socratune: could not undo — ${messageOf(err)}`);
  }
}

const SOURCE_LABEL: Record<Proposal['source'], string> = {
  'heading-question': 'question in the heading',
  qa: 'Q/A in the text',
  'opening-question': 'opening question',
  heading: 'from the heading',
  model: 'model suggestion',
  user: 'typed',
};

interface PromptItem extends vscode.QuickPickItem {
  proposal?: Proposal;
  action?: 'type' | 'typed' | 'info';
}

export interface PromptChoice {
  prompt: string;
  /** Set when the chosen proposal replaces the passage (a Q/A pattern's answer). */
  assistant?: string;
  source: Proposal['source'];
}

/** Why a suggestion request failed, in words a person can act on (status, server message, what to do). */
export function suggestionError(err: unknown, model: string, baseURL?: string): string {
  return classifyError(err, { model, baseURL }).message;
}

/** Why a reply gave no question: the model answered, but not with questions (e.g. a model trained to write prose). */
export const NO_QUESTIONS = (model: string): string =>
  `${model} answered, but its reply held no question. Models fine-tuned on journal prose tend to reply in prose: set "socratune.dataset.questionModel" to a base chat model.`;

/** Which model suggests questions: the setting, else the chat model, else the training base model. */
export function questionModel(svc: DatasetService): string {
  const p = svc.s.profile();
  return config().get<string>(DatasetSettingKeys.questionModel, '') || p.defaultChatModel || p.defaultBaseModel;
}

type PromptOpts = { title: string; passage: string; heading?: string; proposals: Proposal[] };
type Picked = { item: PromptItem; edit: boolean };

const EDIT_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Edit before adding' };

const proposalItem = (p: Proposal, description: string): PromptItem => ({
  label: p.prompt,
  description,
  detail: p.detail,
  proposal: p,
  buttons: [EDIT_BUTTON],
});

/** The model's suggestions as picker items (or one item saying why there are none); undefined once the picker closed. */
async function modelPromptItems(svc: DatasetService, model: string, opts: PromptOpts, signal: AbortSignal): Promise<PromptItem[] | undefined> {
  let baseURL: string | undefined;
  try {
    const c = await svc.questionClient();
    if (!c.ok) return [{ label: '$(info) No model suggestions', detail: c.message, action: 'info', alwaysShow: true }];
    baseURL = c.baseURL;
    const props = await proposeWithModel(c.client, { model, passage: opts.passage, heading: opts.heading, signal });
    return props.length
      ? props.map((p) => proposalItem(p, SOURCE_LABEL.model))
      : [{ label: '$(info) The model suggested no questions', detail: NO_QUESTIONS(model), action: 'info', alwaysShow: true }];
  } catch (err) {
    if (signal.aborted) return undefined;
    const why = suggestionError(err, model, baseURL);
    svc.s.log.warn(`Question suggestions from ${model} failed: ${why}`);
    return [{ label: '$(warning) Model suggestions unavailable', detail: why, action: 'info', alwaysShow: true }];
  }
}

/** Resolves with the accepted item (and whether to edit it first), or undefined when the picker is closed; closing aborts `ac`. */
function waitForPick(qp: vscode.QuickPick<PromptItem>, oneKey: boolean, render: () => void, ac: AbortController): Promise<Picked | undefined> {
  return new Promise<Picked | undefined>((resolve) => {
    let done = false;
    qp.onDidChangeValue(() => render());
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (!item || item.action === 'info') return;
      done = true;
      resolve({ item, edit: !oneKey && item.action !== 'typed' });
      qp.hide();
    });
    qp.onDidTriggerItemButton((e) => {
      done = true;
      resolve({ item: e.item, edit: true });
      qp.hide();
    });
    qp.onDidHide(() => {
      ac.abort();
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** The picked prompt, through an input box to edit it when asked (or to type one); undefined when the user escapes. */
async function confirmPrompt(title: string, picked: Picked): Promise<PromptChoice | undefined> {
  const { item } = picked;
  let text = item.action === 'type' ? '' : item.label;
  if (picked.edit || item.action === 'type') {
    const edited = await vscode.window.showInputBox({
      title,
      prompt: 'The user message of this training example (the passage is the answer). Enter adds it; Escape skips this passage.',
      value: text,
      valueSelection: [0, text.length],
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Type the question this passage answers.'),
    });
    if (edited === undefined) return undefined;
    text = edited.trim();
  }
  const source = item.proposal && text === item.proposal.prompt ? item.proposal.source : 'user';
  return { prompt: text, assistant: item.proposal?.assistant, source };
}

/**
 * The prompt picker: rule-based proposals first, model suggestions arriving while it is open (cancelled when
 * it closes), "Type my own…", and whatever the user types. Unless one-key accept is on, the chosen text opens
 * in an input box to edit before anything is written — the user always sees the prompt.
 */
export async function pickPrompt(svc: DatasetService, opts: PromptOpts): Promise<PromptChoice | undefined> {
  const oneKey = config().get<boolean>(DatasetSettingKeys.acceptOneKey, false);
  const useModel = config().get<boolean>(DatasetSettingKeys.suggestWithModel, true);
  const qp = vscode.window.createQuickPick<PromptItem>();
  qp.title = opts.title;
  qp.placeholder = oneKey
    ? 'Enter adds the highlighted prompt · type to write your own'
    : 'Pick a prompt to edit, or type your own · Escape skips this passage';
  qp.matchOnDescription = false;
  qp.ignoreFocusOut = true;
  const base = opts.proposals.map((p) => proposalItem(p, SOURCE_LABEL[p.source]));
  let modelItems: PromptItem[] = [];
  const typeOwn: PromptItem = { label: '$(edit) Type my own question…', action: 'type', alwaysShow: true };
  const render = () => {
    const typed = qp.value.trim();
    const items: PromptItem[] = [];
    if (typed) items.push({ label: typed, description: 'use what you typed', action: 'typed', alwaysShow: true });
    items.push(...base);
    if (modelItems.length) items.push({ label: 'Model suggestions', kind: vscode.QuickPickItemKind.Separator }, ...modelItems);
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, typeOwn);
    qp.items = items;
  };
  const ac = new AbortController();
  if (useModel) {
    const model = questionModel(svc);
    modelItems = [{ label: `$(loading~spin) Asking ${model} for questions this passage answers…`, action: 'info', alwaysShow: true }];
    qp.busy = true;
    void modelPromptItems(svc, model, opts, ac.signal).then((items) => {
      if (ac.signal.aborted) return;
      if (items) modelItems = items;
      qp.busy = false;
      // Re-render, keeping the highlighted item where the user left it.
      const active = qp.activeItems[0];
      render();
      if (active) {
        const same = qp.items.find((i) => i.label === active.label);
        if (same) qp.activeItems = [same];
      }
    });
  }
  render();
  const picked = await waitForPick(qp, oneKey, render, ac);
  return picked ? confirmPrompt(opts.title, picked) : undefined;
}
