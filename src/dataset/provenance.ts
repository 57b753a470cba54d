import * as path from 'node:path';
import * as vscode from 'vscode';
import { assistantText, exampleKey, passageHash, sha } from '../core/dataset/hash';
import { ProvenanceRecord, SourceRange, SplitName } from '../core/dataset/types';
import { DatasetCommands, DatasetSettingKeys } from './commandIds';
import { config, DatasetService, messageOf } from './service';
import { openDatasetLine } from './ui';

/** Documents larger than this get no lenses (parsing every line on each refresh would be too slow). */
const MAX_LENS_LINES = 20_000;

/**
 * Where a passage is now: its recorded lines if their hash still matches, else the same number of lines
 * anywhere in the document with that hash (the journal was edited above it), else undefined.
 */
export function locatePassage(lines: readonly string[], src: SourceRange): { start: number; end: number } | undefined {
  const height = src.endLine - src.startLine + 1;
  const at = (s: number) => sha(lines.slice(s, s + height).join('\n'));
  if (!src.textHash) return src.endLine < lines.length ? { start: src.startLine, end: src.endLine } : undefined;
  if (src.endLine < lines.length && at(src.startLine) === src.textHash) return { start: src.startLine, end: src.endLine };
  if (lines.length > 50_000) return undefined;
  // Search outwards from the recorded position: the nearest match wins.
  for (let d = 1; d < lines.length; d++) {
    for (const s of [src.startLine - d, src.startLine + d]) {
      if (s >= 0 && s + height <= lines.length && at(s) === src.textHash) return { start: s, end: s + height - 1 };
    }
    if (src.startLine - d < 0 && src.startLine + d + height > lines.length) break;
  }
  return undefined;
}

async function openSource(svc: DatasetService, src: SourceRange): Promise<void> {
  const uri = svc.sourceUri(src.file);
  if (!uri) throw new Error(`Cannot resolve ${src.file} in this workspace.`);
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    void vscode.window.showWarningMessage(`Socratune: the source file ${src.file} no longer exists.`);
    return;
  }
  const lines = doc.getText().split(/\r?\n/);
  const found = locatePassage(lines, src);
  const start = found?.start ?? Math.min(src.startLine, doc.lineCount - 1);
  const end = found?.end ?? Math.min(src.endLine, doc.lineCount - 1);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (!found)
    void vscode.window.showInformationMessage(
      `Socratune: the passage in ${path.basename(src.file)} changed since it was added; showing the lines it was taken from.`,
    );
}

function joinRecords(records: Map<string, ProvenanceRecord>): { byHash: Map<string, ProvenanceRecord>; byPassage: Map<string, ProvenanceRecord> } {
  const byHash = new Map<string, ProvenanceRecord>();
  const byPassage = new Map<string, ProvenanceRecord>();
  for (const r of records.values()) {
    byHash.set(r.hash, r);
    byPassage.set(r.passageHash, r);
  }
  return { byHash, byPassage };
}

function recordForLine(text: string, j: ReturnType<typeof joinRecords>): ProvenanceRecord | undefined {
  if (!text.trim()) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return j.byHash.get(exampleKey(v)) ?? j.byPassage.get(passageHash(assistantText(v)));
}

/** Lenses on train.jsonl / validation.jsonl lines: jump to the journal lines each example came from. */
class ExampleLenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;
  constructor(
    private readonly svc: DatasetService,
    changed: vscode.Event<void>,
  ) {
    this.onDidChangeCodeLenses = changed;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (doc.lineCount > MAX_LENS_LINES) return [];
    let ds;
    try {
      ds = await this.svc.openAt(vscode.Uri.file(path.dirname(doc.uri.fsPath)));
    } catch {
      return []; // not a dataset folder
    }
    const j = joinRecords((await ds.store.readProvenance()).records);
    const lenses: vscode.CodeLens[] = [];
    for (let i = 0; i < doc.lineCount; i++) {
      const rec = recordForLine(doc.lineAt(i).text, j);
      if (!rec) continue;
      const range = new vscode.Range(i, 0, i, 0);
      const when = rec.createdAt.slice(0, 10);
      // Examples from chat (no journal source) get no lens: there is nowhere to jump to.
      if (rec.source) {
        const s = rec.source;
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(go-to-file) ${path.basename(s.file)}:${s.startLine + 1}${s.endLine > s.startLine ? `–${s.endLine + 1}` : ''} · ${rec.origin} · ${when}`,
            tooltip: `Open the journal lines this example was made from (${s.file})`,
            command: DatasetCommands.openExampleSource,
            arguments: [s],
          }),
        );
      }
    }
    return lenses;
  }
}

/** Lenses in journal files: which passages are already examples in the active dataset. */
class JournalLenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;
  constructor(
    private readonly svc: DatasetService,
    changed: vscode.Event<void>,
  ) {
    this.onDidChangeCodeLenses = changed;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!config().get<boolean>(DatasetSettingKeys.journalCodeLens, true) || doc.lineCount > MAX_LENS_LINES * 5) return [];
    const ds = await this.svc.active().catch(() => undefined);
    if (!ds) return [];
    const refs = ds.catalog.fromSource(this.svc.sourcePath(doc.uri));
    if (!refs.length) return [];
    const lines = doc.getText().split(/\r?\n/);
    const lenses: vscode.CodeLens[] = [];
    for (const ref of refs) {
      const src = ref.source as SourceRange;
      const found = locatePassage(lines, src);
      const line = Math.min(found?.start ?? src.startLine, doc.lineCount - 1);
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: `$(database) In “${ds.store.name}”${ref.line ? ` · ${ref.split === 'train' ? 'train' : 'validation'}.jsonl:${ref.line}` : ''}${found ? '' : ' · passage changed since'} · “${ref.user.slice(0, 60)}”`,
          tooltip: 'Open the training example made from this passage',
          command: DatasetCommands.revealExample,
          arguments: [{ datasetUri: ds.uri.toString(), split: ref.split, line: ref.line, id: ref.id }],
        }),
      );
    }
    return lenses;
  }
}

/** From a train.jsonl line in the active editor (no arguments): find its provenance. */
async function sourceOfCurrentLine(svc: DatasetService): Promise<SourceRange | undefined> {
  const ed = vscode.window.activeTextEditor;
  if (!ed || !/(train|validation)\.jsonl$/.test(ed.document.uri.fsPath)) {
    void vscode.window.showInformationMessage('Socratune: put the cursor on a line of a dataset’s train.jsonl to jump to its journal passage.');
    return undefined;
  }
  const ds = await svc.openAt(vscode.Uri.file(path.dirname(ed.document.uri.fsPath)));
  const rec = recordForLine(ed.document.lineAt(ed.selection.active.line).text, joinRecords((await ds.store.readProvenance()).records));
  if (!rec?.source) {
    void vscode.window.showInformationMessage(
      'Socratune: this example has no recorded journal source (added from chat, typed by hand, or edited beyond recognition).',
    );
    return undefined;
  }
  return rec.source;
}

async function revealExample(svc: DatasetService, arg: { datasetUri: string; split?: SplitName; line?: number; id?: string }): Promise<void> {
  const uri = vscode.Uri.parse(arg.datasetUri);
  let split = arg.split ?? 'train';
  let line = arg.line;
  if (arg.id) {
    // Line numbers move with hand edits: look the example up by its provenance id.
    const ds = await svc.openAt(uri);
    const ex = (await ds.store.snapshot()).examples.find((e) => e.record?.id === arg.id);
    if (ex) {
      split = ex.split;
      line = ex.line;
    }
  }
  await openDatasetLine(uri, split, line);
}

export function register(svc: DatasetService): void {
  const changed = new vscode.EventEmitter<void>();
  svc.s.context.subscriptions.push(
    changed,
    svc.onDidChange(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`socratune.${DatasetSettingKeys.journalCodeLens}`) && changed.fire()),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/{train,validation}.jsonl' }, new ExampleLenses(svc, changed.event)),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', language: 'markdown' }, new JournalLenses(svc, changed.event)),
    vscode.commands.registerCommand(DatasetCommands.openExampleSource, async (src?: SourceRange) => {
      try {
        const s = src && typeof src === 'object' && typeof src.file === 'string' ? src : await sourceOfCurrentLine(svc);
        if (s) await openSource(svc, s);
      } catch (err) {
        void vscode.window.showErrorMessage(`Socratune: ${messageOf(err)}`);
      }
    }),
    vscode.commands.registerCommand(DatasetCommands.revealExample, (arg: { datasetUri: string; split?: SplitName; line?: number; id?: string }) =>
      revealExample(svc, arg),
    ),
  );
}
