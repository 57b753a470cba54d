import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendError } from '../core/backends';
import type { FineTuneBackend } from '../core/backends/types';
import { ArchiveReport, archiveAll } from '../core/jobs/archive';
import { showBackendError } from './errorActions';

export interface ArchiveArgs {
  /** Target folder (absolute); default `<workspace>/fine-tune-archive/<backend>`. */
  readonly folder?: string;
}

/**
 * "Socratune: Archive Fine-tunes…": every job of the account into a workspace folder, with a
 * cancellable progress notification. Re-running into the same folder resumes; nothing is overwritten.
 */
export async function runArchive(backend: FineTuneBackend, args: ArchiveArgs = {}): Promise<ArchiveReport | undefined> {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let folder = args.folder;
  if (!folder) {
    const def = ws ? path.join(ws, 'fine-tune-archive', backend.kind) : undefined;
    const items: (vscode.QuickPickItem & { folder?: string })[] = [];
    if (def) items.push({ label: vscode.workspace.asRelativePath(def), description: 'in this workspace (resumes if it exists)', folder: def });
    items.push({ label: 'Choose a folder…' });
    const pick = await vscode.window.showQuickPick(items, {
      title: `Archive every fine-tune of ${backend.label}`,
      placeHolder: 'Job JSON, events, checkpoints, training/validation files and results — before OpenAI stops serving them',
    });
    if (!pick) return undefined;
    if (pick.folder) folder = pick.folder;
    else {
      const chosen = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Archive Here',
        defaultUri: ws ? vscode.Uri.file(ws) : undefined,
      });
      if (!chosen?.[0]) return undefined;
      folder = chosen[0].fsPath;
    }
  }
  const target = folder;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Archiving fine-tunes of ${backend.label}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        let last = 0;
        try {
          return await archiveAll(backend, target, {
            signal: ac.signal,
            onProgress: (p) => {
              const pct = p.jobsTotal ? (100 * p.jobsDone) / p.jobsTotal : 0;
              progress.report({
                message: `${p.jobsDone}${p.jobsTotal !== undefined ? `/${p.jobsTotal}` : ''} · ${p.message}`,
                increment: Math.max(0, pct - last),
              });
              last = pct;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    const open = 'Open Index';
    const msg = `${report.cancelled ? 'Archive interrupted (run it again to resume)' : 'Archive complete'}: ${report.jobs.length} job(s) — ${report.written} file(s) written, ${report.kept} already there, ${report.unavailable} no longer served.`;
    void vscode.window.showInformationMessage(msg, open).then(async (c) => {
      if (c === open) await vscode.window.showTextDocument(vscode.Uri.file(path.join(report.root, report.indexFiles[1])));
    });
    return report;
  } catch (err) {
    if (err instanceof BackendError) void showBackendError(err.info, 'Archive stopped. ');
    else void vscode.window.showErrorMessage(`Archive stopped: ${err instanceof Error ? err.message : String(err)}. Run it again to resume.`);
    return undefined;
  }
}
