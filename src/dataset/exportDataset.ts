import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExportFormat, exportJsonl } from '../core/dataset/export';
import { ioError, readTextOrEmpty, writeAtomic } from '../core/dataset/fsutil';
import { DatasetService, UserError } from './service';

export interface ExportArgs {
  format: ExportFormat;
  /** Path of the exported training file; validation goes next to it with "-validation". */
  target?: string;
}

export interface ExportCommandResult {
  files: { path: string; exported: number; skipped: { line: number; reason: string }[] }[];
}

const FORMATS: { format: ExportFormat; label: string; detail: string }[] = [
  { format: 'openai', label: 'OpenAI chat JSONL', detail: 'messages[{role, content}] as is — OpenAI, Azure, Together, and `type: chat_template` in Axolotl' },
  {
    format: 'sharegpt',
    label: 'ShareGPT',
    detail: 'conversations[{from, value}] — LLaMA-Factory (formatting: sharegpt), Unsloth standardize_sharegpt, Axolotl chat_template with field mappings',
  },
  {
    format: 'alpaca',
    label: 'Alpaca',
    detail: 'instruction / input / output (+ system, history) — LLaMA-Factory alpaca, Axolotl type: alpaca, Unsloth alpaca prompt',
  },
];

/** Where the save dialog starts: an existing `exports` folder of the dataset, else the dataset folder (it always exists). */
export async function exportFolder(datasetDir: string): Promise<string> {
  const exports = path.join(datasetDir, 'exports');
  try {
    if ((await fsp.stat(exports)).isDirectory()) return exports;
  } catch {
    // not created yet: a dialog must not open in a folder that does not exist
  }
  return datasetDir;
}

export async function exportDataset(svc: DatasetService, args?: ExportArgs): Promise<ExportCommandResult | undefined> {
  const ds = await svc.ensureActive(!args);
  if (!ds) return undefined;
  let format = args?.format;
  if (!format) {
    const f = await vscode.window.showQuickPick(
      FORMATS.map((x) => ({ ...x, description: x.format })),
      { title: `Socratune: export “${ds.store.name}” for a local trainer`, matchOnDetail: true },
    );
    if (!f) return undefined;
    format = f.format;
  }
  const trainText = await readTextOrEmpty(ds.store.file('train'));
  const valText = await readTextOrEmpty(ds.store.file('validation'));
  if (!trainText.trim() && !valText.trim()) throw new UserError(`“${ds.store.name}” has no examples yet. Nothing was written.`);
  let target = args?.target;
  if (!target) {
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(await exportFolder(ds.store.dir), `${ds.store.name}-${format}.jsonl`)),
      filters: { 'JSON Lines': ['jsonl'] },
      title: 'Export training examples to',
    });
    if (!uri) return undefined;
    target = uri.fsPath;
  }
  const result: ExportCommandResult = { files: [] };
  const jobs: [string, string][] = [[target, trainText]];
  if (valText.trim()) jobs.push([target.replace(/(\.jsonl)?$/, '-validation.jsonl'), valText]);
  for (const [file, text] of jobs) {
    const r = exportJsonl(text, format);
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(file)));
      await writeAtomic(file, r.text);
    } catch (err) {
      throw ioError(err, 'the export', file);
    }
    result.files.push({ path: file, exported: r.exported, skipped: r.skipped });
  }
  const skipped = result.files.reduce((n, f) => n + f.skipped.length, 0);
  if (skipped)
    svc.s.log.warn(
      `Export skipped ${skipped} line(s): ${result.files.flatMap((f) => f.skipped.map((s) => `${path.basename(f.path)} line ${s.line}: ${s.reason}`)).join('; ')}`,
    );
  if (!args) {
    const c = await vscode.window.showInformationMessage(
      `Socratune: exported ${result.files.map((f) => `${f.exported} example(s) to ${path.basename(f.path)}`).join(' and ')}${skipped ? ` — ${skipped} line(s) could not be converted (see the log)` : ''}.`,
      'Open',
      ...(skipped ? ['Show Log'] : []),
    );
    if (c === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(result.files[0].path));
    if (c === 'Show Log') svc.s.log.show();
  }
  return result;
}
