import * as vscode from 'vscode';
import { DedupIndex } from '../core/dataset/dedup';
import { sha } from '../core/dataset/hash';
import { addOne } from './port';
import { checkPassageText, headingPathAt, preparePassage } from '../core/dataset/prepare';
import { NewExample } from '../core/dataset/store';
import { Origin } from '../core/dataset/types';
import { DatasetCommands } from './commandIds';
import { DatasetService, messageOf, OpenDataset, UserError } from './service';
import { askDuplicate, confirmAdded, openDatasetLine, pickPrompt } from './ui';

/** Test-friendly arguments of socratune.addSelection (none = fully interactive). */
export interface AddSelectionArgs {
  /** One prompt per non-empty selection (in document order): skips the picker. */
  prompts?: string[];
  /** What to do with duplicates without asking. */
  onDuplicate?: 'add' | 'skip';
  /** Accept a selection in a non-markdown file without asking. */
  allowNonMarkdown?: boolean;
}

export interface AddSelectionResult {
  datasetUri?: string;
  added: { id: string; line?: number; user: string; assistant: string }[];
  skipped: {
    selection: number;
    reason: 'empty' | 'too-large' | 'binary' | 'cancelled' | 'duplicate' | 'nothing-left';
    message: string;
    duplicateOf?: { split: string; line?: number; id?: string; kind: string; similarity: number };
  }[];
  error?: string;
}

/** Arguments of the internal socratune.addExample (TEAM.md interface). */
export interface AddExampleArgs {
  user: string;
  assistant: string;
  system?: string;
  origin: Origin;
  source?: { file: string; startLine: number; endLine: number };
  /** Optional target dataset folder (default: the active dataset). */
  datasetUri?: string | vscode.Uri;
}

function isAddExampleArgs(v: unknown): v is AddExampleArgs {
  if (!v || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  const src = a.source as Record<string, unknown> | undefined;
  return (
    typeof a.user === 'string' &&
    typeof a.assistant === 'string' &&
    (a.system === undefined || typeof a.system === 'string') &&
    (a.origin === 'chat' || a.origin === 'selection' || a.origin === 'import') &&
    (src === undefined || (typeof src === 'object' && typeof src.file === 'string' && Number.isInteger(src.startLine) && Number.isInteger(src.endLine)))
  );
}

/** VS Code's language id in plain words: "code-text-binary" is how it marks a binary file opened as text anyway. */
function fileKind(languageId: string): string {
  return languageId === 'code-text-binary' ? 'a binary file' : `a ${languageId} file`;
}

const ORDER = (a: vscode.Selection, b: vscode.Selection) => a.start.compareTo(b.start);

/** Why the editor's selections cannot be added (no editor, nothing selected, a binary or declined non-markdown file). */
async function selectionProblem(editor: vscode.TextEditor | undefined, selections: vscode.Selection[], args?: AddSelectionArgs): Promise<string | undefined> {
  if (!editor) return 'Open a markdown journal and select a passage first. Nothing was written.';
  const doc = editor.document;
  if (selections.length === 0) return 'The selection is empty. Select a passage first. Nothing was written.';
  const rel = vscode.workspace.asRelativePath(doc.uri);
  // A binary file (NUL bytes in the selection) is refused in one message, before any question about markdown.
  if (selections.some((s) => doc.getText(s).includes('\0')))
    return `“${rel}” looks like a binary file, not a journal: the selection contains NUL bytes. Nothing was written.`;
  if (doc.languageId === 'markdown' || args?.allowNonMarkdown) return undefined;
  const kind = fileKind(doc.languageId);
  if (args?.prompts) return `“${rel}” is not markdown (${kind}). Nothing was written.`;
  const go = await vscode.window.showWarningMessage(
    `“${rel}” is ${kind}, not markdown. Add the selection anyway? It is cleaned like markdown (front matter, HTML comments and extra whitespace are removed).`,
    'Add Anyway',
  );
  return go === 'Add Anyway' ? undefined : 'Not added: the file is not markdown. Nothing was written.';
}

/** One selection of the batch, where it is and what it is called in messages. */
interface SelectionAt {
  readonly sel: vscode.Selection;
  readonly index: number;
  readonly count: number;
  readonly label: string;
}

/** The passage of one selection, cleaned, with its prompt (given or picked); undefined (and `result.skipped`) if skipped. */
async function promptedPassage(
  svc: DatasetService,
  ds: OpenDataset,
  doc: vscode.TextDocument,
  lines: string[],
  at: SelectionAt,
  result: AddSelectionResult,
  args?: AddSelectionArgs,
): Promise<{ user: string; assistant: string } | undefined> {
  const { sel, index: i, count, label } = at;
  const problem = checkPassageText(doc.getText(sel));
  if (problem) {
    result.skipped.push({ selection: i, reason: problem.code, message: problem.message });
    void vscode.window.showWarningMessage(`Socratune: ${count > 1 ? `${label}: ` : ''}${problem.message}`);
    return undefined;
  }
  const prepared = preparePassage(doc.getText(sel), { format: ds.store.settings.format, headingPath: headingPathAt(lines, sel.start.line) });
  if (!prepared.assistant.trim() && !prepared.proposals.some((p) => p.assistant)) {
    const message = `${label} holds only a heading, front matter or comments; nothing is left to train on. Nothing was written.`;
    result.skipped.push({ selection: i, reason: 'nothing-left', message });
    void vscode.window.showWarningMessage(`Socratune: ${message}`);
    return undefined;
  }
  let user: string | undefined;
  let assistant = prepared.assistant;
  if (args?.prompts) {
    user = args.prompts[i];
    const qa = prepared.proposals.find((p) => p.assistant && p.prompt === user);
    if (qa?.assistant) assistant = qa.assistant;
  } else {
    const preview = prepared.assistant.replace(/\s+/g, ' ').slice(0, 60);
    const choice = await pickPrompt(svc, {
      title: `${count > 1 ? `${i + 1}/${count} · ` : ''}Prompt for “${preview}${prepared.assistant.length > 60 ? '…' : ''}” → ${ds.store.name}`,
      passage: prepared.assistant,
      heading: prepared.heading,
      proposals: prepared.proposals,
    });
    user = choice?.prompt;
    if (choice?.assistant) assistant = choice.assistant;
  }
  if (!user?.trim()) {
    result.skipped.push({ selection: i, reason: 'cancelled', message: `${label}: no prompt given; skipped.` });
    return undefined;
  }
  return { user: user.trim(), assistant };
}

/** Whether a passage that repeats an example (or another selection of this batch) is added anyway; records a skip. */
async function keepDuplicate(
  svc: DatasetService,
  ds: OpenDataset,
  assistant: string,
  batch: DedupIndex<number>,
  at: SelectionAt,
  result: AddSelectionResult,
  args?: AddSelectionArgs,
): Promise<boolean> {
  const dup = ds.catalog.findDuplicates(assistant)[0];
  if (!dup && !batch.find(assistant)[0]) return true;
  const decision =
    args?.onDuplicate ??
    (dup
      ? await askDuplicate(svc, ds, dup, at.label)
      : (await vscode.window.showWarningMessage(`${at.label} repeats another selection of this command.`, { modal: true }, 'Add Anyway')) === 'Add Anyway'
        ? 'add'
        : 'skip');
  if (decision !== 'skip') return true;
  result.skipped.push({
    selection: at.index,
    reason: 'duplicate',
    message: `${at.label} duplicates an existing example; skipped.`,
    duplicateOf: dup ? { split: dup.ref.split, line: dup.ref.line, id: dup.ref.id, kind: dup.kind, similarity: dup.similarity } : undefined,
  });
  return false;
}

/** "Add Selection as Training Example": each selection (multi-cursor) becomes its own example. */
async function addSelection(svc: DatasetService, args?: AddSelectionArgs): Promise<AddSelectionResult> {
  const result: AddSelectionResult = { added: [], skipped: [] };
  const fail = (message: string): AddSelectionResult => {
    result.error = message;
    void vscode.window.showWarningMessage(`Socratune: ${message}`);
    return result;
  };
  const editor = vscode.window.activeTextEditor;
  const selections = editor ? [...editor.selections].filter((s) => !s.isEmpty).sort(ORDER) : [];
  const problem = await selectionProblem(editor, selections, args);
  if (problem || !editor) return fail(problem ?? 'Open a markdown journal and select a passage first. Nothing was written.');
  const doc = editor.document;
  let ds: OpenDataset | undefined;
  try {
    ds = await svc.ensureActive(!args?.prompts);
  } catch (err) {
    return fail(messageOf(err));
  }
  if (!ds) return fail('No dataset chosen. Nothing was written.');
  result.datasetUri = ds.uri.toString();
  const lines = doc.getText().split(/\r?\n/);
  const batch = new DedupIndex<number>(ds.store.settings.nearDuplicateThreshold);
  const pending: NewExample[] = [];
  for (const [index, sel] of selections.entries()) {
    const at: SelectionAt = {
      sel,
      index,
      count: selections.length,
      label: selections.length > 1 ? `Selection ${index + 1} of ${selections.length}` : 'The selection',
    };
    const passage = await promptedPassage(svc, ds, doc, lines, at, result, args);
    if (!passage || !(await keepDuplicate(svc, ds, passage.assistant, batch, at, result, args))) continue;
    batch.add(passage.assistant, index);
    const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
    // The hash covers the whole lines, so navigation can re-find the passage after the journal changed around it.
    const textHash = sha(lines.slice(sel.start.line, endLine + 1).join('\n'));
    pending.push({ ...passage, origin: 'selection', source: { file: svc.sourcePath(doc.uri), startLine: sel.start.line, endLine, textHash } });
  }
  if (pending.length === 0) {
    if (result.skipped.every((s) => s.reason === 'cancelled')) void vscode.window.showInformationMessage('Socratune: nothing was added.');
    return result;
  }
  try {
    const added = await svc.add(ds, pending);
    result.added = added.map((a, i) => ({ id: a.id, line: a.line, user: pending[i].user, assistant: pending[i].assistant }));
    const where = added.length === 1 && added[0].line ? ` (train.jsonl line ${added[0].line})` : '';
    confirmAdded(svc, ds, added, `Socratune: added ${added.length === 1 ? 'the example' : `${added.length} examples`} to “${ds.store.name}”${where}.`);
  } catch (err) {
    return fail(`${messageOf(err)}`);
  }
  return result;
}

/** Internal: append one example from elsewhere (automation; capabilities use `services.datasets.add`). Returns { id, datasetUri }. */
async function addExample(
  svc: DatasetService,
  arg: unknown,
): Promise<{ id: string; datasetUri: vscode.Uri; line?: number; duplicateOf?: { split: string; line?: number; kind: string } } | undefined> {
  if (!isAddExampleArgs(arg))
    throw new UserError(
      'socratune.addExample needs { user: string, assistant: string, system?: string, origin: "chat" | "selection" | "import", source?: { file, startLine, endLine } }.',
    );
  const folder = arg.datasetUri ? (typeof arg.datasetUri === 'string' ? vscode.Uri.parse(arg.datasetUri) : arg.datasetUri).fsPath : undefined;
  const r = await addOne(svc, { ...arg, datasetFolder: folder });
  return r && { id: r.id, datasetUri: vscode.Uri.file(r.datasetFolder), line: r.line, duplicateOf: r.duplicateOf };
}

export function register(svc: DatasetService): void {
  svc.s.context.subscriptions.push(
    vscode.commands.registerCommand(DatasetCommands.addSelection, (args?: AddSelectionArgs) =>
      addSelection(svc, args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : undefined),
    ),
    vscode.commands.registerCommand(DatasetCommands.addExample, (arg: unknown) => addExample(svc, arg)),
    vscode.commands.registerCommand(DatasetCommands.removeExamples, async (arg: { ids: string[]; datasetUri?: string }) => {
      if (!arg || !Array.isArray(arg.ids) || !arg.ids.every((x) => typeof x === 'string'))
        throw new UserError('socratune.removeExamples needs { ids: string[], datasetUri?: string }.');
      const ds = arg.datasetUri ? await svc.openAt(vscode.Uri.parse(arg.datasetUri)) : await svc.active();
      if (!ds) throw new UserError('No active dataset.');
      return svc.remove(ds, arg.ids);
    }),
    vscode.commands.registerCommand(DatasetCommands.openDatasetFile, async (arg?: { datasetUri?: string; split?: 'train' | 'validation'; line?: number }) => {
      const ds = arg?.datasetUri ? vscode.Uri.parse(arg.datasetUri) : (await svc.ensureActive(true))?.uri;
      if (ds) await openDatasetLine(ds, arg?.split ?? 'train', arg?.line);
    }),
  );
}
