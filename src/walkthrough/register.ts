import * as vscode from 'vscode';
import { WALKTHROUGH_ID } from '../platform/onboarding';
import { Services } from '../platform/services';
import { registerBackendContext } from './backendContext';
import { JOURNAL_TEMPLATE, journalFileName } from './journalTemplate';

export const WalkthroughCommands = {
  open: 'socratune.openWalkthrough',
  openJournal: 'socratune.openJournal',
} as const;

/** "Get started with Socratune": the walkthrough's commands. Each step completes by doing it. */
export function registerWalkthrough(s: Services): void {
  registerBackendContext(s);
  s.context.subscriptions.push(
    vscode.commands.registerCommand(WalkthroughCommands.open, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
    vscode.commands.registerCommand(WalkthroughCommands.openJournal, () => openOrCreateJournal(s)),
  );
}

/**
 * Open a markdown journal from the workspace, or create one from a short template.
 * Returns the opened document's URI (undefined when cancelled or no folder is open).
 */
async function openOrCreateJournal(s: Services): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const open = 'Open Folder…';
    const choice = await vscode.window.showWarningMessage('Socratune: open a folder first — your journal and datasets live in the workspace.', open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  const existing = await vscode.workspace.findFiles('**/*.md', '{**/node_modules/**,**/.socratune/**}', 200);
  const create = { label: '$(new-file) Create a new journal…', create: true as const };
  const picks = [create, ...existing.map((uri) => ({ label: `$(markdown) ${vscode.workspace.asRelativePath(uri)}`, uri }))];
  const pick =
    existing.length === 0
      ? create
      : await vscode.window.showQuickPick(picks, { title: 'Socratune: open your journal', placeHolder: 'A markdown file you write in' });
  if (!pick) return undefined;
  let uri: vscode.Uri;
  if ('create' in pick) {
    uri = vscode.Uri.joinPath(folder.uri, journalFileName(existing.map((u) => u.path)));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JOURNAL_TEMPLATE(new Date())));
    s.log.info(`Created journal ${vscode.workspace.asRelativePath(uri)}`);
  } else {
    uri = pick.uri;
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}
