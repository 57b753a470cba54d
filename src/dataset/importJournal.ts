import * as path from 'node:path';
import * as vscode from 'vscode';
import { proposeWithModel } from '../core/dataset/backtranslate';
import { DedupIndex } from '../core/dataset/dedup';
import { sha } from '../core/dataset/hash';
import { splitJournal } from '../core/dataset/journal';
import { checkPassageText, preparePassage } from '../core/dataset/prepare';
import { NewExample } from '../core/dataset/store';
import { DatasetSettingKeys } from './commandIds';
import { config, DatasetService, messageOf, OpenDataset } from './service';
import { confirmAdded, describeRef, NO_QUESTIONS, questionModel, suggestionError } from './ui';

/** Test-friendly arguments: files/folders to import and what to accept, without any picker. */
export interface ImportArgs {
  uris: string[];
  /** 'proposed': every candidate that has a rule-based prompt and is not a duplicate; or explicit indexes. */
  accept?: 'proposed' | number[];
  /** Prompts by candidate index (override proposals). */
  prompts?: Record<number, string>;
  /** Ask the model for candidates without a rule-based prompt (default false with args). */
  useModel?: boolean;
}

export interface Candidate {
  index: number;
  uri: vscode.Uri;
  file: string;
  startLine: number;
  endLine: number;
  heading?: string;
  assistant: string;
  prompt?: string;
  promptSource?: string;
  raw: string;
  duplicate?: string;
}

export interface ImportResult {
  candidates: { index: number; file: string; startLine: number; endLine: number; prompt?: string; duplicate?: string }[];
  added: { id: string; index: number; line?: number }[];
  skippedFiles: { file: string; reason: string }[];
  cancelled?: boolean;
  datasetUri?: string;
  /** How asking the model went, when it was asked; `reason` is the first failure's explanation. */
  suggestions?: { model: string; asked: number; got: number; failed: number; noQuestion: number; reason?: string; cancelled?: boolean };
  /** What the user was told about the suggestions (a warning), if anything went wrong. */
  suggestionNote?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

async function collectFiles(uris: vscode.Uri[]): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const uri of uris) {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) {
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.{md,markdown}'), '**/{node_modules,.git,.socratune}/**');
      out.push(...found.sort((a, b) => a.fsPath.localeCompare(b.fsPath)));
    } else out.push(uri);
  }
  return [...new Map(out.map((u) => [u.toString(), u])).values()];
}

/** Split files into candidates with prompts, duplicate marks; nothing is written. */
export async function buildCandidates(
  svc: DatasetService,
  ds: OpenDataset,
  files: vscode.Uri[],
): Promise<{ candidates: Candidate[]; skippedFiles: ImportResult['skippedFiles'] }> {
  const candidates: Candidate[] = [];
  const skippedFiles: ImportResult['skippedFiles'] = [];
  const batch = new DedupIndex<number>(ds.store.settings.nearDuplicateThreshold);
  for (const uri of files) {
    const rel = svc.sourcePath(uri);
    let text: string;
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.includes(0)) {
        skippedFiles.push({ file: rel, reason: 'binary file (NUL bytes)' });
        continue;
      }
      text = decoder.decode(bytes);
    } catch (err) {
      skippedFiles.push({ file: rel, reason: err instanceof TypeError ? 'not valid UTF-8 text' : messageOf(err) });
      continue;
    }
    const split = splitJournal(text);
    for (const p of split.passages) {
      const problem = checkPassageText(p.raw);
      if (problem) {
        skippedFiles.push({ file: `${rel}:${p.startLine + 1}`, reason: problem.message });
        continue;
      }
      const headingPath = p.boundary === 'date' && p.heading ? [...p.headingPath, p.heading] : p.headingPath;
      const prep = preparePassage(p.raw, { format: ds.store.settings.format, headingPath });
      const best = prep.proposals[0];
      const assistant = best?.assistant ?? prep.assistant;
      if (!assistant.trim()) continue;
      const c: Candidate = {
        index: candidates.length,
        uri,
        file: rel,
        startLine: p.startLine,
        endLine: p.endLine,
        heading: prep.heading ?? p.heading,
        assistant,
        prompt: best?.prompt,
        promptSource: best?.detail,
        raw: p.raw,
      };
      const dup = ds.catalog.findDuplicates(assistant)[0];
      if (dup) c.duplicate = `${dup.kind === 'exact' ? 'already in' : `${Math.round(dup.similarity * 100)}% like`} ${describeRef(svc, dup.ref)}`;
      else {
        const b = batch.find(assistant)[0];
        if (b) c.duplicate = `${b.kind === 'exact' ? 'same as' : 'near'} candidate ${b.ref + 1}`;
      }
      batch.add(assistant, c.index);
      candidates.push(c);
    }
  }
  return { candidates, skippedFiles };
}

type SuggestionOutcome = NonNullable<ImportResult['suggestions']>;

/** Ask the model for a question per passage; what did not work is counted with its reason, never dropped silently. */
async function suggestWithModel(svc: DatasetService, todo: Candidate[], token?: vscode.CancellationToken): Promise<SuggestionOutcome> {
  const model = questionModel(svc);
  const out: SuggestionOutcome = { model, asked: todo.length, got: 0, failed: 0, noQuestion: 0 };
  const c = await svc.questionClient();
  if (!c.ok) return { ...out, failed: todo.length, reason: c.message };
  const ac = new AbortController();
  token?.onCancellationRequested(() => ac.abort());
  let next = 0;
  // Two requests at a time: polite to rate limits, still quick.
  const worker = async () => {
    while (next < todo.length && !ac.signal.aborted) {
      const cand = todo[next++];
      try {
        const [q] = await proposeWithModel(c.client, { model, passage: cand.assistant, heading: cand.heading, n: 3, signal: ac.signal });
        if (q) {
          cand.prompt = q.prompt;
          cand.promptSource = q.detail;
          out.got++;
        } else out.noQuestion++;
      } catch (err) {
        if (ac.signal.aborted) return;
        const why = suggestionError(err, model, c.baseURL);
        out.failed++;
        out.reason ??= why;
        svc.s.log.warn(`Question suggestion failed for ${cand.file}:${cand.startLine + 1}: ${why}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  if (ac.signal.aborted) out.cancelled = true;
  return out;
}

/** What the user is told when the model did not suggest a question for every passage (undefined: all went well). */
function suggestionNote(o: SuggestionOutcome): string | undefined {
  if (o.cancelled || o.got === o.asked) return undefined;
  const n = (k: number) => `${k} of ${o.asked} passage${o.asked === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (o.failed) parts.push(`${o.model} could not suggest a question for ${n(o.failed)}: ${o.reason ?? 'the request failed.'}`);
  if (o.noQuestion) parts.push(`For ${n(o.noQuestion)}, ${NO_QUESTIONS(o.model)}`);
  const rest = o.got ? `${o.got} got a suggestion; the others wait for your question in the review.` : 'They wait for your question in the review.';
  return `Socratune: ${parts.join(' ')} ${rest}`;
}

function preview(s: string, n = 140): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
}

/** The review step: multi-select of candidates, edit buttons, nothing written until "OK". */
async function review(candidates: Candidate[], dsName: string): Promise<Candidate[] | undefined> {
  type Item = vscode.QuickPickItem & { c: Candidate };
  const edit: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Edit the prompt' };
  const itemFor = (c: Candidate): Item => ({
    label: c.prompt ? c.prompt : '$(question) (no prompt yet — you will be asked)',
    description: `${path.basename(c.file)}:${c.startLine + 1}${c.duplicate ? ` · $(warning) ${c.duplicate}` : ''}`,
    detail: preview(c.assistant),
    buttons: [edit],
    c,
  });
  let selected = new Set(candidates.filter((c) => c.prompt && !c.duplicate).map((c) => c.index));
  for (;;) {
    const qp = vscode.window.createQuickPick<Item>();
    qp.canSelectMany = true;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.title = `Socratune: review ${candidates.length} candidate examples for “${dsName}”`;
    qp.placeholder = 'Check the passages to add (duplicates start unchecked) · pencil = edit the prompt · Enter writes the checked ones';
    qp.items = candidates.map(itemFor);
    qp.selectedItems = qp.items.filter((i) => selected.has(i.c.index));
    const outcome = await new Promise<{ kind: 'accept' | 'edit' | 'cancel'; item?: Item }>((resolve) => {
      let settled = false;
      const settle = (v: { kind: 'accept' | 'edit' | 'cancel'; item?: Item }) => {
        if (settled) return;
        settled = true;
        resolve(v);
      };
      qp.onDidAccept(() => {
        selected = new Set(qp.selectedItems.map((i) => i.c.index));
        settle({ kind: 'accept' });
        qp.hide();
      });
      qp.onDidTriggerItemButton((e) => {
        selected = new Set(qp.selectedItems.map((i) => i.c.index));
        settle({ kind: 'edit', item: e.item });
        qp.hide();
      });
      qp.onDidHide(() => {
        settle({ kind: 'cancel' });
        qp.dispose();
      });
      qp.show();
    });
    if (outcome.kind === 'cancel') return undefined;
    if (outcome.kind === 'edit' && outcome.item) {
      const c = outcome.item.c;
      const v = await vscode.window.showInputBox({
        title: `Prompt for ${path.basename(c.file)}:${c.startLine + 1}`,
        prompt: `Passage: ${preview(c.assistant, 300)}`,
        value: c.prompt ?? '',
        ignoreFocusOut: true,
      });
      if (v !== undefined && v.trim()) {
        c.prompt = v.trim();
        c.promptSource = 'typed';
        selected.add(c.index);
      }
      continue;
    }
    const chosen = candidates.filter((c) => selected.has(c.index));
    // Chosen passages without a prompt: ask now, one by one (Escape leaves one out).
    for (const c of chosen.filter((x) => !x.prompt)) {
      const v = await vscode.window.showInputBox({
        title: `Prompt for ${path.basename(c.file)}:${c.startLine + 1} (Escape leaves this passage out)`,
        prompt: `Passage: ${preview(c.assistant, 300)}`,
        ignoreFocusOut: true,
      });
      if (v?.trim()) c.prompt = v.trim();
    }
    return chosen.filter((c) => c.prompt);
  }
}

/** Ask what to split: the current markdown file, a workspace folder, or files/folders chosen in a dialog. */
async function pickSources(): Promise<vscode.Uri[] | undefined> {
  const ed = vscode.window.activeTextEditor;
  type Pick = vscode.QuickPickItem & { uris?: vscode.Uri[]; browse?: boolean };
  const items: Pick[] = [];
  if (ed?.document.languageId === 'markdown' && ed.document.uri.scheme === 'file')
    items.push({ label: `$(file) ${path.basename(ed.document.uri.fsPath)}`, description: 'the current file', uris: [ed.document.uri] });
  for (const f of vscode.workspace.workspaceFolders ?? [])
    items.push({ label: `$(folder) ${f.name}`, description: 'every markdown file in this workspace folder', uris: [f.uri] });
  items.push({ label: '$(folder-opened) Choose Files or a Folder…', browse: true });
  const p = await vscode.window.showQuickPick(items, {
    title: 'Socratune: create examples from journal',
    placeHolder: 'What should be split into passages?',
  });
  if (!p) return undefined;
  const uris =
    p.uris ??
    (await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: true,
      filters: { Markdown: ['md', 'markdown'] },
      openLabel: 'Split into Examples',
    }));
  return uris?.length ? uris : undefined;
}

/** For passages without a question: (after asking, interactively) let the model suggest one. Returns false when the user cancelled. */
async function offerSuggestions(svc: DatasetService, candidates: Candidate[], result: ImportResult, args?: ImportArgs): Promise<boolean> {
  const withoutPrompt = candidates.filter((c) => !c.prompt);
  const modelAllowed = config().get<boolean>(DatasetSettingKeys.suggestWithModel, true);
  if (!withoutPrompt.length || !(args ? args.useModel : modelAllowed)) return true;
  let go = !!args;
  if (!args) {
    const c = await vscode.window.showInformationMessage(
      `${withoutPrompt.length} of ${candidates.length} passages have no question from their headings. Ask ${questionModel(svc)} to suggest one for each?`,
      'Ask the Model',
      'I Will Type Them',
    );
    if (c === undefined) return false;
    go = c === 'Ask the Model';
  }
  if (go) {
    result.suggestions = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Socratune: suggesting questions', cancellable: true },
      (_p, token) => suggestWithModel(svc, withoutPrompt, token),
    );
    result.suggestionNote = suggestionNote(result.suggestions);
    if (result.suggestionNote) void vscode.window.showWarningMessage(result.suggestionNote);
  }
  return true;
}

/** The candidates to write: from `args.accept` (tests), else from the review step (undefined: cancelled). */
async function chooseCandidates(candidates: Candidate[], dsName: string, args?: ImportArgs): Promise<Candidate[] | undefined> {
  if (!args) return review(candidates, dsName);
  const accept = args.accept ?? 'proposed';
  return accept === 'proposed' ? candidates.filter((c) => c.prompt && !c.duplicate) : candidates.filter((c) => accept.includes(c.index) && c.prompt);
}

/** Add the chosen passages as examples (with their source for provenance) and confirm; a failure is shown, not thrown. */
async function addChosen(svc: DatasetService, ds: OpenDataset, chosen: Candidate[], result: ImportResult): Promise<void> {
  const examples: NewExample[] = chosen.map((c) => ({
    user: c.prompt as string,
    assistant: c.assistant,
    origin: 'import',
    source: { file: c.file, startLine: c.startLine, endLine: c.endLine, textHash: sha(c.raw) },
  }));
  try {
    const added = await svc.add(ds, examples);
    result.added = added.map((a, i) => ({ id: a.id, index: chosen[i].index, line: a.line }));
    const nFiles = new Set(chosen.map((c) => c.file)).size;
    confirmAdded(svc, ds, added, `Socratune: added ${added.length} example(s) from ${nFiles} file(s) to “${ds.store.name}”.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
  }
}

export async function importJournal(svc: DatasetService, args?: ImportArgs, preset?: vscode.Uri[]): Promise<ImportResult> {
  const result: ImportResult = { candidates: [], added: [], skippedFiles: [] };
  const uris = preset ?? args?.uris.map((u) => (u.includes('://') ? vscode.Uri.parse(u) : vscode.Uri.file(u))) ?? (await pickSources());
  if (!uris) return { ...result, cancelled: true };
  const ds = await svc.ensureActive(!args);
  if (!ds) return { ...result, cancelled: true };
  result.datasetUri = ds.uri.toString();
  let files: vscode.Uri[];
  try {
    files = await collectFiles(uris);
  } catch (err) {
    void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
    return result;
  }
  const { candidates, skippedFiles } = await buildCandidates(svc, ds, files);
  result.skippedFiles = skippedFiles;
  if (skippedFiles.length) svc.s.log.warn(`Import skipped: ${skippedFiles.map((s) => `${s.file} (${s.reason})`).join('; ')}`);
  if (!candidates.length) {
    if (!args)
      void vscode.window.showWarningMessage(
        `Socratune: no passages found in ${files.length} file(s)${skippedFiles.length ? ` (${skippedFiles.length} skipped: ${skippedFiles[0].reason})` : ''}. Nothing was written.`,
      );
    result.candidates = [];
    return result;
  }
  for (const [i, p] of Object.entries(args?.prompts ?? {})) {
    const c = candidates[Number(i)];
    if (c) c.prompt = p;
  }
  if (!(await offerSuggestions(svc, candidates, result, args))) return { ...result, cancelled: true };
  result.candidates = candidates.map((c) => ({
    index: c.index,
    file: c.file,
    startLine: c.startLine,
    endLine: c.endLine,
    prompt: c.prompt,
    duplicate: c.duplicate,
  }));
  const chosen = await chooseCandidates(candidates, ds.store.name, args);
  if (!chosen) {
    void vscode.window.showInformationMessage('Socratune: import cancelled; nothing was written.');
    return { ...result, cancelled: true };
  }
  if (!chosen.length) {
    if (!args) void vscode.window.showInformationMessage('Socratune: no passage was chosen; nothing was written.');
    return result;
  }
  await addChosen(svc, ds, chosen, result);
  return result;
}
