import * as vscode from 'vscode';

/** Whether something exists at `uri` (through VS Code's file system, so any workspace scheme works). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
