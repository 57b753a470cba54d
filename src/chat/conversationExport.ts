import * as os from 'node:os';
import * as vscode from 'vscode';
import { HistoryStore } from '../core/chat/historyStore';

/**
 * Export a conversation as markdown: to `target` when given (tests, scripted use), else through a titled save
 * dialog that proposes `<title>.md` in the folder used last time, else the folder of the journal (markdown) file
 * open in the workspace, else the workspace's first folder, else home.
 */
export class ConversationExporter {
  private lastFolder: vscode.Uri | undefined;

  constructor(private readonly store: HistoryStore) {}

  /** The save dialog's options for a conversation titled `title` (exposed so tests can check what is proposed). */
  dialogOptions(title: string): vscode.SaveDialogOptions {
    const folder = this.lastFolder ?? journalFolder() ?? vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    return {
      title: `Export Conversation "${title}" as Markdown`,
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(folder, `${safeFileName(title)}.md`),
      filters: { Markdown: ['md'] },
    };
  }

  async export(id: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const md = await this.store.exportMarkdown(id);
    if (md === undefined) throw new Error('That conversation no longer exists.');
    let uri = target;
    if (!uri) {
      const title = (await this.store.list()).find((c) => c.id === id)?.title ?? 'conversation';
      uri = await vscode.window.showSaveDialog(this.dialogOptions(title));
      if (!uri) return undefined;
      this.lastFolder = vscode.Uri.joinPath(uri, '..');
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(md));
    if (!target) void vscode.window.showInformationMessage(`Conversation exported to ${vscode.workspace.asRelativePath(uri)}.`);
    return uri;
  }
}

function safeFileName(title: string): string {
  return (
    title
      .replace(/[^\w\- ]+/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 60) || 'conversation'
  );
}

/** The folder of a workspace markdown file that is open (the journal the conversation is about), if any. */
function journalFolder(): vscode.Uri | undefined {
  const docs = [vscode.window.activeTextEditor?.document, ...vscode.window.visibleTextEditors.map((e) => e.document), ...vscode.workspace.textDocuments];
  const md = docs.find((d) => d && d.languageId === 'markdown' && d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri));
  return md ? vscode.Uri.joinPath(md.uri, '..') : undefined;
}
